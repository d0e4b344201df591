/**
 * Turns the repository's configuration files into deployment units and the environment each Open
 * WebUI process will really see, with each tool's own precedence rules:
 * - compose: env_file entries in order, then `environment:` (wins); `${VAR}` from the runner's
 *   environment, then the project `.env` next to the compose file (the shell wins, as in compose);
 * - systemd: the unit, then its drop-ins in lexical order; Environment= in order, then
 *   EnvironmentFile= in order, whose values override Environment= (systemd.exec);
 * - a top-level `.env` that nothing else claims: its values, with the runner's environment winning
 *   for Open WebUI's own variables, as python-dotenv's load_dotenv(override=False) does.
 */
import path from 'node:path';
import { finding, type Finding, type SourceLocation } from '../findings/finding.ts';
import { openWebUIImage, parseCompose } from './compose.ts';
import { discoverConfigFiles, readConfigFile, type DiscoveredFile } from './discover.ts';
import { parseDotenv, type DotenvEntry } from './dotenv.ts';
import { interpolate } from './interpolate.ts';
import type { ConfigScan, DeploymentUnit, EnvValue } from './model.ts';
import { execStartRunsOpenWebUI, parseUnitFile, splitEnvironmentValue } from './systemd.ts';

export interface ScanOptions {
  extraFiles?: readonly string[];
  runnerEnv?: Readonly<Record<string, string | undefined>>;
}

/** Variables Open WebUI reads that matter to these checks; the runner's values win for them in a bare .env unit. */
export const OPENWEBUI_VARIABLES = /^(DATABASE_|OAUTH_SESSION_TOKEN_ENCRYPTION_KEY$|OAUTH_CLIENT_INFO_ENCRYPTION_KEY$|WEBUI_SECRET_KEY$|WEBUI_JWT_SECRET_KEY$|WEBUI_AUTH$|ENABLE_DB_MIGRATIONS$|DATA_DIR$)/;

