import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeploymentUnit, EnvValue } from '../../../src/config/model.ts';
import { scanConfiguration } from '../../../src/config/units.ts';
import { checkConfiguration } from '../../../src/rules/index.ts';
import type { Finding } from '../../../src/findings/finding.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const examples = path.resolve(import.meta.dirname, '../../../examples');
const FERNET_KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

/** A unit whose variables are written one per line in `deploy/.env`, so positions are predictable. */
function unit(vars: Record<string, string>, over: Partial<DeploymentUnit> = {}): DeploymentUnit {
  const env = new Map<string, EnvValue>();
  Object.entries(vars).forEach(([k, v], i) => env.set(k, { value: v, origin: 'dotenv', literal: true, location: { file: 'deploy/.env', line: i + 1, column: k.length + 2 } }));
  return { name: 'web', kind: 'compose-service', location: { file: 'docker-compose.yml', line: 2, column: 3 }, deployment: 'docker-compose.yml', env, unknownSources: [], ...over };
}

const rulesOf = (units: DeploymentUnit[], release?: string) => checkConfiguration({ units, findings: [], files: [] }, release ? { release } : {});
const ids = (fs: Finding[]) => fs.map((f) => f.ruleId).sort();
const one = (fs: Finding[], id: string) => {
  const matching = fs.filter((f) => f.ruleId === id);
  expect(matching, `${id} in ${ids(fs).join(', ')}`).toHaveLength(1);
  return matching[0]!;
};

const GOOD = { DATABASE_URL: 'postgresql://owui:pw@db.example.com:5432/owui?sslmode=verify-full', OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: FERNET_KEY, WEBUI_SECRET_KEY: 'x'.repeat(8) + 'Q7#kd9!Lm2@pZr4&Vt8' };

