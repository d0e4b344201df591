import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type SessionOptions } from '../../src/database/connection.ts';
import { classifyError, connectionFinding } from '../../src/database/errors.ts';
import { RemoteTarget } from '../../src/database/targets/remote.ts';
import { takeSnapshot } from '../../src/database/snapshot.ts';
import { adminQuery, createTempDatabase, requireTargetServer, serverLogDuring, urlFor, type TempDatabase } from '../support/postgres.ts';

const server = requireTargetServer();
const SESSION: SessionOptions = { statementTimeoutMs: 2000, lockTimeoutMs: 1000, readOnly: true, applicationName: 'preflight-test' };
let db: TempDatabase;

beforeAll(async () => {
  db = await createTempDatabase('conn');
  await db.client.query(`CREATE TABLE "user" (id text PRIMARY KEY, email text NOT NULL); INSERT INTO "user" VALUES ('u1', 'a@example.com');`);
});
afterAll(async () => db?.drop());

async function failureOf(url: string, options: Partial<SessionOptions> = {}) {
  const r = await openConnection(url, { ...SESSION, ...options });
  if (r.ok) {
    await r.client.end();
    throw new Error('expected the connection to fail');
  }
  return r.failure;
}

describe('connection failures are classified, not thrown', () => {
  it('wrong password → authentication, and the finding never shows the password', async () => {
    const failure = await failureOf(urlFor(db.name, server, { name: 'preflight', password: 'Wr0ng#Secret' }) + '?sslmode=disable');
    expect(failure.kind).toBe('authentication');
    const f = connectionFinding(failure, 'preflight@127.0.0.1:55432/x');
    expect(f.message).toMatch(/authentication failed \[28P01\]/);
    expect(f.message).not.toContain('Wr0ng');
  });

  it('unknown database → database-missing', async () => {
    expect((await failureOf(urlFor('no_such_database_here') + '?sslmode=disable')).kind).toBe('database-missing');
  });

  it('TLS required but disabled → tls-required; the same role over TLS with the CA works', async () => {
    const url = urlFor(db.name, server, { name: 'tls_only', password: 'tls-only-password' });
    expect((await failureOf(`${url}?sslmode=disable`)).kind).toBe('tls-required');
    const ok = await openConnection(`${url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.ca)}`, SESSION);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect((await ok.client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl).toBe(true);
      await ok.client.end();
    }
    // Verification against the wrong host name fails as TLS, not as something vague.
    expect((await failureOf(`${url.replace('127.0.0.1', 'localhost.localdomain.invalid')}?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.ca)}`)).kind).toMatch(/dns|tls-failed/);
  });

  it('refused port and unresolvable host', async () => {
    expect((await failureOf('postgresql://u:p@127.0.0.1:1/x?sslmode=disable')).kind).toBe('refused');
    expect((await failureOf('postgresql://u:p@db.does-not-exist.invalid:5432/x?sslmode=disable')).kind).toBe('dns');
  });

  it('statement timeout and a session killed mid-run', async () => {
    const r = await openConnection(`${db.url}?sslmode=disable`, { ...SESSION, statementTimeoutMs: 200 });
    if (!r.ok) throw new Error(r.failure.detail);
    const slow = await r.client.query('SELECT pg_sleep(2)').catch((e: unknown) => e);
    expect(classifyError(slow).kind).toBe('statement-timeout');
    await r.client.end();
    const victim = await openConnection(`${db.url}?sslmode=disable`, { ...SESSION, statementTimeoutMs: 10_000 });
    if (!victim.ok) throw new Error(victim.failure.detail);
    const pid = (await victim.client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const running = victim.client.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await adminQuery('SELECT pg_terminate_backend($1)', [pid]);
    const failure = classifyError(await running);
    expect(failure.kind).toBe('terminated');
    await victim.client.end().catch(() => {});
  });

  it('a URL written the way Open WebUI accepts it connects: postgres://, driver suffix, encoded credentials', async () => {
    await adminQuery(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'p@ss user') THEN CREATE ROLE "p@ss user" LOGIN PASSWORD 'p@ss:w/rd#1'; END IF; END $$`);
    const u = new URL(server.url);
    for (const scheme of ['postgres', 'postgresql', 'postgresql+psycopg2', 'postgresql+asyncpg']) {
      const r = await openConnection(`${scheme}://${encodeURIComponent('p@ss user')}:${encodeURIComponent('p@ss:w/rd#1')}@${u.host}/${db.name}?sslmode=require`, SESSION);
      expect(r.ok, scheme).toBe(true);
      if (r.ok) await r.client.end();
    }
  });
});

describe('read-only target sessions', () => {
  it('refuse writes (25006) and a full snapshot issues no writing statement', async () => {
    const target = new RemoteTarget(`${db.url}?sslmode=disable&application_name=preflight-readonly-proof`, SESSION);
    await adminQuery(`ALTER DATABASE "${db.name}" SET log_statement = 'all'`);
    const lines = await serverLogDuring(async () => {
      const c = await target.connect();
      if (!c.ok) throw new Error(c.failure.detail);
      const snapshot = await takeSnapshot(c.client);
      expect(snapshot.tables.map((t) => t.name)).toEqual(['user']);
      const write = await c.client.query(`INSERT INTO "user" VALUES ('u2', 'b@example.com')`).catch((e: unknown) => e);
      expect(classifyError(write).kind).toBe('read-only');
      await c.client.end();
    });
    const statements = lines.filter((l) => l.includes('app=preflight-readonly-proof') && /(statement|execute [^:]*): /.test(l)).map((l) => l.replace(/^.*?(statement|execute [^:]*): /, ''));
    expect(statements.length).toBeGreaterThan(3);
    const writes = statements.filter((s) => /^\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|COPY\s+\S+\s+FROM|GRANT|REVOKE|VACUUM|REINDEX)\b/i.test(s));
    // The only writing statement is the one the test itself attempted, and it was refused.
    expect(writes).toEqual([`INSERT INTO "user" VALUES ('u2', 'b@example.com')`]);
    expect((await db.client.query('SELECT count(*)::int AS n FROM "user"')).rows[0].n).toBe(1);
  });
});
