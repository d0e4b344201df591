/**
 * The probe write: a session stored the way Open WebUI stores one (uuid4 id, provider, Fernet of the
 * JSON token dict, epoch seconds), read back with plain SQL and decrypted. Everything happens in one
 * transaction that is always rolled back, so no probe row is ever left behind — in the sandbox and
 * on a target alike.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { takeSnapshot } from '../database/snapshot.ts';
import { finding, type Finding } from '../findings/finding.ts';
import { decrypt, encrypt, isFernetToken } from './fernet.ts';
import type { RunKey } from './key.ts';
import { sessionTableProblems } from './session-table.ts';

export const PROBE_PROVIDER = 'openwebui-preflight-probe';

export interface ProbeOptions {
  key: RunKey;
  where: 'sandbox' | 'target';
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

export interface ProbeResult {
  findings: Finding[];
  section: Record<string, unknown>;
}

/** A value of the column's type for the probe user's NOT NULL columns. */
function probeValue(type: string, column: string, marker: string, now: number): unknown {
  if (/int|numeric|double|real/.test(type)) return now;
  if (type === 'boolean') return false;
  if (/json/.test(type)) return '{}';
  if (/timestamp|date/.test(type)) return new Date(now * 1000).toISOString();
  if (column === 'email') return `${marker}@openwebui-preflight.invalid`;
  if (column === 'role') return 'pending';
  return marker;
}

export function realisticTokenDict(now: number): Record<string, unknown> {
  return {
    access_token: `probe-access-${randomUUID()}`,
    token_type: 'Bearer',
    expires_in: 3600,
    expires_at: now + 3600,
    refresh_token: `probe-refresh-${randomUUID()}`,
    id_token: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'probe', iat: now })).toString('base64url')}.c2lnbmF0dXJl`,
    scope: 'openid email profile',
    issued_at: now + 0.5,
  };
}

export async function runProbe(client: pg.Client, options: ProbeOptions): Promise<ProbeResult> {
  const where = options.where === 'target' ? 'the target (inside a transaction that was rolled back)' : 'the sandbox';
  const snapshot = await takeSnapshot(client);
  const table = snapshot.tables.find((t) => t.name === 'oauth_session');
  if (!table) {
    return {
      findings: [finding('oauth-session/table-missing', { message: `The oauth_session table does not exist in ${where} (schema ${snapshot.schema}). Open WebUI creates it in Alembic revision 38d63c18f30f (0.6.27 and later); before that release, or after a failed Alembic run, OAuth tokens cannot be stored server-side.` })],
      section: { probe: { where: options.where, result: 'table-missing' } },
    };
  }
  const shape = sessionTableProblems(table);
  const userTable = snapshot.tables.find((t) => t.name === 'user');
  const now = Math.floor(Date.now() / 1000);
  const marker = `openwebui-preflight-probe-${randomUUID()}`;
  const sessionId = randomUUID();
  const dict = realisticTokenDict(now);
  const token = encrypt(options.key.key, Buffer.from(JSON.stringify(dict)));
  const failures: string[] = [];
  let stored: string | undefined;
  await client.query('BEGIN READ WRITE');
  try {
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, options.statementTimeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, options.lockTimeoutMs)}`);
    if (userTable) {
      const required = userTable.columns.filter((c) => c.notNull && c.default === null && c.identity === null);
      const cols = required.map((c) => `"${c.name.replace(/"/g, '""')}"`);
      const values = required.map((c) => (c.name === 'id' ? marker : probeValue(c.type, c.name, marker, now)));
      await client.query(`INSERT INTO "user" (${cols.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    }
    await client.query('INSERT INTO oauth_session (id, user_id, provider, token, expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)', [sessionId, marker, PROBE_PROVIDER, token, now + 3600, now]);
    const back = await client.query<{ token: string }>('SELECT token FROM oauth_session WHERE id = $1', [sessionId]);
    stored = back.rows[0]?.token;
  } catch (error) {
    failures.push(`the insert failed: ${(error as Error).message}`);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
  if (stored !== undefined) {
    if (stored.trimStart().startsWith('{')) failures.push('the stored value is plain JSON, not a Fernet token');
    else if (!isFernetToken(stored)) failures.push('the stored value is not a Fernet token');
    else {
      try {
        const roundTrip = JSON.parse(decrypt(options.key.key, stored).toString('utf8'));
        if (JSON.stringify(roundTrip) !== JSON.stringify(dict)) failures.push('the decrypted token dict differs from what was written');
      } catch {
        failures.push('the stored token does not decrypt with the configured key');
      }
    }
  } else if (failures.length === 0) failures.push('the row written could not be read back');
  const section = { probe: { where: options.where, result: failures.length ? 'failed' : 'verified', keyFingerprint: options.key.fingerprint, tableShape: shape.length ? shape : 'as the release creates it', rolledBack: true } };
  if (failures.length) {
    return { findings: [finding('oauth-session/write-failed', { message: `The OAuth session probe on ${where} failed: ${failures.join('; ')}.${shape.length ? ` The table also differs from what Open WebUI creates: ${shape.join('; ')}.` : ''} Open WebUI writes sessions exactly this way at every OAuth login.` })], section };
  }
  const findings = [
    finding('oauth-session/write-verified', {
      message: `A probe session was written to oauth_session in ${where} the way Open WebUI writes one, read back with plain SQL, found Fernet-encrypted (not JSON) and decrypted with the key ${options.key.fingerprint} from ${options.key.source}.${shape.length ? '' : ' Columns, keys and indexes are those of the release.'}`,
    }),
  ];
  if (shape.length) findings.push(finding('schema/drift', { message: `oauth_session differs from what Open WebUI's migration 38d63c18f30f creates: ${shape.join('; ')}. Sessions still store, but queries by user and expiry may be slow or cascading deletes may not happen.` }));
  return { findings, section };
}
