/**
 * Token audit throughput over 100,000 stored sessions with realistic ~2.5 KB token dicts, against a
 * Python loop reading the same rows with psycopg2 (server-side cursor) and decrypting with
 * `cryptography`, in the same run; and decrypt-only throughput against the machine's own
 * AES-128-CBC + HMAC-SHA256 speed from `openssl speed`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openConnection } from '../src/database/connection.ts';
import { auditTokens } from '../src/oauth/audit.ts';
import { decrypt, encrypt } from '../src/oauth/fernet.ts';
import { resolveRunKeys } from '../src/oauth/key.ts';
import { deriveOpenWebUIKey } from '../src/openwebui/encryption-key.ts';
import { SecretRegistry } from '../src/report/secrets.ts';
import { createTempDatabase } from '../test/support/postgres.ts';
import type { BenchResult } from './run.ts';

const ROWS = 100_000;
const PASSPHRASE = `bench-${randomBytes(8).toString('hex')}`;

function tokenDict(i: number): string {
  // Sizes like a real OIDC response: JWT id_token, access and refresh tokens, userinfo.
  const jwt = (n: number) => `${randomBytes(n).toString('base64url')}.${randomBytes(n * 3).toString('base64url')}.${randomBytes(256).toString('base64url')}`;
  return JSON.stringify({ access_token: jwt(40), token_type: 'Bearer', expires_in: 3600, expires_at: 1_900_000_000 + i, refresh_token: randomBytes(96).toString('base64url'), id_token: jwt(60), scope: 'openid email profile offline_access', userinfo: { sub: `user-${i}`, email: `user${i}@example.com`, name: `User ${i}`, picture: `https://cdn.example.com/avatars/${randomBytes(24).toString('hex')}.png`, groups: Array.from({ length: 12 }, (_, g) => `group-${g}-${randomBytes(12).toString('hex')}`) }, issued_at: 1_800_000_000.5 });
}

const PYTHON_AUDIT = `
import base64, hashlib, json, sys, time, resource
import psycopg2
from cryptography.fernet import Fernet, InvalidToken
url, passphrase = sys.argv[1], sys.argv[2]
key = passphrase.encode() if len(passphrase) == 44 else base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode()).digest())
f = Fernet(key)
t = time.perf_counter()
conn = psycopg2.connect(url)
cur = conn.cursor(name="audit")
cur.itersize = 1000
cur.execute("SELECT id, provider, token FROM oauth_session")
ok = bad = 0
for _id, provider, token in cur:
    try:
        json.loads(f.decrypt(token.encode()))
        ok += 1
    except (InvalidToken, ValueError):
        bad += 1
conn.close()
print(json.dumps({"seconds": time.perf_counter() - t, "ok": ok, "bad": bad, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`;

function opensslSpeed(): number | undefined {
  // Bytes per second at 8 KiB blocks for AES-128-CBC plus HMAC-SHA256, the two halves of Fernet.
  const run = (args: string[]) => {
    const r = spawnSync('openssl', ['speed', '-seconds', '1', '-bytes', '4096', ...args], { encoding: 'utf8' });
    const line = r.stdout.split('\n').reverse().find((l) => /\d+\.\d+k\s*$/.test(l.trim()));
    const m = line ? /([\d.]+)k\s*$/.exec(line.trim()) : null;
    return m ? Number(m[1]) * 1000 : undefined;
  };
  const aes = run(['-evp', 'aes-128-cbc']);
  const hmac = run(['-hmac', 'key', 'sha256']) ?? run(['-evp', 'sha256']);
  return aes && hmac ? 1 / (1 / aes + 1 / hmac) : undefined;
}

export async function runOAuthBench(): Promise<BenchResult> {
  const db = await createTempDatabase('bench_oauth');
  try {
    await db.client.query('CREATE TABLE oauth_session (id text PRIMARY KEY, user_id text NOT NULL, provider text NOT NULL, token text NOT NULL, expires_at bigint NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL)');
    const key = (deriveOpenWebUIKey(PASSPHRASE) as { key: Buffer }).key;
    const tokens: string[] = [];
    let plainBytes = 0;
    for (let i = 0; i < 200; i++) {
      const dict = tokenDict(i);
      plainBytes += dict.length;
      tokens.push(encrypt(key, Buffer.from(dict)));
    }
    for (let start = 0; start < ROWS; start += 2000) {
      const values: string[] = [];
      const params: unknown[] = [];
      for (let i = start; i < Math.min(ROWS, start + 2000); i++) {
        params.push(`s-${i}`, tokens[i % tokens.length]);
        values.push(`($${params.length - 1}, 'u', 'oidc', $${params.length}, 0, 0, 0)`);
      }
      await db.client.query(`INSERT INTO oauth_session VALUES ${values.join(', ')}`, params);
    }
    const avgDict = plainBytes / 200;

    const conn = await openConnection(`${db.url}?sslmode=disable`, { statementTimeoutMs: 600_000, lockTimeoutMs: 5000, readOnly: true });
    if (!conn.ok) throw new Error(conn.failure.detail);
    const keys = resolveRunKeys({ encryptionKey: PASSPHRASE, previousKeys: [], units: [], runnerEnv: {}, secrets: new SecretRegistry() });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const t0 = performance.now();
    const audit = await auditTokens(conn.client, { keys, sample: 0 });
    const auditS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    await conn.client.end();

    const lines = [`${ROWS} stored sessions, token dicts of ${avgDict.toFixed(0)} bytes on average (${(tokens[0]!.length / 1024).toFixed(1)} KiB as Fernet)`];
    lines.push(`audit: ${(ROWS / auditS).toFixed(0)} tokens/s (${auditS.toFixed(2)} s, ${audit.section.classes.valid} valid), peak RSS ${(peak / 1048576).toFixed(0)} MiB (+${((peak - rssBefore) / 1048576).toFixed(0)} MiB)`);
    const metrics: Record<string, number | string> = { rows: ROWS, auditTokensPerSecond: ROWS / auditS, peakRssMiB: peak / 1048576 };

    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import psycopg2, cryptography'], { encoding: 'utf8' }).status === 0);
    if (python) {
      const out = JSON.parse(execFileSync(python, ['-c', PYTHON_AUDIT, db.url.replace(/^postgresql:/, 'postgresql:'), PASSPHRASE], { encoding: 'utf8', maxBuffer: 1 << 20 })) as { seconds: number; ok: number; maxrss_kib: number };
      lines.push(`peer (Python psycopg2 + cryptography, same rows): ${(ROWS / out.seconds).toFixed(0)} tokens/s (${out.seconds.toFixed(2)} s, ${out.ok} valid), peak RSS ${(out.maxrss_kib / 1024).toFixed(0)} MiB`);
      lines.push(`ratio audit / Python: ${(out.seconds / auditS).toFixed(2)}× the throughput`);
      metrics.pythonTokensPerSecond = ROWS / out.seconds;
      metrics.ratioVsPython = out.seconds / auditS;
    } else lines.push('peer (Python): not run — no python3 with psycopg2 and cryptography (apt-get install python3-psycopg2 python3-cryptography)');

    const t1 = performance.now();
    let decrypted = 0;
    for (let i = 0; i < 20_000; i++) decrypted += decrypt(key, tokens[i % tokens.length]!).length;
    const decryptS = (performance.now() - t1) / 1000;
    const bytesPerSecond = decrypted / decryptS;
    lines.push(`decrypt only: ${(20_000 / decryptS).toFixed(0)} tokens/s = ${(bytesPerSecond / 1048576).toFixed(0)} MiB/s of plaintext`);
    const floor = opensslSpeed();
    if (floor) {
      lines.push(`peer (openssl speed, AES-128-CBC + HMAC-SHA256 at 4 KiB): ${(floor / 1048576).toFixed(0)} MiB/s; ratio ${(bytesPerSecond / floor).toFixed(2)}× of the machine's crypto speed`);
      metrics.opensslBytesPerSecond = floor;
      metrics.ratioVsOpenssl = bytesPerSecond / floor;
    }
    metrics.decryptTokensPerSecond = 20_000 / decryptS;
    return { name: 'oauth', lines, metrics };
  } finally {
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await runOAuthBench()).lines.join('\n'));