describe('configuration rules', () => {
  it('accept a well-configured unit', () => {
    const fs = rulesOf([unit(GOOD)]);
    expect(ids(fs).filter((id) => id !== 'oauth-key/committed')).toEqual([]);
  });

  it('oauth-key/empty: set but empty does not fall back', () => {
    const f = one(rulesOf([unit({ ...GOOD, OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: '' })]), 'oauth-key/empty');
    expect(f.location).toEqual({ file: 'deploy/.env', line: 2, column: 36 });
    expect(f.severity).toBe('error');
  });

  it('oauth-key/not-set explains the fallback of the release', () => {
    const { OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: _k, WEBUI_SECRET_KEY: _w, ...rest } = GOOD;
    const generated = one(rulesOf([unit(rest)], '0.6.41'), 'oauth-key/not-set');
    expect(generated.message).toMatch(/start\.sh.*generates a random WEBUI_SECRET_KEY/);
    expect(generated.message).toMatch(/t0p-s3cr3t/);
    const bare = one(rulesOf([unit(rest, { kind: 'dotenv' })], '0.6.41'), 'oauth-key/not-set');
    expect(bare.message).toMatch(/public default 't0p-s3cr3t'/);
    const abort = one(rulesOf([unit(rest, { kind: 'dotenv' })], '0.9.6'), 'oauth-key/not-set');
    expect(abort.message).toMatch(/stops at start/);
    const fallback = one(rulesOf([unit({ ...rest, WEBUI_SECRET_KEY: GOOD.WEBUI_SECRET_KEY })]), 'oauth-key/not-set');
    expect(fallback.severity).toBe('warning');
  });

  it('oauth-key/invalid-fernet: 44 characters that are not a Fernet key, also through the fallback', () => {
    const hex44 = '0123456789abcdef0123456789abcdef0123456789ab';
    expect(one(rulesOf([unit({ ...GOOD, OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: hex44 })]), 'oauth-key/invalid-fernet').location!.line).toBe(2);
    const { OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: _k, ...rest } = GOOD;
    const viaFallback = one(rulesOf([unit({ ...rest, WEBUI_SECRET_KEY: hex44 })]), 'oauth-key/invalid-fernet');
    expect(viaFallback.message).toMatch(/WEBUI_SECRET_KEY \(used as OAUTH_SESSION_TOKEN_ENCRYPTION_KEY/);
    // Standard base64 with '+' and '/' is not urlsafe.
    const std = Buffer.alloc(32, 0xfb).toString('base64');
    expect(std).toMatch(/[+/]/);
    expect(ids(rulesOf([unit({ ...GOOD, OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: std })]))).toContain('oauth-key/invalid-fernet');
  });

  it('oauth-key/weak: placeholders, short values, known defaults and repeated bytes', () => {
    for (const weak of ['changeme', 'short-key', 't0p-s3cr3t', '${OAUTH_KEY}', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', Buffer.alloc(32, 7).toString('base64url') + '=']) {
      expect(ids(rulesOf([unit({ ...GOOD, OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: weak })])), weak).toContain('oauth-key/weak');
    }
    expect(ids(rulesOf([unit(GOOD)]))).not.toContain('oauth-key/weak');
  });

  it('oauth-key/committed only for literal values', () => {
    expect(ids(rulesOf([unit(GOOD)]))).toContain('oauth-key/committed');
    const u = unit(GOOD);
    u.env.set('OAUTH_SESSION_TOKEN_ENCRYPTION_KEY', { value: FERNET_KEY, origin: 'runner', literal: false, location: { file: 'docker-compose.yml', line: 9, column: 43 } });
    expect(ids(rulesOf([u]))).not.toContain('oauth-key/committed');
  });

  it('oauth-key/inconsistent compares derived keys within a deployment', async () => {
    const a = 'first-passphrase-that-is-long-enough-1234';
    const scan = await scanConfiguration(path.join(fixtures, 'replicas-different-keys'), { runnerEnv: { OAUTH_KEY_A: a, OAUTH_KEY_B: 'second-passphrase-that-is-long-enough-987', DATABASE_URL: GOOD.DATABASE_URL, WEBUI_SECRET_KEY: GOOD.WEBUI_SECRET_KEY } });
    const f = one(checkConfiguration(scan), 'oauth-key/inconsistent');
    expect(f.unit).toBe('docker-compose.yml: webui-b');
    expect(f.location).toEqual({ file: 'docker-compose.yml', line: 12, column: 43 });
    expect(f.message).not.toContain(a);
    // The same key written differently (44-char Fernet vs. its bytes) is not a difference; the same string is not either.
    const same = await scanConfiguration(path.join(fixtures, 'replicas-different-keys'), { runnerEnv: { OAUTH_KEY_A: a, OAUTH_KEY_B: a } });
    expect(ids(checkConfiguration(same))).not.toContain('oauth-key/inconsistent');
  });

  it('database-url/not-set when Open WebUI would silently use SQLite', () => {
    const { DATABASE_URL: _u, ...rest } = GOOD;
    expect(one(rulesOf([unit(rest)]), 'database-url/not-set').message).toMatch(/silently uses SQLite/);
    // Unknown when the unit has an environment source outside the repository.
    expect(ids(rulesOf([unit(rest, { unknownSources: ['/etc/open-webui/env'] })]))).not.toContain('database-url/not-set');
  });

  it('database-url/invalid quotes the bad part and the expected form', () => {
    const f = one(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgresql://owui:pw@db:54x2/owui' })]), 'database-url/invalid');
    expect(f.message).toMatch(/the port '54x2'.*Expected postgresql:\/\/USER:URL-ENCODED-PASSWORD@HOST:5432\/DATABASE/);
  });

  it('database-url/password-not-encoded for URLs and components, never showing the password', () => {
    const f = one(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgresql://owui:Sup3r@Secret#1@db.example.com:5432/owui?sslmode=require' })]), 'database-url/password-not-encoded');
    expect(f.message).toContain("'@' → %40");
    expect(f.message).toContain('postgresql://owui:***@db.example.com:5432/owui');
    expect(f.message).not.toMatch(/Sup3r|Secret#1/);
    const c = one(rulesOf([unit({ OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: FERNET_KEY, DATABASE_TYPE: 'postgresql', DATABASE_USER: 'u', DATABASE_PASSWORD: 'a/b:c', DATABASE_HOST: 'localhost', DATABASE_PORT: '5432', DATABASE_NAME: 'db' })]), 'database-url/password-not-encoded');
    expect(c.location!.line).toBe(4);
    expect(c.message).not.toContain('a/b:c');
    // Already encoded passwords are fine.
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgresql://owui:p%40ss@db.example.com/owui?sslmode=require' })]))).not.toContain('database-url/password-not-encoded');
  });

  it('database-url/driver-unsupported depends on the release having the Peewee step', () => {
    const url = { ...GOOD, DATABASE_URL: 'postgresql+psycopg2://owui:pw@db.example.com:5432/owui?sslmode=require' };
    expect(one(rulesOf([unit(url)], '0.9.5'), 'database-url/driver-unsupported').severity).toBe('error');
    expect(ids(rulesOf([unit(url)], '0.9.6'))).not.toContain('database-url/driver-unsupported');
    expect(one(rulesOf([unit(url)]), 'database-url/driver-unsupported').severity).toBe('warning');
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgres+pool://owui:pw@db.example.com/owui?sslmode=require' })], '0.6.5'))).not.toContain('database-url/driver-unsupported');
  });

  it('database-url/postgres-scheme, insecure-transport, not-postgresql', () => {
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgres://owui:pw@db.example.com/owui?sslmode=require' })]))).toContain('database-url/postgres-scheme');
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgresql://owui:pw@db.example.com/owui' })]))).toContain('database-url/insecure-transport');
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgresql://owui:pw@db.example.com/owui?sslmode=prefer' })]))).toContain('database-url/insecure-transport');
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'postgresql://owui:pw@127.0.0.1/owui' })]))).not.toContain('database-url/insecure-transport');
    expect(ids(rulesOf([unit({ ...GOOD, DATABASE_URL: 'mysql://owui:pw@db/owui' })]))).toContain('database-url/not-postgresql');
  });

  it('database-components/incomplete and override-url follow env.py, not the docs', () => {
    const partial = one(rulesOf([unit({ ...GOOD, DATABASE_HOST: 'other.example.com', DATABASE_PORT: '5432' })]), 'database-components/incomplete');
    expect(partial.message).toMatch(/DATABASE_TYPE, DATABASE_NAME, DATABASE_USER or DATABASE_PASSWORD are not/);
    expect(partial.location!.line).toBe(4);
    const full = one(rulesOf([unit({ ...GOOD, DATABASE_TYPE: 'postgresql', DATABASE_USER: 'u', DATABASE_PASSWORD: 'pw', DATABASE_HOST: 'localhost', DATABASE_PORT: '5432', DATABASE_NAME: 'db' })]), 'database-components/override-url');
    expect(full.location!.line).toBe(1);
    expect(full.message).toContain('postgresql://u:***@localhost:5432/db');
  });

  it('database-schema/not-default and migrations/disabled', async () => {
    const scan = await scanConfiguration(path.join(fixtures, 'schema-and-migrations'), { runnerEnv: { DB_PASSWORD: 'pw' } });
    const fs = checkConfiguration(scan);
    expect(one(fs, 'database-schema/not-default').location).toEqual({ file: 'docker-compose.yml', line: 8, column: 24 });
    expect(one(fs, 'migrations/disabled').location).toEqual({ file: 'docker-compose.yml', line: 9, column: 29 });
    // 0.6.x has no switch: the variable does nothing there.
    expect(ids(rulesOf([unit({ ...GOOD, ENABLE_DB_MIGRATIONS: 'false' })], '0.6.41'))).not.toContain('migrations/disabled');
  });

  it('the checklist example gets every mistake the checklist leads to', async () => {
    const scan = await scanConfiguration(examples, { runnerEnv: {} });
    const fs = checkConfiguration(scan);
    const checklist = fs.filter((f) => f.unit?.startsWith('compose-checklist'));
    expect(ids(checklist)).toEqual(
      expect.arrayContaining(['database-url/driver-unsupported', 'database-url/password-not-encoded', 'oauth-key/invalid-fernet', 'database-components/override-url', 'oauth-key/weak', 'database-url/insecure-transport']),
    );
    for (const f of fs) expect(f.message).not.toMatch(/S3cret@Pass|p@ss:word\/1/);
  });
});
