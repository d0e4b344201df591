/**
 * The README's three workflows, run as the runner runs the bundled action (INPUT_*, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY) against real servers; exit code, annotations, outputs, summary and report
 * are checked together.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { encrypt } from '../../src/oauth/fernet.ts';
import { deriveOpenWebUIKey } from '../../src/openwebui/encryption-key.ts';
import { upgradeThrough } from '../support/openwebui.ts';
import { createTempDatabase, type TempDatabase } from '../support/postgres.ts';
import { runAction } from './run-dist.ts';

const KEY = 'workflow-key-6b3f0c9e1a2d4e5f-long-enough';
const databases: TempDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});
const env = { TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: 'localhost' };
const annotations = (stdout: string) => stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l)).map((l) => /\[([^\]]+)\]/.exec(l)![1]);

async function openWebUIDatabase(version: string): Promise<TempDatabase> {
  const db = await createTempDatabase('workflow');
  databases.push(db);
  await upgradeThrough(db.client, version);
  await db.client.query(`INSERT INTO "user" (id, name, email, role, profile_image_url, created_at, updated_at, last_active_at) VALUES ('u1', 'Ada', 'ada@example.com', 'admin', '', 0, 0, 0)`);
  return db;
}

describe('pull-request check (no secrets)', () => {
  it('checks the configuration, replays a fresh install and probes with a throwaway key', () => {
    const run = runAction({ path: 'examples/compose-good', checks: 'config,migrations,oauth', sandbox: 'auto' }, env);
    const report = JSON.parse(run.report);
    expect(run.status).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', errors: '0', 'openwebui-version': '0.6.41' });
    expect(report.migrations).toMatchObject({ release: '0.6.41', database: 'fresh install', replay: { result: 'clean start' } });
    expect(report.oauth.probe).toMatchObject({ where: 'sandbox', result: 'verified' });
    expect(annotations(run.stdout)).toEqual(expect.arrayContaining(['oauth-session/write-verified', 'migrations/pending', 'config/undefined-variable']));
    expect(run.summary.split('\n')[0]).toMatch(/^### ✅ Open WebUI preflight passed/);
    expect(run.summary).toContain('#### Migrations to Open WebUI 0.6.41');
    expect(run.summary).toContain('✅ Replayed cleanly in');
    expect(run.summary).toContain('```mermaid');
  }, 240_000);
});

describe('release pipeline (remote target, upgrade to the new image tag)', () => {
  it('simulates the upgrade 0.6.41 → 0.9.6 on a copy, probes after the migrations, audits, and passes', async () => {
    const db = await openWebUIDatabase('0.6.41');
    const token = encrypt((deriveOpenWebUIKey(KEY) as { key: Buffer }).key, Buffer.from('{"access_token":"a"}'));
    await db.client.query(`INSERT INTO oauth_session VALUES ('s1', 'u1', 'oidc', $1, 9999999999, 0, 0)`, [token]);
    const run = runAction({ path: 'examples/compose-good', 'database-url': `${db.url}?sslmode=require`, 'encryption-key': KEY, 'openwebui-version': '0.9.6', checks: 'config,database,migrations,drift,oauth', 'fail-on': 'error' }, env);
    const report = JSON.parse(run.report);
    expect(run.status).toBe(0);
    expect(report.migrations).toMatchObject({ release: '0.9.6', database: 'target', state: { lineage: 'peewee', alembicVersion: '3e0e00844bb0' }, replay: { result: 'clean start' } });
    expect((report.migrations.pending.alembic as string[]).at(-1)).toBe('461111b60977');
    expect(report.drift).toMatchObject({ checked: true, differences: 0 });
    expect(report.oauth.audit.classes.valid).toBe(1);
    expect(report.oauth.probe.result).toBe('verified');
    expect(run.outputs['key-fingerprint']).toBe(report.keyFingerprint);
    expect(run.summary).toContain('#### Migrations to Open WebUI 0.9.6');
    expect(run.summary).toContain('#### Schema drift against 0.6.41');
    expect(run.summary).toContain('#### Stored OAuth tokens (1)');
    expect((await db.client.query('SELECT count(*)::int AS n FROM oauth_session')).rows[0].n).toBe(1);
  }, 240_000);
});

describe('scheduled drift detection and token audit', () => {
  it('fails on warnings: a hand-made index drop and sessions the key no longer opens', async () => {
    const db = await openWebUIDatabase('0.9.6');
    const lost = encrypt((deriveOpenWebUIKey('an-old-key-nobody-kept-0123456789') as { key: Buffer }).key, Buffer.from('{}'));
    await db.client.query(`INSERT INTO oauth_session VALUES ('s-lost', 'u1', 'oidc', $1, 9999999999, 0, 0)`, [lost]);
    await db.client.query('DROP INDEX idx_oauth_session_user_provider');
    const run = runAction({ path: 'examples/compose-good', 'database-url': `${db.url}?sslmode=require`, 'encryption-key': KEY, checks: 'database,drift,oauth', 'fail-on': 'warning', sandbox: 'none' }, env);
    const report = JSON.parse(run.report);
    expect(run.status).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(annotations(run.stdout).slice(0, 2)).toEqual(['oauth-session/undecryptable', 'schema/drift']);
    expect(report.drift.groups).toEqual(['oauth_session: index idx_oauth_session_user_provider is missing']);
    expect(run.summary).toContain('- oauth_session: index idx_oauth_session_user_provider is missing');
    expect(run.summary).toContain('| 0 | 0 | 0 | 0 | 0 | 1 | 0 |');
    expect(run.stdout).toContain('::error::Open WebUI preflight failed');
  }, 240_000);
});
