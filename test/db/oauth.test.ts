import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../src/database/connection.ts';
import { auditTokens } from '../../src/oauth/audit.ts';
import { encrypt } from '../../src/oauth/fernet.ts';
import { resolveRunKeys, type KeySet } from '../../src/oauth/key.ts';
import { runProbe } from '../../src/oauth/probe.ts';
import { deriveOpenWebUIKey } from '../../src/openwebui/encryption-key.ts';
import { SecretRegistry } from '../../src/report/secrets.ts';
import { adminQuery, createTempDatabase, type TempDatabase } from '../support/postgres.ts';

const SCHEMA = readFileSync(new URL('../fixtures/schemas/peewee-era.sql', import.meta.url), 'utf8');
const CANARY_KEY = 'CanaryAuditKey-5a4b3c2d1e0f-never-print-me';
const CANARY_PREVIOUS = 'CanaryPreviousAuditKey-0f1e2d3c4b5a';
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0);

let db: TempDatabase;
let keys: KeySet;
const secrets = new SecretRegistry();
const key = (s: string) => (deriveOpenWebUIKey(s) as { key: Buffer }).key;

/** Tokens made by Python's cryptography with Open WebUI's derivation, when Python is there. */
function pythonTokens(passphrase: string, dicts: object[]): string[] {
  if (!python) {
    if (process.env.PREFLIGHT_REQUIRE_SERVICES === '1') throw new Error('python3 with cryptography is required in CI');
    return dicts.map((d) => encrypt(key(passphrase), Buffer.from(JSON.stringify(d))));
  }
  const script = `import base64,hashlib,json,sys
from cryptography.fernet import Fernet
k,=sys.argv[1:]
f=Fernet(k.encode() if len(k)==44 else base64.urlsafe_b64encode(hashlib.sha256(k.encode()).digest()))
print(json.dumps([f.encrypt(json.dumps(d).encode()).decode() for d in json.load(sys.stdin)]))`;
  return JSON.parse(execFileSync(python, ['-c', script, passphrase], { input: JSON.stringify(dicts), encoding: 'utf8' }));
}

beforeAll(async () => {
  db = await createTempDatabase('oauth');
  await db.client.query(SCHEMA);
  await db.client.query(`INSERT INTO "user" (id, name, email, role, profile_image_url, created_at, updated_at, last_active_at) SELECT 'u' || g, 'n', 'e' || g || '@x', 'user', '', 0, 0, 0 FROM generate_series(1, 10) g`);
  const now = Math.floor(Date.now() / 1000);
  const dict = (i: number) => ({ access_token: `at-${i}`, token_type: 'Bearer', expires_at: now + 3600, issued_at: now });
  const rows: Array<[string, string, string, string, number]> = [];
  pythonTokens(CANARY_KEY, [dict(1), dict(2), dict(3)]).forEach((t, i) => rows.push([`valid-${i}`, `u${i + 1}`, 'oidc', t, now + 3600]));
  pythonTokens(CANARY_PREVIOUS, [dict(4)]).forEach((t) => rows.push(['previous-0', 'u4', 'google', t, now + 3600]));
  pythonTokens('t0p-s3cr3t', [dict(5), dict(6)]).forEach((t, i) => rows.push([`default-${i}`, 'u5', 'github', t, now + 3600]));
  rows.push(['plain-0', 'u6', 'oidc', JSON.stringify(dict(7)), now + 3600]);
  rows.push(['notfernet-0', 'u7', 'oidc', 'this is not a token', now + 3600]);
  rows.push(['lost-0', 'u8', 'microsoft', encrypt(key('some-other-key-nobody-has-anymore'), Buffer.from('{}')), now - 10]);
  rows.push(['expired-0', 'u9', 'oidc', encrypt(key(CANARY_KEY), Buffer.from('{}')), now - 100]);
  for (const r of rows) await db.client.query('INSERT INTO oauth_session VALUES ($1, $2, $3, $4, $5, 0, 0)', r);
  keys = resolveRunKeys({ encryptionKey: CANARY_KEY, previousKeys: [CANARY_PREVIOUS], units: [], runnerEnv: {}, secrets });
});
afterAll(async () => db?.drop());

const readOnly = { statementTimeoutMs: 5000, lockTimeoutMs: 2000, readOnly: true, applicationName: 'preflight-oauth-test' };

