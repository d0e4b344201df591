#!/usr/bin/env node
// Fails when the committed dist/ differs from a fresh build of the sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const fresh = mkdtempSync(path.join(tmpdir(), 'preflight-dist-'));
try {
  execFileSync(process.execPath, ['scripts/build.mjs', fresh], { stdio: 'inherit' });
  const list = (root) => readdirSync(root, { recursive: true }).filter((n) => !statSync(path.join(root, n)).isDirectory());
  const names = new Set([...list('dist'), ...list(fresh)]);
  const stale = [...names].filter((n) => {
    try {
      return !readFileSync(path.join('dist', n)).equals(readFileSync(path.join(fresh, n)));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`dist/ is stale (${stale.join(', ')}). Run 'npm run build' and commit dist/.`);
    process.exitCode = 1;
  } else console.log('dist/ matches the sources.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
