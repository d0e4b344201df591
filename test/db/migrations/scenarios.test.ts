/**
 * Checklist section 4 by machine, end to end through the engine with a real target and sandbox:
 * conflicts with verified remedies, the misnamed history table, drift judged against the lineage,
 * and the rolled-back simulation on the target.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runPreflight } from '../../../src/engine.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import { findRelease } from '../../../src/migrations/catalog.ts';
import { replay } from '../../../src/migrations/replay.ts';
import { databaseState, pendingChain } from '../../../src/migrations/state.ts';
import { takeSnapshot } from '../../../src/database/snapshot.ts';
import { silentProgress } from '../../../src/report/progress.ts';
import { SecretRegistry } from '../../../src/report/secrets.ts';
import { parseSettings } from '../../../src/settings/settings.ts';
import { createTempDatabase, type TempDatabase } from '../../support/postgres.ts';
import { upgradeThrough } from '../../support/openwebui.ts';

const cleanup: TempDatabase[] = [];
afterEach(async () => {
  for (const db of cleanup.splice(0)) await db.drop();
});

async function database(sql: string): Promise<TempDatabase> {
  const db = await createTempDatabase('scenario');
  cleanup.push(db);
  if (sql) await db.client.query(sql);
  return db;
}

/** A database upgraded release by release to `version`, as Open WebUI would have left it. */
async function upgradedTo(version: string): Promise<TempDatabase> {
  const db = await database('');
  await upgradeThrough(db.client, version);
  return db;
}

async function check(db: TempDatabase, inputs: Record<string, string>) {
  const settings = parseSettings((n) => ({ path: 'examples/compose-good', 'database-url': `${db.url}?sslmode=require`, sandbox: 'auto', ...inputs })[n] ?? '');
  return runPreflight(settings, { runnerEnv: { TESTCONTAINERS_RYUK_DISABLED: 'true' }, progress: silentProgress, secrets: new SecretRegistry() });
}
const rule = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);

const HAND_MADE = `
CREATE TABLE "auth" ("id" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "password" TEXT NOT NULL, "active" BOOLEAN NOT NULL);
CREATE TABLE "user" ("id" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "profile_image_url" TEXT NOT NULL, "timestamp" BIGINT NOT NULL, "api_key" VARCHAR(255));`;

