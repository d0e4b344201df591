/**
 * The release catalog generator: runs each Open WebUI release's REAL migrations (Peewee, then
 * Alembic) against the local PostgreSQL, records what every migration executed, and snapshots the
 * schema after a fresh install and along the upgrade lineage. Output: src/migrations/catalog/.
 *
 *   npx tsx tools/catalog/generate.ts                  # every release below
 *   npx tsx tools/catalog/generate.ts --add 0.11.1=<commit>   # a new release, then regenerate
 *
 * Open WebUI's code is read from the fetched git snapshot at run time and never committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { takeSnapshot, type SchemaSnapshot } from '../../src/database/snapshot.ts';
import { compareVersions } from '../../src/openwebui/releases.ts';
import { createTempDatabase, type TempDatabase } from '../../test/support/postgres.ts';
import { CACHE, git, HARNESS, libraries, OPENWEBUI_GIT, packageRoot } from './sources.ts';

const OUT = path.resolve(import.meta.dirname, '../../src/migrations/catalog');
const VENV = path.join(CACHE, '..', 'catalog-venv');

/** The newest upstream main commit known here (0.11.0); later releases come in with --add. */
const UPSTREAM_HEAD = 'f9590b8017199e56d5e953657e6498e3cef1d246';

/**
 * Upstream releases from 0.5.0: the release merges on upstream's first-parent line, found by the
 * version in package.json, and where the fork has upstream's tag (v0.5.x, v0.6.x) the tagged commit.
 * The fork's own tags from v0.7.2 on are fork-only and never used.
 */
function releaseList(extra: Array<[string, string]>): Array<{ version: string; commit: string }> {
  const tagged = git(OPENWEBUI_GIT, ['tag'])
    .split('\n')
    .filter((t) => /^v0\.[56]\.\d+$/.test(t))
    .map((t) => ({ version: t.slice(1), commit: git(OPENWEBUI_GIT, ['rev-list', '-n', '1', t]).trim() }));
  const newest = new Map<string, string>();
  for (const commit of git(OPENWEBUI_GIT, ['log', '--first-parent', '--format=%H', `v0.3.32..${UPSTREAM_HEAD}`, '--', 'package.json']).split('\n').filter(Boolean)) {
    const version = /"version":\s*"([^"]+)"/.exec(git(OPENWEBUI_GIT, ['show', `${commit}:package.json`]))?.[1];
    // git log lists newest first: the first commit seen for a version is its release merge.
    if (version && /^\d+\.\d+\.\d+$/.test(version) && compareVersions(version, '0.5.0') >= 0 && !newest.has(version)) newest.set(version, commit);
  }
  for (const [version, commit] of extra) newest.set(version, commit);
  // Tags win over the first-parent guess where both exist.
  const all = [...[...newest].map(([version, commit]) => ({ version, commit })), ...tagged];
  const unique = new Map(all.map((r) => [r.version, r]));
  return [...unique.values()].sort((a, b) => compareVersions(a.version, b.version));
}

function python(): string {
  const bin = path.join(VENV, 'bin', 'python');
  if (!existsSync(bin)) {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    // From the machine's pip configuration (a local wheel index here); versions near Open WebUI's pins.
    execFileSync(path.join(VENV, 'bin', 'pip'), ['install', '-q', 'sqlalchemy>=2.0,<2.1', 'alembic', 'psycopg2-binary', 'mako', 'click'], { stdio: 'inherit' });
  }
  return bin;
}

interface Step {
  id: string;
  statements: string[];
  inspected: boolean;
}
interface HarnessResult {
  steps: Step[];
  error: null | { step: string; migration: string | null; type: string; sqlstate: string | null; message: string };
  seconds: number;
}

