/**
 * Replays pending migrations in a sandbox database with Open WebUI's semantics: each Peewee
 * migration in its own transaction with its migratehistory row (a failure stops the start); then
 * every pending Alembic revision in ONE transaction with alembic_version (a failure rolls all of
 * them back; Open WebUI only logs it and runs on the old schema). Statements come from the catalog.
 */
import type pg from 'pg';
import { classifyError } from '../database/errors.ts';
import { migration, migrationVersion, type Release, type Variant } from './catalog.ts';
import type { Lineage, PendingChain } from './state.ts';

export interface ReplayFailure {
  migration: string;
  step: 'peewee' | 'alembic';
  statement: string;
  sqlstate?: string;
  message: string;
}

export interface ReplayResult {
  applied: string[];
  failure?: ReplayFailure;
}

const MIGRATEHISTORY_DDL = 'CREATE TABLE IF NOT EXISTS "migratehistory" ("id" SERIAL NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "migrated_at" TIMESTAMP NOT NULL)';
const ALEMBIC_VERSION_DDL = 'CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))';

/**
 * The statements a migration runs here. A migration that inspects the schema ran differently on a
 * fresh database and along the Peewee-era lineage; the generator recorded both.
 */
export function statementsFor(id: string, release: Release, lineage: Lineage): string[] {
  const version = migrationVersion(id, release.version);
  if (!version) throw new Error(`the catalog has no ${id} for ${release.version}`);
  const variants = version.variants;
  if (variants.length === 1) return variants[0]!.statements;
  const fresh = variants.find((v) => v.contexts.includes(`fresh@${release.version}`));
  const upgrade = variants.find((v) => v.contexts.some((c) => c.startsWith('upgrade ')));
  const pick: Variant | undefined = lineage === 'peewee' || lineage === 'hand-made' ? (upgrade ?? fresh) : (fresh ?? upgrade);
  return (pick ?? variants[0]!).statements;
}

/**
 * `transactions`: Open WebUI's own boundaries (sandbox). `savepoints`: the same boundaries as
 * savepoints inside a caller's transaction, which the caller rolls back (simulate-on-target).
 */
export type ReplayMode = 'transactions' | 'savepoints';

export async function replay(client: pg.Client, release: Release, chain: PendingChain, lineage: Lineage, onMigration: (id: string) => void = () => {}, mode: ReplayMode = 'transactions'): Promise<ReplayResult> {
  const applied: string[] = [];
  if (chain.peewee.length) {
    await client.query(MIGRATEHISTORY_DDL);
    for (const name of chain.peewee) {
      const id = `peewee:${name}`;
      onMigration(id);
      const failure = await inTransaction(client, mode, id, 'peewee', async (run) => {
        for (const s of statementsFor(id, release, lineage)) await run(s);
        await run(`INSERT INTO "migratehistory" ("name", "migrated_at") VALUES ('${name}', now())`);
      });
      if (failure) return { applied, failure };
      applied.push(id);
    }
  }
  if (chain.alembic.length) {
    const ids = chain.alembic.map((r) => `alembic:${r}`);
    const done: string[] = [];
    const failure = await inTransaction(client, mode, ids[0]!, 'alembic', async (run, setCurrent) => {
      await run(ALEMBIC_VERSION_DDL);
      for (const id of ids) {
        setCurrent(id);
        onMigration(id);
        for (const s of statementsFor(id, release, lineage)) await run(s);
        done.push(id);
      }
      await run('DELETE FROM alembic_version');
      await run(`INSERT INTO alembic_version (version_num) VALUES ('${chain.alembic.at(-1)}')`);
    });
    if (failure) return { applied, failure };
    applied.push(...done);
  }
  return { applied };
}

async function inTransaction(
  client: pg.Client,
  mode: ReplayMode,
  first: string,
  step: 'peewee' | 'alembic',
  body: (run: (sql: string) => Promise<void>, setCurrent: (id: string) => void) => Promise<void>,
): Promise<ReplayFailure | undefined> {
  let current = first;
  let statement = '';
  const [begin, commit, rollback] = mode === 'transactions' ? ['BEGIN', 'COMMIT', 'ROLLBACK'] : ['SAVEPOINT preflight_step', 'RELEASE SAVEPOINT preflight_step', 'ROLLBACK TO SAVEPOINT preflight_step'];
  await client.query(begin);
  try {
    await body(
      async (sql) => {
        statement = sql;
        await client.query(sql);
      },
      (id) => (current = id),
    );
    await client.query(commit);
    return undefined;
  } catch (error) {
    await client.query(rollback).catch(() => {});
    const c = classifyError(error);
    const f: ReplayFailure = { migration: current, step, statement, message: c.detail };
    if (c.code) f.sqlstate = c.code;
    return f;
  }
}

/** For messages: the entry's one-line name. */
export function migrationLabel(id: string): string {
  const e = migration(id);
  return e ? `${e.kind === 'peewee' ? 'Peewee' : 'Alembic'} ${e.name}` : id;
}
