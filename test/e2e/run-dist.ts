/** Runs the bundled action or CLI the way the runner does, and collects every output channel. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  outputsRaw: string;
  report: string;
  sarif: string;
}

/** Parses the GITHUB_OUTPUT file format: `name<<DELIM\nvalue\nDELIM`. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

export function runAction(inputs: Record<string, string>, env: Record<string, string> = {}): ActionRun {
  const tmp = mkdtempSync(path.join(tmpdir(), 'preflight-e2e-'));
  const files = { GITHUB_OUTPUT: path.join(tmp, 'output'), GITHUB_STEP_SUMMARY: path.join(tmp, 'summary'), GITHUB_STATE: path.join(tmp, 'state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist/index.js')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', RUNNER_TEMP: tmp, GITHUB_ACTIONS: 'true', ...files, ...inputEnv, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const outputsRaw = readFileSync(files.GITHUB_OUTPUT, 'utf8');
  const outputs = parseOutputs(outputsRaw);
  const read = (p: string | undefined) => {
    try {
      return p ? readFileSync(p, 'utf8') : '';
    } catch {
      return '';
    }
  };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, summary: read(files.GITHUB_STEP_SUMMARY), outputs, outputsRaw, report: read(outputs['report-path']), sarif: read(inputs['sarif-path']) };
}

export function runCli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
