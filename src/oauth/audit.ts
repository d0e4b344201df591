/**
 * Read-only audit of stored OAuth tokens. Rows are streamed through a server-side cursor inside one
 * REPEATABLE READ READ ONLY transaction: constant memory, and a consistent view even while Open WebUI
 * keeps writing. Each token is classified; only counts, providers and row ids are reported.
 */
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { finding, type Finding } from '../findings/finding.ts';
import { decrypt, isFernetToken } from './fernet.ts';
import type { KeySet } from './key.ts';

export type TokenClass = 'valid' | 'previous-key' | 'default-key' | 'plaintext' | 'not-fernet' | 'undecryptable';

export interface AuditOptions {
  keys: KeySet;
  /** Read at most this many rows (0 = all). */
  sample: number;
  batchSize?: number;
  /** Called every batch with the rows seen so far. */
  onProgress?: (rows: number) => void;
  now?: number;
}

export interface AuditResult {
  findings: Finding[];
  section: {
    rows: number;
    sampled: boolean;
    classes: Record<TokenClass, number>;
    expired: number;
    providers: Record<string, Partial<Record<TokenClass, number>>>;
    keyFingerprint?: string;
  };
}

const EXAMPLE_IDS = 5;

export function classifyToken(token: string, keys: KeySet): TokenClass {
  const trimmed = token.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(trimmed);
      return 'plaintext';
    } catch {
      return 'not-fernet';
    }
  }
  if (!isFernetToken(token)) return 'not-fernet';
  // Open WebUI decrypts without a TTL and with its own clock; future timestamps are not our concern here.
  const opens = (key: Buffer) => {
    try {
      decrypt(key, token, { now: Number.MAX_SAFE_INTEGER / 2 });
      return true;
    } catch {
      return false;
    }
  };
  if (keys.current && opens(keys.current.key)) return keys.current.key.equals(keys.publicDefault) ? 'default-key' : 'valid';
  if (keys.previous.some((k) => opens(k.key))) return 'previous-key';
  if (opens(keys.publicDefault)) return 'default-key';
  return 'undecryptable';
}

export async function auditTokens(client: pg.Client, options: AuditOptions): Promise<AuditResult> {
  const classes: Record<TokenClass, number> = { valid: 0, 'previous-key': 0, 'default-key': 0, plaintext: 0, 'not-fernet': 0, undecryptable: 0 };
  const providers: AuditResult['section']['providers'] = {};
  const examples: Record<TokenClass, string[]> = { valid: [], 'previous-key': [], 'default-key': [], plaintext: [], 'not-fernet': [], undecryptable: [] };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  let rows = 0;
  let expired = 0;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const limit = options.sample > 0 ? ` LIMIT ${Math.floor(options.sample)}` : '';
    const cursor = client.query(new Cursor<{ id: string; provider: string; token: string; expires_at: string | number | null }>(`SELECT id, provider, token, expires_at FROM oauth_session ORDER BY id${limit}`));
    const batchSize = options.batchSize ?? 1000;
    for (;;) {
      const batch = await cursor.read(batchSize);
      if (batch.length === 0) break;
      for (const row of batch) {
        rows++;
        const cls = classifyToken(row.token ?? '', options.keys);
        classes[cls]++;
        const p = (providers[row.provider] ??= {});
        p[cls] = (p[cls] ?? 0) + 1;
        if (examples[cls].length < EXAMPLE_IDS) examples[cls].push(row.id);
        if (row.expires_at !== null && Number(row.expires_at) < now) expired++;
      }
      options.onProgress?.(rows);
    }
    await cursor.close();
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }

  const findings: Finding[] = [];
  const providerList = (cls: TokenClass) =>
    Object.entries(providers)
      .filter(([, c]) => c[cls])
      .map(([p, c]) => `${p} (${c[cls]})`)
      .join(', ');
  const ids = (cls: TokenClass) => `row ids: ${examples[cls].join(', ')}${classes[cls] > examples[cls].length ? ', …' : ''}`;
  const sampled = options.sample > 0 && rows >= options.sample;
  const scope = sampled ? `in a sample of ${rows} rows` : `of ${rows} stored sessions`;
  if (classes.plaintext) {
    findings.push(finding('oauth-session/plaintext-token', { message: `${classes.plaintext} ${scope} hold their OAuth tokens as plain JSON: whoever reads the table has the users' access and refresh tokens. Providers: ${providerList('plaintext')}; ${ids('plaintext')}. Revoke those tokens at the provider and delete the rows; make sure only Open WebUI (which encrypts) writes this table.`, details: { count: classes.plaintext } }));
  }
  if (classes['default-key']) {
    findings.push(finding('oauth-session/default-key', { message: `${classes['default-key']} ${scope} are encrypted with the key derived from Open WebUI's public default 't0p-s3cr3t', i.e. effectively unencrypted. Providers: ${providerList('default-key')}; ${ids('default-key')}. Set OAUTH_SESSION_TOKEN_ENCRYPTION_KEY to a secret; affected users must log in again, and their provider tokens should be revoked.`, details: { count: classes['default-key'] } }));
  }
  if (classes.undecryptable || classes['not-fernet']) {
    const n = classes.undecryptable + classes['not-fernet'];
    findings.push(
      finding('oauth-session/undecryptable', {
        message: `${n} ${scope} do not decrypt with the configured key ${options.keys.current?.fingerprint ?? '(none)'}${options.keys.previous.length ? ' or any previous key' : ''}${classes['not-fernet'] ? ` (${classes['not-fernet']} are not Fernet tokens at all)` : ''}. Open WebUI 0.8.2 and later silently DELETES such sessions when the user next logs in, so these ${n} users lose their sessions and MCP tool tokens. Providers: ${providerList('undecryptable') || providerList('not-fernet')}; ${ids(classes.undecryptable ? 'undecryptable' : 'not-fernet')}. If the key was changed by mistake, restore the old value of OAUTH_SESSION_TOKEN_ENCRYPTION_KEY; otherwise expect these users to log in again.`,
        details: { count: n },
      }),
    );
  }
  if (classes['previous-key']) {
    findings.push(finding('oauth-session/previous-key', { message: `${classes['previous-key']} ${scope} decrypt only with a key from previous-keys: the rotation is unfinished. Open WebUI, which knows only the current key, deletes them at the users' next login. Providers: ${providerList('previous-key')}.`, details: { count: classes['previous-key'] } }));
  }
  if (expired) findings.push(finding('oauth-session/expired', { message: `${expired} ${scope} have expires_at in the past; Open WebUI refreshes or deletes them when used. Nothing to do unless the number keeps growing.`, details: { count: expired } }));
  findings.push(
    finding('oauth-session/audit-summary', {
      message: `Audited ${rows} stored OAuth session${rows === 1 ? '' : 's'}${sampled ? ` (a sample: sample=${options.sample})` : ''} against key ${options.keys.current?.fingerprint ?? '(none)'}: ${Object.entries(classes).filter(([, n]) => n).map(([c, n]) => `${n} ${c}`).join(', ') || 'none stored'}.`,
    }),
  );
  const section: AuditResult['section'] = { rows, sampled, classes, expired, providers };
  if (options.keys.current) section.keyFingerprint = options.keys.current.fingerprint;
  return { findings, section };
}
