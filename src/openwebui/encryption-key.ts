/**
 * How Open WebUI turns OAUTH_SESSION_TOKEN_ENCRYPTION_KEY into a Fernet key
 * (models/oauth_sessions.py): a value of exactly 44 characters is used as the Fernet key as it is
 * and must then decode (urlsafe base64) to 32 bytes, else startup fails; any other value is
 * hashed with SHA-256 over its UTF-8 bytes and the digest is the key.
 */
import { createHash, createHmac } from 'node:crypto';

export type KeyDerivation =
  | { ok: true; key: Buffer; path: 'as-is' | 'sha256' }
  | { ok: false; reason: string };

/** Python's len() counts code points, not UTF-16 units. */
function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's base64.urlsafe_b64decode as cryptography's Fernet uses it: strict alphabet, padding required. */
export function decodeFernetKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === 32 ? bytes : undefined;
}

export function deriveOpenWebUIKey(value: string): KeyDerivation {
  if (value === '') return { ok: false, reason: 'the key is empty' };
  if (codePointLength(value) === 44) {
    const key = decodeFernetKey(value);
    if (!key) {
      return { ok: false, reason: 'it has exactly 44 characters, so Open WebUI uses it as a Fernet key as it is, but it is not urlsafe base64 of 32 bytes' };
    }
    return { ok: true, key, path: 'as-is' };
  }
  return { ok: true, key: createHash('sha256').update(value, 'utf8').digest(), path: 'sha256' };
}

/** The Fernet key text (urlsafe base64 with padding) for a 32-byte key. */
export function fernetKeyText(key: Buffer): string {
  return key.toString('base64url') + '=';
}

/**
 * A short, non-reversible fingerprint of a derived key, to compare environments without revealing
 * either key. HMAC with a fixed public label so it cannot be confused with any hash Open WebUI uses.
 */
export function keyFingerprint(key: Buffer): string {
  const digest = createHmac('sha256', 'openwebui-preflight key fingerprint v1').update(key).digest('hex');
  return `sha256:${digest.slice(0, 16)}`;
}

/** The public default WEBUI_SECRET_KEY of releases up to 0.9.5. */
export const PUBLIC_DEFAULT_SECRET_KEY = 't0p-s3cr3t';
