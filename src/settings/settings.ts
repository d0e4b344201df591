/**
 * Turns raw inputs (action inputs or CLI flags, both plain strings) into one typed Settings object.
 * Errors quote the bad value and the expected form, like actions/checkout's input helper.
 */
import { INPUTS } from './inputs.ts';

export const CHECK_NAMES = ['config', 'database', 'migrations', 'drift', 'oauth'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export const SANDBOX_MODES = ['auto', 'container', 'embedded', 'none'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];
export const FORMATS = ['github', 'text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof FORMATS)[number];
export const FAIL_ON = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];
export const ROLLBACK_MODES = ['off', 'rollback'] as const;
export type RollbackMode = (typeof ROLLBACK_MODES)[number];

export interface Settings {
  path: string;
  checks: ReadonlySet<CheckName>;
  databaseUrl?: string;
  useConfigDatabase: boolean;
  databaseSchema?: string;
  openwebuiVersion?: string;
  sandbox: SandboxMode;
  postgresImage?: string;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  simulateOnTarget: RollbackMode;
  verifyWrite: RollbackMode;
  encryptionKey?: string;
  previousKeys: string[];
  sample: number;
  extraFiles: string[];
  format: OutputFormat;
  reportPath?: string;
  sarifPath?: string;
  failOn: FailOn;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Reads one input by its action.yml name; returns '' when not given. */
export type InputReader = (name: string) => string;

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const value = raw.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(`Invalid value '${raw}' for input '${name}'. Expected one of: ${allowed.join(', ')}.`);
}

function nonNegativeInteger(name: string, raw: string): number {
  const value = raw.trim();
  if (!/^\d+$/.test(value)) {
    throw new SettingsError(`Invalid value '${raw}' for input '${name}'. Expected a whole number of 0 or more, e.g. 30000.`);
  }
  return Number(value);
}

function booleanInput(name: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(value)) return true;
  if (['false', 'no', '0', 'off'].includes(value)) return false;
  throw new SettingsError(`Invalid value '${raw}' for input '${name}'. Expected true or false.`);
}

function list(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function optional(raw: string): string | undefined {
  const value = raw.trim();
  return value === '' ? undefined : value;
}

/** Applies action.yml defaults to inputs that were not given. */
export function withDefaults(read: InputReader): InputReader {
  const defaults = new Map(INPUTS.map((i) => [i.name, i.default ?? '']));
  return (name) => {
    const value = read(name);
    return value.trim() === '' ? (defaults.get(name) ?? '') : value;
  };
}

export function parseSettings(rawRead: InputReader): Settings {
  const read = withDefaults(rawRead);
  const checks = new Set<CheckName>();
  for (const c of list(read('checks'))) checks.add(oneOf('checks', c, CHECK_NAMES));
  const version = optional(read('openwebui-version'));
  if (version !== undefined && !/^v?\d+\.\d+\.\d+$/.test(version)) {
    throw new SettingsError(`Invalid value '${version}' for input 'openwebui-version'. Expected a release number such as 0.6.41.`);
  }
  // Keys are secrets: they must not be trimmed silently of meaningful characters, only of the
  // surrounding whitespace a YAML block scalar adds.
  const encryptionKey = rawRead('encryption-key').replace(/^\s+|\s+$/g, '');
  const settings: Settings = {
    path: read('path').trim() || '.',
    checks,
    useConfigDatabase: booleanInput('use-config-database', read('use-config-database')),
    sandbox: oneOf('sandbox', read('sandbox'), SANDBOX_MODES),
    statementTimeoutMs: nonNegativeInteger('statement-timeout', read('statement-timeout')),
    lockTimeoutMs: nonNegativeInteger('lock-timeout', read('lock-timeout')),
    simulateOnTarget: oneOf('simulate-on-target', read('simulate-on-target'), ROLLBACK_MODES),
    verifyWrite: oneOf('verify-write', read('verify-write'), ROLLBACK_MODES),
    previousKeys: list(rawRead('previous-keys')),
    sample: nonNegativeInteger('sample', read('sample')),
    extraFiles: list(read('extra-files')),
    format: oneOf('format', read('format'), FORMATS),
    failOn: oneOf('fail-on', read('fail-on'), FAIL_ON),
  };
  const databaseUrl = optional(rawRead('database-url'));
  if (databaseUrl) settings.databaseUrl = databaseUrl;
  const schema = optional(read('database-schema'));
  if (schema) settings.databaseSchema = schema;
  if (version) settings.openwebuiVersion = version.replace(/^v/, '');
  const image = optional(read('postgres-image'));
  if (image) settings.postgresImage = image;
  if (encryptionKey !== '') settings.encryptionKey = encryptionKey;
  const reportPath = optional(read('report-path'));
  if (reportPath) settings.reportPath = reportPath;
  const sarifPath = optional(read('sarif-path'));
  if (sarifPath) settings.sarifPath = sarifPath;
  return settings;
}