export async function scanConfiguration(root: string, options: ScanOptions = {}): Promise<ConfigScan> {
  const runnerEnv = options.runnerEnv ?? {};
  const discovery = await discoverConfigFiles(root, options.extraFiles ?? []);
  const findings: Finding[] = [...discovery.findings];
  const texts = new Map<string, string | null>();
  const read = async (rel: string): Promise<string | null> => {
    if (texts.has(rel)) return texts.get(rel)!;
    const result = await readConfigFile(root, rel);
    if (!result.ok) findings.push(result.finding);
    texts.set(rel, result.ok ? result.text : null);
    return result.ok ? result.text : null;
  };
  const known = new Set(discovery.files.map((f) => f.path));
  const claimed = new Set<string>();
  const units: DeploymentUnit[] = [];

  const byKind = (kind: DiscoveredFile['kind']) => discovery.files.filter((f) => f.kind === kind);

  for (const file of byKind('compose')) {
    const text = await read(file.path);
    if (text === null) continue;
    const parsed = parseCompose(text);
    for (const e of parsed.errors) {
      findings.push(finding('config/syntax', { message: `${file.path}: ${e.message}`, location: { file: file.path, line: e.line, column: e.column } }));
    }
    const dir = path.posix.dirname(file.path);
    const projectEnvPath = joinRel(dir, '.env');
    claimed.add(projectEnvPath);
    const projectEnv = known.has(projectEnvPath) ? await readDotenv(projectEnvPath, read, findings, undefined) : [];
    const projectEnvByKey = new Map(projectEnv.map((e) => [e.key, e]));
    const lookup = (name: string) => runnerEnv[name] ?? projectEnvByKey.get(name)?.value;

    for (const service of parsed.services) {
      const image = service.image ? openWebUIImage(service.image.raw) : { isOpenWebUI: false };
      for (const ref of service.envFiles) claimed.add(joinRel(dir, ref.path));
      if (!image.isOpenWebUI) continue;
      const env = new Map<string, EnvValue>();
      const unknownSources: string[] = [];
      for (const ref of service.envFiles) {
        const rel = joinRel(dir, ref.path);
        if (!known.has(rel) && !(await exists(root, rel))) {
          if (ref.required) unknownSources.push(rel);
          continue;
        }
        for (const entry of await readDotenv(rel, read, findings, lookup)) {
          env.set(entry.key, dotenvValue(rel, entry, 'dotenv'));
        }
      }
      for (const entry of service.environment) {
        const location: SourceLocation = { file: file.path, line: entry.line, column: entry.column };
        if (entry.raw === undefined) {
          const value = lookup(entry.key);
          if (value === undefined) env.set(entry.key, { value: '', origin: 'runner', location, literal: false, unresolvedReference: entry.key });
          else env.set(entry.key, fromReference(entry.key, value, location, runnerEnv, projectEnvByKey, projectEnvPath));
          continue;
        }
        const r = interpolate(entry.raw, lookup);
        if (r.error) {
          findings.push(finding('config/syntax', { message: `${file.path}: ${r.error} in the value of ${entry.key}.`, location }));
        }
        env.set(entry.key, interpolatedValue(r, location, runnerEnv, projectEnvByKey, projectEnvPath));
        for (const m of r.missing.filter((x) => x.required || r.value === '')) {
          findings.push(
            finding('config/undefined-variable', {
              message: `${entry.key} refers to \${${m.name}}, which is neither in this run's environment nor in ${projectEnvPath}. Compose ${m.required ? 'refuses to start' : 'substitutes an empty string'} when it is missing at deploy time${m.message ? ` ("${m.message}")` : ''}. Pass it to this check (workflow env or secrets) to verify its value.`,
              severity: 'notice',
              location,
              unit: `${file.path}: ${service.name}`,
            }),
          );
        }
      }
      const unit: DeploymentUnit = {
        name: `${file.path}: ${service.name}`,
        kind: 'compose-service',
        location: { file: file.path, line: service.line, column: service.column },
        deployment: file.path,
        env,
        unknownSources,
      };
      if (service.image) unit.image = service.image.raw;
      if (image.version) unit.openwebuiVersion = image.version;
      if (service.replicas !== undefined) unit.replicas = service.replicas;
      units.push(unit);
    }
  }

  const dropins = byKind('systemd-dropin');
  for (const file of byKind('systemd-unit')) {
    const text = await read(file.path);
    if (text === null) continue;
    const unitName = path.posix.basename(file.path);
    const dir = path.posix.dirname(file.path);
    const sources = [{ path: file.path, text }];
    for (const d of dropins.filter((x) => path.posix.dirname(x.path) === joinRel(dir, `${unitName}.d`)).sort((a, b) => (path.posix.basename(a.path) < path.posix.basename(b.path) ? -1 : 1))) {
      const t = await read(d.path);
      if (t !== null) sources.push({ path: d.path, text: t });
    }
    const environment: Array<{ key: string; value: string; location: SourceLocation }> = [];
    const environmentFiles: Array<{ spec: string; location: SourceLocation }> = [];
    let runsOpenWebUI = false;
    for (const source of sources) {
      const parsed = parseUnitFile(source.text);
      for (const e of parsed.errors) findings.push(finding('config/syntax', { message: `${source.path}: ${e.message}`, location: { file: source.path, line: e.line, column: e.column } }));
      for (const d of parsed.directives) {
        if (d.section !== 'Service') continue;
        const location = { file: source.path, line: d.line, column: d.column };
        if (d.key === 'ExecStart' && execStartRunsOpenWebUI(d.value)) runsOpenWebUI = true;
        if (d.key === 'Environment') {
          if (d.value.trim() === '') {
            environment.length = 0;
            continue;
          }
          const split = splitEnvironmentValue(d.value);
          if (split.error) findings.push(finding('config/syntax', { message: `${source.path}: Environment= ${split.error}.`, location }));
          for (const a of split.assignments) environment.push({ key: a.key, value: a.value, location: { ...location, column: d.column + a.offset } });
        } else if (d.key === 'EnvironmentFile') {
          if (d.value.trim() === '') environmentFiles.length = 0;
          else environmentFiles.push({ spec: d.value.trim(), location });
        }
      }
    }
    if (!runsOpenWebUI) continue;
    const env = new Map<string, EnvValue>();
    for (const e of environment) env.set(e.key, { value: e.value, origin: 'systemd-environment', location: e.location, literal: true });
    const unknownSources: string[] = [];
    for (const ef of environmentFiles) {
      const optional = ef.spec.startsWith('-');
      const hostPath = optional ? ef.spec.slice(1) : ef.spec;
      const rel = await locateInRepository(root, hostPath, dir, discovery.allFiles);
      if (!rel) {
        unknownSources.push(hostPath);
        if (!optional) {
          findings.push(
            finding('config/unreadable', {
              severity: 'notice',
              message: `EnvironmentFile=${hostPath} is not in the repository, so its values cannot be checked here. systemd refuses to start the unit when it is missing on the host (prefix it with '-' to make it optional).`,
              location: ef.location,
            }),
          );
        }
        continue;
      }
      claimed.add(rel);
      // systemd reads EnvironmentFile= without variable expansion.
      for (const entry of await readDotenv(rel, read, findings, undefined)) env.set(entry.key, dotenvValue(rel, entry, 'dotenv'));
    }
    units.push({ name: unitName, kind: 'systemd-unit', location: { file: file.path, line: 1, column: 1 }, deployment: dir, env, unknownSources });
  }

  const rootEnv = '.env';
  if (known.has(rootEnv) && !claimed.has(rootEnv)) {
    const env = new Map<string, EnvValue>();
    for (const entry of await readDotenv(rootEnv, read, findings, (n) => runnerEnv[n])) env.set(entry.key, dotenvValue(rootEnv, entry, 'dotenv'));
    for (const [key, value] of Object.entries(runnerEnv)) {
      if (value !== undefined && OPENWEBUI_VARIABLES.test(key)) env.set(key, { value, origin: 'runner', literal: false });
    }
    units.push({ name: '.env', kind: 'dotenv', location: { file: rootEnv, line: 1, column: 1 }, deployment: '.', env, unknownSources: [] });
  }

  if (units.length === 0 && findings.every((f) => f.ruleId !== 'config/syntax')) {
    findings.push(
      finding('config/no-deployment', {
        message: `No Open WebUI deployment was found in ${discovery.files.length} configuration files: no compose service with image ghcr.io/open-webui/open-webui, no systemd unit whose ExecStart= runs open-webui, and no top-level .env. Point 'path' at the deployment repository, or list files with 'extra-files'.`,
      }),
    );
  }
  return { units, findings, files: [...texts.keys()].sort() };
}