function runHarness(url: string, root: string, hasPeewee: boolean, libs: string[]): HarnessResult {
  const out = path.join(CACHE, 'result.json');
  execFileSync(python(), [path.join(HARNESS, 'run_release.py'), '--url', url, '--package-root', root, '--out', out, ...(hasPeewee ? [] : ['--no-peewee'])], {
    env: { ...process.env, PYTHONPATH: [root, ...libs].join(':') },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as HarnessResult;
}

/** Git blob ids and names of a release's migration files. */
function migrationFiles(commit: string): Map<string, { blob: string; file: string }> {
  const files = new Map<string, { blob: string; file: string }>();
  for (const line of git(OPENWEBUI_GIT, ['ls-tree', '-r', commit, 'backend/open_webui/internal/migrations', 'backend/open_webui/migrations/versions']).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (!m) continue;
    const file = m[2]!;
    const base = path.basename(file, '.py');
    if (file.includes('/internal/migrations/') && /^\d{3}_/.test(base)) files.set(`peewee:${base}`, { blob: m[1]!, file });
    else if (file.includes('/versions/')) {
      const rev = /^([0-9a-f]{12})_/.exec(base)?.[1];
      if (rev) files.set(`alembic:${rev}`, { blob: m[1]!, file });
    }
  }
  return files;
}

interface MigrationEntry {
  kind: 'peewee' | 'alembic';
  name: string;
  description: string;
  inspectsSchema: boolean;
  versions: Array<{ gitBlob: string; releases: string[]; variants: Array<{ contexts: string[]; statements: string[] }> }>;
}

function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])])) as T;
  return value;
}

