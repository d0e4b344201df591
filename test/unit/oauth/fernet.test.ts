import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, InvalidToken, inspectToken, isFernetToken, toUrlsafeBase64 } from '../../../src/oauth/fernet.ts';
import { decodeFernetKey, deriveOpenWebUIKey, fernetKeyText } from '../../../src/openwebui/encryption-key.ts';

const recorded = JSON.parse(readFileSync(new URL('../../fixtures/oauth/vectors.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ key: string; iv: string; timestamp: number; message: string; token: string }>;
};
const pythonHasCryptography = spawnSync('python3', ['-c', 'import cryptography.fernet'], { encoding: 'utf8' }).status === 0;

const SPEC = {
  secret: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
  now: Date.parse('1985-10-26T01:20:00-07:00') / 1000,
  iv: Buffer.from([...Array(16).keys()]),
  token: 'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
};
const specKey = decodeFernetKey(SPEC.secret)!;

function rejects(token: string, reason: string, key = specKey, now = SPEC.now + 1) {
  let caught: unknown;
  try {
    decrypt(key, token, { now });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidToken);
  expect((caught as InvalidToken).reason).toBe(reason);
}

describe('Fernet', () => {
  it('reproduces the spec generate vector and verifies it', () => {
    expect(encrypt(specKey, Buffer.from('hello'), { timestamp: SPEC.now, iv: SPEC.iv })).toBe(SPEC.token);
    expect(decrypt(specKey, SPEC.token, { now: SPEC.now + 60, ttl: 60 }).toString()).toBe('hello');
  });

  it('reproduces every vector recorded from Python cryptography, byte for byte', () => {
    expect(recorded.vectors.length).toBeGreaterThan(20);
    for (const v of recorded.vectors) {
      const key = decodeFernetKey(v.key)!;
      expect(encrypt(key, Buffer.from(v.message, 'hex'), { timestamp: v.timestamp, iv: Buffer.from(v.iv, 'hex') })).toBe(v.token);
      expect(decrypt(key, v.token, { now: v.timestamp }).toString('hex')).toBe(v.message);
    }
  });

  it('rejects tampered, truncated, wrong-version, bad-base64, badly padded, expired and future tokens', () => {
    const bytes = Buffer.from(SPEC.token, 'base64url');
    const flipped = Buffer.from(bytes);
    flipped[30] = flipped[30]! ^ 1;
    rejects(toUrlsafeBase64(flipped), 'bad-signature');
    const macFlip = Buffer.from(bytes);
    macFlip[macFlip.length - 1] = macFlip[macFlip.length - 1]! ^ 0x80;
    rejects(toUrlsafeBase64(macFlip), 'bad-signature');
    rejects(toUrlsafeBase64(bytes.subarray(0, 40)), 'too-short');
    const v2 = Buffer.from(bytes);
    v2[0] = 0x81;
    rejects(toUrlsafeBase64(v2), 'bad-version');
    rejects(SPEC.token.replace(/_/g, '/'), 'not-base64');
    rejects(SPEC.token.slice(0, -2), 'not-base64');
    rejects(SPEC.token, 'future-timestamp', specKey, SPEC.now - 61);
    expect(() => decrypt(specKey, SPEC.token, { now: SPEC.now + 61, ttl: 60 })).toThrow(InvalidToken);
    rejects(SPEC.token, 'bad-signature', randomBytes(32));
    // Correctly signed, but the plaintext's PKCS7 padding is wrong (last byte 0x00).
    const cipher = createCipheriv('aes-128-cbc', specKey.subarray(16), SPEC.iv).setAutoPadding(false);
    const ciphertext = Buffer.concat([cipher.update(Buffer.alloc(16, 0)), cipher.final()]);
    const signed = Buffer.concat([bytes.subarray(0, 25), ciphertext]);
    const mac = createHmac('sha256', specKey.subarray(0, 16)).update(signed).digest();
    rejects(toUrlsafeBase64(Buffer.concat([signed, mac])), 'bad-padding');
  });

  it('tells tokens from other text without a key', () => {
    expect(isFernetToken(SPEC.token)).toBe(true);
    expect(inspectToken(SPEC.token).timestamp).toBe(SPEC.now);
    expect(isFernetToken('{"access_token": "x"}')).toBe(false);
    expect(isFernetToken('gAAAAA')).toBe(false);
  });

  it('round-trips random messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (msg, k) => {
        const key = Buffer.from(k);
        expect(decrypt(key, encrypt(key, Buffer.from(msg))).equals(Buffer.from(msg))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Open WebUI key derivation', () => {
  it('uses a 44-character Fernet key as is and hashes anything else', () => {
    expect(deriveOpenWebUIKey(SPEC.secret)).toEqual({ ok: true, key: specKey, path: 'as-is' });
    const hashed = deriveOpenWebUIKey('t0p-s3cr3t');
    expect(hashed.ok && fernetKeyText(hashed.key)).toBe('EDp1DbQrIWg0QwQWlrWQNCJRuls7Xj-BGjm8TsEL7TI=');
    expect(deriveOpenWebUIKey('0123456789abcdef0123456789abcdef0123456789ab').ok).toBe(false);
    expect(deriveOpenWebUIKey('').ok).toBe(false);
  });
});

describe.runIf(pythonHasCryptography || process.env.PREFLIGHT_REQUIRE_SERVICES === '1')('live cross-check with Python cryptography', () => {
  const python = (script: string, input: string) => execFileSync('python3', ['-c', script], { input, encoding: 'utf8' });

  it('Python decrypts what Node encrypts, and the reverse, with Open WebUI key derivation', () => {
    const cases = Array.from({ length: 20 }, (_, i) => ({ passphrase: i % 2 ? randomBytes(20).toString('hex') : fernetKeyText(randomBytes(32)), message: randomBytes(1 + i * 37).toString('base64') }));
    const nodeTokens = cases.map((c) => {
      const d = deriveOpenWebUIKey(c.passphrase);
      if (!d.ok) throw new Error('derivation failed');
      return encrypt(d.key, Buffer.from(c.message));
    });
    const script = `
import base64, hashlib, json, sys
from cryptography.fernet import Fernet
def key(s):
    return s.encode() if len(s) == 44 else base64.urlsafe_b64encode(hashlib.sha256(s.encode()).digest())
data = json.load(sys.stdin)
out = []
for c, t in zip(data["cases"], data["tokens"]):
    f = Fernet(key(c["passphrase"]))
    out.append({"decrypted": f.decrypt(t.encode()).decode(), "token": f.encrypt(c["message"].encode()).decode()})
print(json.dumps(out))`;
    const results = JSON.parse(python(script, JSON.stringify({ cases, tokens: nodeTokens }))) as Array<{ decrypted: string; token: string }>;
    results.forEach((r, i) => {
      expect(r.decrypted).toBe(cases[i]!.message);
      const d = deriveOpenWebUIKey(cases[i]!.passphrase);
      expect(d.ok && decrypt(d.key, r.token).toString()).toBe(cases[i]!.message);
    });
  });

  it('gives the same token as Python for the same timestamp and IV', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const script = `import base64,sys\nfrom cryptography.fernet import Fernet\nk,iv,m=sys.stdin.read().split()\nprint(Fernet(k.encode())._encrypt_from_parts(base64.b64decode(m), 1234567890, bytes.fromhex(iv)).decode())`;
    const message = randomBytes(333);
    expect(python(script, `${fernetKeyText(key)} ${iv.toString('hex')} ${message.toString('base64')}`).trim()).toBe(encrypt(key, message, { timestamp: 1234567890, iv }));
  });
});