describe('token audit on a read-only session', () => {
  it('classifies every kind of stored token, written by Python cryptography', async () => {
    const c = await openConnection(`${db.url}?sslmode=disable`, readOnly);
    if (!c.ok) throw new Error(c.failure.detail);
    const progress: number[] = [];
    const audit = await auditTokens(c.client, { keys, sample: 0, batchSize: 4, onProgress: (n) => progress.push(n) });
    await c.client.end();
    expect(audit.section.classes).toEqual({ valid: 4, 'previous-key': 1, 'default-key': 2, plaintext: 1, 'not-fernet': 1, undecryptable: 1 });
    expect(audit.section.expired).toBe(2);
    expect(audit.section.providers.github).toEqual({ 'default-key': 2 });
    expect(progress).toEqual([4, 8, 10]);
    const ids = audit.findings.map((f) => f.ruleId).sort();
    expect(ids).toEqual(['oauth-session/audit-summary', 'oauth-session/default-key', 'oauth-session/expired', 'oauth-session/plaintext-token', 'oauth-session/previous-key', 'oauth-session/undecryptable']);
    const undecryptable = audit.findings.find((f) => f.ruleId === 'oauth-session/undecryptable')!;
    expect(undecryptable.message).toMatch(/^2 of 10 stored sessions do not decrypt.*silently DELETES/s);
    // Never token contents, never keys.
    const all = JSON.stringify(audit);
    for (const secret of [CANARY_KEY, CANARY_PREVIOUS, 'at-1', 'at-7', key(CANARY_KEY).toString('base64url')]) expect(all).not.toContain(secret);
    expect(secrets.mask(`x ${CANARY_KEY} y`)).toBe('x *** y');
  });

  it('reads only a sample when asked, and says so', async () => {
    const c = await openConnection(`${db.url}?sslmode=disable`, readOnly);
    if (!c.ok) throw new Error(c.failure.detail);
    const audit = await auditTokens(c.client, { keys, sample: 3 });
    await c.client.end();
    expect(audit.section.rows).toBe(3);
    expect(audit.section.sampled).toBe(true);
    expect(audit.findings.at(-1)!.message).toMatch(/a sample: sample=3/);
  });

  it('stays consistent while rows change during the scan', async () => {
    const c = await openConnection(`${db.url}?sslmode=disable`, readOnly);
    if (!c.ok) throw new Error(c.failure.detail);
    let inserted = false;
    let insert: Promise<unknown> = Promise.resolve();
    const audit = await auditTokens(c.client, {
      keys,
      sample: 0,
      batchSize: 2,
      onProgress: () => {
        if (inserted) return;
        inserted = true;
        insert = adminQuery(`INSERT INTO oauth_session VALUES ('late-0', 'u10', 'oidc', 'late', 0, 0, 0)`, [], db.name);
      },
    });
    await c.client.end();
    await insert;
    // The row committed during the scan is not seen: the audit reads one snapshot.
    expect(audit.section.rows).toBe(10);
    expect((await db.client.query('SELECT count(*)::int AS n FROM oauth_session')).rows[0].n).toBe(11);
    await db.client.query(`DELETE FROM oauth_session WHERE id = 'late-0'`);
  });
});

describe('probe write', () => {
  it('verifies a written session in a rolled-back transaction on a read-only target and leaves nothing behind', async () => {
    const before = (await db.client.query('SELECT (SELECT count(*) FROM oauth_session)::int AS s, (SELECT count(*) FROM "user")::int AS u')).rows[0];
    const c = await openConnection(`${db.url}?sslmode=disable`, readOnly);
    if (!c.ok) throw new Error(c.failure.detail);
    const result = await runProbe(c.client, { key: keys.current!, where: 'target', statementTimeoutMs: 5000, lockTimeoutMs: 2000 });
    await c.client.end();
    expect(result.findings.map((f) => f.ruleId)).toEqual(['oauth-session/write-verified']);
    expect(result.section.probe).toMatchObject({ result: 'verified', rolledBack: true, tableShape: 'as the release creates it' });
    const after = (await db.client.query('SELECT (SELECT count(*) FROM oauth_session)::int AS s, (SELECT count(*) FROM "user")::int AS u')).rows[0];
    expect(after).toEqual(before);
  });

  it('rolls back on an error in the middle and reports what failed', async () => {
    await db.client.query(`ALTER TABLE oauth_session ADD CONSTRAINT no_probes CHECK (provider <> 'openwebui-preflight-probe') NOT VALID`);
    try {
      const c = await openConnection(`${db.url}?sslmode=disable`, readOnly);
      if (!c.ok) throw new Error(c.failure.detail);
      const result = await runProbe(c.client, { key: keys.current!, where: 'target', statementTimeoutMs: 5000, lockTimeoutMs: 2000 });
      expect(result.findings[0]!.ruleId).toBe('oauth-session/write-failed');
      expect(result.findings[0]!.message).toMatch(/the insert failed.*no_probes/);
      // The session is still usable and read-only: the failed transaction was rolled back.
      expect((await c.client.query('SHOW transaction_read_only')).rows[0].transaction_read_only).toBe('on');
      await c.client.end();
      expect((await db.client.query(`SELECT count(*)::int AS n FROM "user" WHERE id LIKE 'openwebui-preflight-probe-%'`)).rows[0].n).toBe(0);
    } finally {
      await db.client.query('ALTER TABLE oauth_session DROP CONSTRAINT no_probes');
    }
  });

  it('reports a missing table', async () => {
    const other = await createTempDatabase('noauth');
    try {
      const c = await openConnection(`${other.url}?sslmode=disable`, readOnly);
      if (!c.ok) throw new Error(c.failure.detail);
      const result = await runProbe(c.client, { key: keys.current!, where: 'target', statementTimeoutMs: 5000, lockTimeoutMs: 2000 });
      await c.client.end();
      expect(result.findings[0]!.ruleId).toBe('oauth-session/table-missing');
    } finally {
      await other.drop();
    }
  });
});