async function main(): Promise<void> {
  const extra: Array<[string, string]> = [];
  for (let i = 2; i < process.argv.length; i++) if (process.argv[i] === '--add') extra.push(process.argv[++i]!.split('=') as [string, string]);
  const only = process.env.CATALOG_ONLY?.split(',');
  const releases = releaseList(extra).filter((r) => !only || only.includes(r.version));
  const libs = libraries();
  mkdirSync(path.join(OUT, 'schemas'), { recursive: true });
  const migrations = new Map<string, MigrationEntry>();
  const releaseRows: Array<Record<string, unknown>> = [];
  const timings: Record<string, { fresh: number; upgrade?: number }> = {};
  let lineage: TempDatabase | undefined;
  let previous: string | undefined;
  const lastSchema: { fresh?: string; lineage?: string } = {};

  const record = (id: string, file: { blob: string; file: string } | undefined, version: string, context: string, step: Step) => {
    const kind = id.startsWith('peewee:') ? 'peewee' : 'alembic';
    const name = id.slice(kind.length + 1);
    let entry = migrations.get(id);
    if (!entry) {
      const base = file ? path.basename(file.file, '.py') : name;
      entry = { kind, name, description: base.replace(/^[0-9a-f]{12}_|^\d{3}_/, '').replace(/_/g, ' '), inspectsSchema: false, versions: [] };
      migrations.set(id, entry);
    }
    entry.inspectsSchema ||= step.inspected;
    const blob = file?.blob ?? 'unknown';
    let v = entry.versions.find((x) => x.gitBlob === blob);
    if (!v) entry.versions.push((v = { gitBlob: blob, releases: [], variants: [] }));
    if (!v.releases.includes(version)) v.releases.push(version);
    const key = JSON.stringify(step.statements);
    const variant = v.variants.find((x) => JSON.stringify(x.statements) === key);
    if (variant) variant.contexts.push(context);
    else v.variants.push({ contexts: [context], statements: step.statements });
  };

  const writeSchema = (version: string, kind: 'fresh' | 'lineage', snapshot: SchemaSnapshot): string => {
    const text = JSON.stringify(snapshot, null, 1) + '\n';
    if (lastSchema[kind] !== undefined && readFileSync(path.join(OUT, 'schemas', `${lastSchema[kind]}.${kind}.json`), 'utf8') === text) return lastSchema[kind]!;
    writeFileSync(path.join(OUT, 'schemas', `${version}.${kind}.json`), text);
    lastSchema[kind] = version;
    return version;
  };

  try {
    for (const release of releases) {
      const started = Date.now();
      const files = migrationFiles(release.commit);
      const { root, hasPeewee } = packageRoot(release.version, release.commit);
      const fresh = await createTempDatabase('catalog');
      let freshResult: HarnessResult;
      let freshSnapshot: SchemaSnapshot;
      try {
        freshResult = runHarness(fresh.url, root, hasPeewee, libs);
        freshSnapshot = await takeSnapshot(fresh.client);
      } finally {
        await fresh.drop();
      }
      for (const step of freshResult.steps) record(step.id, files.get(step.id), release.version, `fresh@${release.version}`, step);
      timings[release.version] = { fresh: Math.round(freshResult.seconds * 1000) / 1000 };

      lineage ??= await createTempDatabase('lineage');
      const upgrade = runHarness(lineage.url, root, hasPeewee, libs);
      const context = previous ? `upgrade ${previous}→${release.version}` : `fresh@${release.version}`;
      for (const step of upgrade.steps) record(step.id, files.get(step.id), release.version, context, step);
      if (previous) timings[release.version]!.upgrade = Math.round(upgrade.seconds * 1000) / 1000;
      const lineageSnapshot = await takeSnapshot(lineage.client);

      const peewee = [...files.keys()].filter((k) => k.startsWith('peewee:')).sort();
      const alembic = freshResult.steps.map((s) => s.id).filter((id) => id.startsWith('alembic:'));
      const row: Record<string, unknown> = {
        version: release.version,
        commit: release.commit,
        peewee: peewee.map((id) => id.slice('peewee:'.length)),
        alembic: alembic.map((id) => id.slice('alembic:'.length)),
        alembicHead: alembic.at(-1)?.slice('alembic:'.length) ?? null,
        migrationSet: hashOf([...files.entries()].sort().map(([k, f]) => `${k}=${f.blob}`).join('\n')),
        freshSchema: writeSchema(release.version, 'fresh', freshSnapshot),
        lineageSchema: writeSchema(release.version, 'lineage', lineageSnapshot),
      };
      if (freshResult.error) row.freshError = freshResult.error;
      if (upgrade.error) row.upgradeError = { from: previous ?? null, ...upgrade.error };
      releaseRows.push(row);
      previous = release.version;
      console.log(`${release.version.padEnd(7)} ${release.commit.slice(0, 9)} peewee ${peewee.length} alembic ${alembic.length}${freshResult.error ? ` FRESH ERROR ${freshResult.error.message}` : ''}${upgrade.error ? ` UPGRADE ERROR ${upgrade.error.message}` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await lineage?.drop();
  }

  const tooling = execFileSync(python(), ['-c', 'import sqlalchemy, alembic, psycopg2; print(sqlalchemy.__version__, alembic.__version__, psycopg2.__version__.split()[0])'], { encoding: 'utf8' }).trim().split(' ');
  writeFileSync(
    path.join(OUT, 'releases.json'),
    JSON.stringify(
      sortKeys({
        formatVersion: 1,
        source: { repository: 'yshishenya/open-webui (upstream history)', generator: 'tools/catalog/generate.ts' },
        tooling: { peewee: '3.17.9', peewee_migrate: '1.12.2', sqlalchemy: tooling[0], alembic: tooling[1], psycopg2: tooling[2], postgresql: 15 },
        releases: releaseRows,
      }),
      null,
      1,
    ) + '\n',
  );
  writeFileSync(path.join(OUT, 'migrations.json'), JSON.stringify(sortKeys(Object.fromEntries(migrations)), null, 1) + '\n');
  writeFileSync(path.join(OUT, 'timings.json'), JSON.stringify(sortKeys(timings), null, 1) + '\n');
  rmSync(path.join(CACHE, 'result.json'), { force: true });
  console.log(`Catalog: ${releaseRows.length} releases, ${migrations.size} migrations → ${path.relative(process.cwd(), OUT)}`);
}

function hashOf(text: string): string {
  return execFileSync('sha256sum', { input: text, encoding: 'utf8' }).split(' ')[0]!;
}

await main();
