/**
 * Fernet (https://github.com/fernet/spec) on node:crypto, byte-compatible with Python's
 * `cryptography`: 0x80 | u64 BE timestamp | 16-byte IV | AES-128-CBC (PKCS7) | HMAC-SHA256,
 * urlsafe base64 with padding. Signing key = first 16 key bytes, encryption key = last 16.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const HMAC_LENGTH = 32;
/** cryptography accepts tokens up to 60 s in the future (clock skew). */
export const MAX_CLOCK_SKEW_SECONDS = 60;

export type InvalidTokenReason = 'not-base64' | 'too-short' | 'bad-version' | 'bad-signature' | 'bad-padding' | 'future-timestamp' | 'expired' | 'bad-length';

export class InvalidToken extends Error {
  override name = 'InvalidToken';
  constructor(readonly reason: InvalidTokenReason) {
    super(`invalid Fernet token: ${reason}`);
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new RangeError('a Fernet key is 32 bytes');
}

export interface EncryptOptions {
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  /** 16 bytes; random by default. */
  iv?: Buffer;
}

export function encrypt(key: Buffer, plaintext: Buffer, options: EncryptOptions = {}): string {
  checkKey(key);
  const iv = options.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new RangeError('a Fernet IV is 16 bytes');
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const cipher = createCipheriv('aes-128-cbc', key.subarray(16), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const header = Buffer.alloc(9);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(timestamp), 1);
  const signed = Buffer.concat([header, iv, ciphertext]);
  const mac = createHmac('sha256', key.subarray(0, 16)).update(signed).digest();
  return toUrlsafeBase64(Buffer.concat([signed, mac]));
}

/** urlsafe base64 WITH padding, as Python's base64.urlsafe_b64encode writes it. */
export function toUrlsafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Strict urlsafe base64 with padding, as Python's base64.urlsafe_b64decode after Fernet's checks. */
function decodeToken(token: string): Buffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(token) || token.length % 4 !== 0) throw new InvalidToken('not-base64');
  return Buffer.from(token, 'base64url');
}

export interface TokenStructure {
  timestamp: number;
  iv: Buffer;
  ciphertext: Buffer;
  mac: Buffer;
  signed: Buffer;
}

/** The parts of a token, checked for shape only (no key needed). */
export function inspectToken(token: string): TokenStructure {
  const data = decodeToken(token);
  if (data.length < HEADER + HMAC_LENGTH + 16) throw new InvalidToken('too-short');
  if (data[0] !== VERSION) throw new InvalidToken('bad-version');
  if ((data.length - HEADER - HMAC_LENGTH) % 16 !== 0) throw new InvalidToken('bad-length');
  return {
    timestamp: Number(data.readBigUInt64BE(1)),
    iv: data.subarray(9, HEADER),
    ciphertext: data.subarray(HEADER, data.length - HMAC_LENGTH),
    mac: data.subarray(data.length - HMAC_LENGTH),
    signed: data.subarray(0, data.length - HMAC_LENGTH),
  };
}

export function isFernetToken(token: string): boolean {
  try {
    inspectToken(token);
    return true;
  } catch {
    return false;
  }
}

export interface DecryptOptions {
  /** Maximum age in seconds; unlimited when undefined (Open WebUI passes none). */
  ttl?: number;
  /** Seconds since the epoch; now by default. */
  now?: number;
}

export function decrypt(key: Buffer, token: string, options: DecryptOptions = {}): Buffer {
  checkKey(key);
  const parts = inspectToken(token);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (options.ttl !== undefined && parts.timestamp + options.ttl < now) throw new InvalidToken('expired');
  if (parts.timestamp > now + MAX_CLOCK_SKEW_SECONDS) throw new InvalidToken('future-timestamp');
  const expected = createHmac('sha256', key.subarray(0, 16)).update(parts.signed).digest();
  if (!timingSafeEqual(expected, parts.mac)) throw new InvalidToken('bad-signature');
  try {
    const decipher = createDecipheriv('aes-128-cbc', key.subarray(16), parts.iv);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new InvalidToken('bad-padding');
  }
}