describe('the checklist scenario: tables made by hand, then a start', () => {
  it('reports the conflict at 003_add_auth_api_key with SQLSTATE 42701 and remedies A and B verified by replay', async () => {
    const db = await database(HAND_MADE);
    const report = await check(db, { checks: 'database,migrations', 'openwebui-version': '0.6.5' });
    const [conflict] = rule(report.findings, 'migrations/conflict');
    expect(conflict).toBeDefined();
    expect(conflict!.details).toMatchObject({ migration: 'peewee:003_add_auth_api_key', sqlstate: '42701' });
    const remedies = (conflict!.details as { remedies: Array<{ id: string; sql: string[]; outcome: string }> }).remedies;
    expect(remedies.map((r) => [r.id, r.outcome])).toEqual([
      ['A', 'clean start'],
      ['B', 'clean start'],
    ]);
    expect(remedies[0]!.sql).toEqual(['ALTER TABLE "user" DROP COLUMN "api_key";']);
    expect(remedies[1]!.sql.at(-1)).toBe("INSERT INTO migratehistory (name, migrated_at) VALUES ('003_add_auth_api_key', now());");
    expect(conflict!.message).toMatch(/Remedy A .*identical to a normal install/);
    expect(conflict!.message).toMatch(/Remedy B .*leaves different from a normal install: user: index user_api_key is missing/);
    expect(conflict!.message).toMatch(/peewee_migrate .* fails: Open WebUI reads migratehistory/);
    // Nothing was written to the target.
    expect((await db.client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(2);
  }, 240_000);

  it('finds the checklist\'s peewee_migrate table', async () => {
    const db = await database(`${HAND_MADE} CREATE TABLE peewee_migrate (id serial primary key, name varchar(255)); INSERT INTO peewee_migrate (name) VALUES ('003_add_auth_api_key');`);
    const report = await check(db, { checks: 'database,migrations', 'openwebui-version': '0.6.5', sandbox: 'none' });
    expect(rule(report.findings, 'migrations/history-table-misnamed')[0]!.message).toMatch(/INSERT INTO migratehistory \(name, migrated_at\) VALUES \('003_add_auth_api_key', now\(\)\);/);
  });
});

describe('a hand-built primary key on "user"(id)', () => {
  it('is caught by drift, and breaks the upgrade to 0.6.41 at 38d63c18f30f', async () => {
    // Before 0.6.27, so that 0.6.41's rewritten 38d63c18f30f (which adds pk_user_id) runs on it.
    const db = await upgradedTo('0.6.25');
    await db.client.query('ALTER TABLE "user" ADD PRIMARY KEY (id)');
    const report = await check(db, { checks: 'database,migrations,drift', 'openwebui-version': '0.6.41' });
    const drift = rule(report.findings, 'schema/drift');
    expect(drift[0]!.message).toMatch(/user: extra constraint user_pkey/);
    const [conflict] = rule(report.findings, 'migrations/conflict');
    expect(conflict!.details).toMatchObject({ migration: 'alembic:38d63c18f30f', sqlstate: '42P16' });
    expect(conflict!.message).toMatch(/Open WebUI only logs a failed Alembic upgrade/);
    expect(conflict!.message).toMatch(/Remedy A .*ALTER TABLE "user" DROP CONSTRAINT "user_pkey"; → verified by replay: clean start/);
  }, 240_000);
});

describe('drift follows the lineage', () => {
  it('a healthy database upgraded through Peewee-era releases has no drift; hand-made changes do', async () => {
    const db = await upgradedTo('0.9.6');
    const healthy = await check(db, { checks: 'database,drift', sandbox: 'none' });
    expect(rule(healthy.findings, 'schema/drift')).toEqual([]);
    expect(healthy.drift).toMatchObject({ checked: true, release: '0.9.6', differences: 0 });
    await db.client.query('DROP INDEX idx_oauth_session_expires_at; ALTER TABLE chat ADD COLUMN my_notes text; ALTER TABLE memory ALTER COLUMN content TYPE varchar(100)');
    const drifted = await check(db, { checks: 'database,drift', sandbox: 'none' });
    const message = rule(drifted.findings, 'schema/drift')[0]!.message;
    expect(message).toMatch(/3 differences/);
    expect(message).toMatch(/chat: extra column my_notes \(text\)/);
    expect(message).toMatch(/memory: column content is character varying\(100\), expected text/);
    expect(message).toMatch(/oauth_session: index idx_oauth_session_expires_at is missing/);
  }, 240_000);

  it('a fresh 0.11.0 install is up to date and shows no drift', async () => {
    const db = await database('');
    const r = findRelease('0.11.0')!;
    const state = databaseState(await takeSnapshot(db.client));
    await replay(db.client, r, pendingChain(state, r), state.lineage);
    const report = await check(db, { checks: 'database,migrations,drift', sandbox: 'none', 'openwebui-version': '0.11.0' });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['migrations/up-to-date']);
    // The image tag of the repository (0.6.41) is older than the database: that is a downgrade.
    const older = await check(db, { checks: 'database,migrations', sandbox: 'none' });
    expect(older.findings.map((f) => f.ruleId)).toEqual(['migrations/downgrade']);
  });
});

describe('simulate-on-target: rollback', () => {
  it('runs the pending migrations on the target and leaves nothing behind', async () => {
    const db = await upgradedTo('0.6.5');
    const before = await takeSnapshot(db.client);
    const report = await check(db, { checks: 'database,migrations', 'openwebui-version': '0.6.41', 'simulate-on-target': 'rollback', sandbox: 'none' });
    expect(report.migrations).toMatchObject({ simulateOnTarget: { result: 'clean', rolledBack: true } });
    expect(await takeSnapshot(db.client)).toEqual(before);
  }, 120_000);
});
