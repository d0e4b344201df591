/** Where the generator reads Open WebUI and its migration libraries: fetched git snapshots. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MIRROR = process.env.CATALOG_MIRROR ?? '/work/.mirror';
export const OPENWEBUI_GIT = path.join(MIRROR, 'yshishenya+open-webui/repo');
export const PEEWEE_GIT = path.join(MIRROR, 'coleifer+peewee/repo');
export const PEEWEE_MIGRATE_GIT = path.join(MIRROR, 'klen+peewee_migrate/repo');
export const CACHE = process.env.CATALOG_CACHE ?? '/var/tmp/openwebui-preflight/catalog';
export const HARNESS = path.resolve(import.meta.dirname, 'harness');

export function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Extracts paths of a commit into a directory (git archive | tar). */
export function extract(gitDir: string, commit: string, paths: string[], into: string): void {
  mkdirSync(into, { recursive: true });
  execFileSync('bash', ['-c', `git --git-dir="$0" archive "$1" ${paths.map((p) => `'${p}'`).join(' ')} | tar -x -C "$2"`, gitDir, commit, into], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** peewee and peewee_migrate as pure-Python trees on PYTHONPATH, at the versions Open WebUI pinned. */
export function libraries(): string[] {
  const out: string[] = [];
  for (const [gitDir, tag, name] of [
    [PEEWEE_GIT, '3.17.9', 'peewee'],
    [PEEWEE_MIGRATE_GIT, '1.12.2', 'peewee_migrate'],
  ] as const) {
    const dir = path.join(CACHE, 'lib', `${name}-${tag}`);
    if (!existsSync(path.join(dir, '.done'))) {
      rmSync(dir, { recursive: true, force: true });
      extract(gitDir, tag, name === 'peewee' ? ['peewee.py', 'playhouse'] : ['peewee_migrate'], dir);
      writeFileSync(path.join(dir, '.done'), tag);
    }
    out.push(dir);
  }
  return out;
}

/**
 * A package root for one release: our shim `open_webui` package, with the release's own
 * internal/migrations (Peewee) and migrations/ (Alembic) extracted into it, and our env.py.
 */
export function packageRoot(version: string, commit: string): { root: string; hasPeewee: boolean } {
  const root = path.join(CACHE, 'releases', version);
  rmSync(root, { recursive: true, force: true });
  const raw = path.join(root, 'raw');
  const files = git(OPENWEBUI_GIT, ['ls-tree', '-r', '--name-only', commit, 'backend/open_webui/internal/migrations', 'backend/open_webui/migrations']).split('\n').filter(Boolean);
  const hasPeewee = files.some((f) => f.includes('/internal/migrations/') && /\/\d{3}_\w+\.py$/.test(f));
  extract(OPENWEBUI_GIT, commit, [...new Set(files.map((f) => f.split('/').slice(0, f.includes('/internal/') ? 4 : 3).join('/')))], raw);
  const pkg = path.join(root, 'pkg', 'open_webui');
  cpSync(path.join(HARNESS, 'shim', 'open_webui'), pkg, { recursive: true });
  if (hasPeewee) cpSync(path.join(raw, 'backend/open_webui/internal/migrations'), path.join(pkg, 'internal', 'migrations'), { recursive: true });
  cpSync(path.join(raw, 'backend/open_webui/migrations'), path.join(pkg, 'migrations'), { recursive: true });
  cpSync(path.join(HARNESS, 'alembic_env.py'), path.join(pkg, 'migrations', 'env.py'));
  writeFileSync(path.join(pkg, 'migrations', '__init__.py'), '');
  return { root: path.join(root, 'pkg'), hasPeewee };
}
