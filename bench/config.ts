/**
 * Configuration check over a generated repository of 10,000 files (compose, .env, systemd units and
 * drop-ins, and noise). Peer in the same run: reading every file with fs.readFile and splitting it
 * into lines, i.e. the I/O floor any checker pays.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanConfiguration } from '../src/config/units.ts';
import { checkConfiguration } from '../src/rules/index.ts';
import type { BenchResult } from './run.ts';

const FILES = 10_000;

function generate(root: string): void {
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, `svc${Math.floor(i / 50)}`);
    mkdirSync(dir, { recursive: true });
    const kind = i % 5;
    if (kind === 0) {
      writeFileSync(
        path.join(dir, `docker-compose.${i}.yml`),
        `services:\n  webui-${i}:\n    image: ghcr.io/open-webui/open-webui:v0.6.${i % 42}\n    env_file: [app-${i + 1}.env]\n    environment:\n      DATABASE_URL: postgresql://u${i}:p%40ss${i}@db${i}.example.com:5432/owui?sslmode=require\n      OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: \${OAUTH_KEY_${i}:-passphrase-${i}-long-enough-to-pass-the-check}\n  cache:\n    image: redis:7\n`,
      );
    } else if (kind === 1) {
      writeFileSync(path.join(dir, `app-${i}.env`), Array.from({ length: 20 }, (_, j) => `VAR_${j}="value ${j} for ${i}" # comment`).join('\n') + '\nWEBUI_SECRET_KEY=secret-' + i + '\n');
    } else if (kind === 2) {
      writeFileSync(path.join(dir, `owui-${i}.service`), `[Unit]\nDescription=Open WebUI ${i}\n[Service]\nEnvironment="DATABASE_URL=postgresql://u:pw@localhost/db${i}" DATABASE_POOL_SIZE=5\nExecStart=/opt/venv/bin/open-webui serve\n`);
    } else if (kind === 3) {
      mkdirSync(path.join(dir, `owui-${i - 1}.service.d`), { recursive: true });
      writeFileSync(path.join(dir, `owui-${i - 1}.service.d`, 'override.conf'), `[Service]\nEnvironment=OAUTH_SESSION_TOKEN_ENCRYPTION_KEY=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n`);
    } else {
      writeFileSync(path.join(dir, `notes-${i}.md`), `# Notes ${i}\n${'lorem ipsum '.repeat(40)}\n`);
    }
  }
}

async function peerReadAll(root: string): Promise<number> {
  let lines = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else lines += (await readFile(full, 'utf8')).split('\n').length;
    }
  };
  await walk(root);
  return lines;
}

export async function runConfigBench(): Promise<BenchResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'preflight-bench-config-'));
  try {
    generate(root);
    // Warm the page cache for both contenders alike.
    await peerReadAll(root);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const t0 = performance.now();
    const scan = await scanConfiguration(root, { runnerEnv: {} });
    const findings = checkConfiguration(scan);
    const checkMs = performance.now() - t0;
    clearInterval(sampler);
    const t1 = performance.now();
    await peerReadAll(root);
    const peerMs = performance.now() - t1;
    const filesPerSecond = FILES / (checkMs / 1000);
    return {
      name: 'config',
      lines: [
        `generated repository: ${FILES} files, ${scan.units.length} Open WebUI units, ${scan.files.length} configuration files read, ${findings.length} findings`,
        `configuration check: ${checkMs.toFixed(0)} ms = ${filesPerSecond.toFixed(0)} files/s, peak RSS ${(peak / 1048576).toFixed(0)} MiB (+${((peak - rssBefore) / 1048576).toFixed(0)} MiB during the check)`,
        `peer (readFile + split of every file): ${peerMs.toFixed(0)} ms`,
        `ratio check / peer: ${(checkMs / peerMs).toFixed(2)}×`,
      ],
      metrics: { files: FILES, checkMs, filesPerSecond, peakRssMiB: peak / 1048576, peerMs, ratio: checkMs / peerMs },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runConfigBench();
  console.log(r.lines.join('\n'));
}
