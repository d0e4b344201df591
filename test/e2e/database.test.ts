/**
 * The whole product against real servers: the bundled CLI and action with a target database
 * (read-only), a sandbox (container when Docker answers, else embedded) and the OAuth checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encrypt } from '../../src/oauth/fernet.ts';
import { deriveOpenWebUIKey } from '../../src/openwebui/encryption-key.ts';
import { derivedForms } from '../../src/report/secrets.ts';
import { countContainers, dockerAvailable } from '../support/docker.ts';
import { adminQuery, createTempDatabase, requireTargetServer, serverLogDuring, urlFor, type TempDatabase } from '../support/postgres.ts';
import { runAction, runCli } from './run-dist.ts';
import { upgradeThrough } from '../support/openwebui.ts';

const KEY = 'E2eCanaryKey-7c6b5a4d3e2f1a0b-secret';
const DB_PASSWORD = 'E2e#Canary:Pass/1';
let db: TempDatabase;
let targetUrl: string;
const hasDocker = await dockerAvailable();

beforeAll(async () => {
  requireTargetServer();
  db = await createTempDatabase('e2e');
  // A database as Open WebUI 0.6.41 leaves it after upgrades from 0.5.3, the release of the example's image tag.
  await upgradeThrough(db.client, '0.6.41');
  await db.client.query(`INSERT INTO "user" (id, name, email, role, profile_image_url, created_at, updated_at, last_active_at) VALUES ('u1', 'n', 'e@x', 'user', '', 0, 0, 0)`);
  const token = encrypt((deriveOpenWebUIKey(KEY) as { key: Buffer }).key, Buffer.from('{"access_token":"x"}'));
  await db.client.query(`INSERT INTO oauth_session VALUES ('s1', 'u1', 'oidc', $1, 9999999999, 0, 0)`, [token]);
  await adminQuery(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'e2e_reader') THEN CREATE ROLE e2e_reader LOGIN; END IF; END $$`);
  await adminQuery(`ALTER ROLE e2e_reader PASSWORD '${DB_PASSWORD.replace(/'/g, "''")}'`);
  // Like Open WebUI's own role: it may write, which is why the tool's read-only session matters.
  await db.client.query('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO e2e_reader');
  targetUrl = `${urlFor(db.name, undefined, { name: 'e2e_reader', password: DB_PASSWORD })}?sslmode=require`;
});
afterAll(async () => db?.drop());

const env = () => ({ TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: 'localhost', ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) });

describe('check with a target database', () => {
  it('connects read-only, probes in a sandbox copy and on the target (rolled back), audits tokens, leaks nothing', async () => {
    const r = runCli(['check', 'examples/compose-good', '--checks', 'database,oauth', '--format', 'json', '--encryption-key', KEY, '--verify-write', 'rollback', '--sandbox', 'auto'], { ...env(), OPENWEBUI_PREFLIGHT_DATABASE_URL: targetUrl });
    const report = JSON.parse(r.stdout);
    expect(report.database).toMatchObject({ connected: true, readOnly: true, snapshot: { migratehistory: 18, alembicVersion: ['3e0e00844bb0'] } });
    expect(report.migrations).toBeUndefined();
    const ids = report.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).toContain('sandbox/started');
    expect(ids.filter((id: string) => id === 'oauth-session/write-verified')).toHaveLength(2);
    expect(report.oauth.audit.classes.valid).toBe(1);
    expect(report.oauth.targetProbe).toMatchObject({ where: 'target', result: 'verified', rolledBack: true });
    expect(report.keyFingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(r.status).toBe(0);
    expect((await db.client.query('SELECT count(*)::int AS n FROM oauth_session')).rows[0].n).toBe(1);
    expect((await db.client.query('SELECT count(*)::int AS n FROM "user"')).rows[0].n).toBe(1);
    for (const secret of [KEY, DB_PASSWORD]) for (const form of derivedForms(secret)) expect(r.stdout + r.stderr).not.toContain(form);
    expect(report.database.sandbox.kind).toBe(hasDocker ? 'container' : 'embedded');
    if (hasDocker) expect(countContainers(`org.openwebui-preflight.run=${report.database.sandbox.runId}`)).toBe(0);
  }, 240_000);

  it('a full run without write inputs sends no writing statement to the target (log_statement=all)', async () => {
    await adminQuery(`ALTER ROLE e2e_reader SET log_statement = 'all'`);
    try {
      const lines = await serverLogDuring(async () => {
        const r = runCli(['check', 'examples/compose-good', '--checks', 'database,drift,oauth', '--format', 'json', '--encryption-key', KEY, '--sandbox', 'none'], { ...env(), OPENWEBUI_PREFLIGHT_DATABASE_URL: targetUrl });
        expect(JSON.parse(r.stdout).oauth.audit.rows).toBe(1);
      });
      const statements = lines.filter((l) => l.includes('user=e2e_reader') && /(statement|execute [^:]*): /.test(l)).map((l) => l.replace(/^.*?(statement|execute [^:]*): /, ''));
      expect(statements.length).toBeGreaterThan(5);
      expect(statements.filter((s) => /^\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|COPY\s+\S+\s+FROM|GRANT|REVOKE|LOCK)\b/i.test(s))).toEqual([]);
    } finally {
      await adminQuery('ALTER ROLE e2e_reader RESET log_statement');
    }
  }, 120_000);

  it('a wrong password is a clear finding and exit 1, not a stack trace', () => {
    const bad = targetUrl.replace(encodeURIComponent(DB_PASSWORD), 'not-the-password');
    const r = runAction({ path: 'examples/compose-good', checks: 'database', 'database-url': bad, format: 'text' });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.report);
    expect(report.findings[0]).toMatchObject({ ruleId: 'database/connection-failed', details: { cause: 'authentication', code: '28P01' } });
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });
});