async function readDotenv(rel: string, read: (rel: string) => Promise<string | null>, findings: Finding[], lookup: ((n: string) => string | undefined) | undefined): Promise<DotenvEntry[]> {
  const text = await read(rel);
  if (text === null) return [];
  const parsed = parseDotenv(text, lookup ? { lookup } : {});
  for (const e of parsed.errors) findings.push(finding('config/syntax', { message: `${rel}: ${e.message}`, location: { file: rel, line: e.line, column: e.column } }));
  return parsed.entries;
}

function dotenvValue(file: string, entry: DotenvEntry, origin: EnvValue['origin']): EnvValue {
  const value: EnvValue = { value: entry.value, origin, location: { file, line: entry.line, column: entry.column }, literal: entry.references.length === 0 || entry.missing.length > 0 };
  if (entry.bare || (entry.missing.length > 0 && entry.value === '')) value.unresolvedReference = entry.missing[0] ?? entry.key;
  return value;
}

function fromReference(name: string, value: string, location: SourceLocation, runnerEnv: ScanOptions['runnerEnv'] & object, projectEnv: Map<string, DotenvEntry>, projectEnvPath: string): EnvValue {
  if (runnerEnv[name] !== undefined) return { value, origin: 'runner', location, literal: false };
  const entry = projectEnv.get(name)!;
  // A value that reaches the container from the committed project .env is committed.
  return { value, origin: 'dotenv', location: { file: projectEnvPath, line: entry.line, column: entry.column }, literal: true };
}

function interpolatedValue(r: ReturnType<typeof interpolate>, location: SourceLocation, runnerEnv: ScanOptions['runnerEnv'] & object, projectEnv: Map<string, DotenvEntry>, projectEnvPath: string): EnvValue {
  if (r.references.length === 0) return { value: r.value, origin: 'compose-environment', location, literal: true };
  const missing = r.missing.map((m) => m.name);
  const fromRunner = r.references.filter((n) => runnerEnv[n] !== undefined);
  const fromDotenv = r.references.filter((n) => runnerEnv[n] === undefined && projectEnv.has(n));
  if (r.value === '' && missing.length > 0) return { value: '', origin: 'compose-environment', location, literal: false, unresolvedReference: missing[0]! };
  if (fromRunner.length === 0 && fromDotenv.length === 1 && r.references.length === 1) {
    const entry = projectEnv.get(fromDotenv[0]!)!;
    return { value: r.value, origin: 'dotenv', location: { file: projectEnvPath, line: entry.line, column: entry.column }, literal: true };
  }
  // A default written in the compose file (`${VAR:-value}`) that was used is committed text.
  const literal = fromDotenv.length > 0 || r.defaulted.length > 0 || (missing.length > 0 && r.value !== '');
  return { value: r.value, origin: fromRunner.length ? 'runner' : 'compose-environment', location, literal };
}

function joinRel(dir: string, p: string): string {
  return path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, p));
}

async function exists(root: string, rel: string): Promise<boolean> {
  const { access } = await import('node:fs/promises');
  return access(path.join(root, rel)).then(
    () => true,
    () => false,
  );
}

/** An absolute host path (`/etc/open-webui/env`) is looked for in the repository by its path suffix. */
async function locateInRepository(root: string, hostPath: string, unitDir: string, known: Set<string>): Promise<string | undefined> {
  if (!hostPath.startsWith('/')) {
    const rel = joinRel(unitDir, hostPath);
    return known.has(rel) || (await exists(root, rel)) ? rel : undefined;
  }
  const suffix = hostPath.replace(/^\/+/, '');
  if (known.has(suffix) || (await exists(root, suffix))) return suffix;
  return [...known].find((k) => k.endsWith(`/${suffix}`));
}
