import { describe, expect, it } from 'vitest';
import { finding } from '../../../src/findings/finding.ts';
import type { Report } from '../../../src/report/model.ts';
import { renderSarif } from '../../../src/report/sarif.ts';
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../../../src/report/summary.ts';

function report(findings = [finding('oauth-key/invalid-fernet', { message: 'bad | key', location: { file: '.env', line: 2, column: 36 }, unit: 'web' })]): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'openwebui-preflight', version: '1.0.0' },
    openwebuiVersion: { version: '0.6.41', source: 'image-tag' },
    summary: { errors: findings.filter((f) => f.severity === 'error').length, warnings: 0, notices: 0, verdict: 'fail', failOn: 'error' },
    findings,
    units: [{ name: 'web', kind: 'compose-service', file: 'docker-compose.yml', line: 2, openwebuiVersion: '0.6.41', database: { scheme: 'postgresql', host: 'db', port: 5432, name: 'owui', user: 'owui', source: 'DATABASE_URL' }, keySource: 'OAUTH_SESSION_TOKEN_ENCRYPTION_KEY', keyFingerprint: 'sha256:0011223344556677', errors: 1, warnings: 0, notices: 0 }],
  };
}

describe('job summary', () => {
  it('starts with the verdict and has a table per unit', () => {
    const md = renderSummary(report(), { notAnnotated: 3 });
    const lines = md.split('\n');
    expect(lines[0]).toBe('### ❌ Open WebUI preflight failed (fail-on: error) — 1 error, 0 warnings, 0 notices · Open WebUI 0.6.41');
    expect(md).toContain('3 findings are only listed below');
    expect(md).toContain('| web | `docker-compose.yml:2` | 0.6.41 | `postgresql://owui@db:5432/owui` | OAUTH_SESSION_TOKEN_ENCRYPTION_KEY `sha256:0011223344556677` | 🔴 1 |');
    expect(md).toContain('bad \\| key');
  });

  it('stays under the size limit and says how many findings were left out', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => finding('oauth-key/weak', { message: `finding number ${i} `.repeat(10), location: { file: 'f', line: i } }));
    const md = renderSummary(report(big));
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(md).toMatch(/_\d+ more findings do not fit in a job summary; see the JSON report._/);
  });
});

describe('SARIF', () => {
  it('is SARIF 2.1.0 with rules and physical locations', () => {
    const sarif = renderSarif(report()) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string }> } }; results: Array<Record<string, unknown>> }> };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['oauth-key/invalid-fernet']);
    expect(run.results[0]).toEqual({
      ruleId: 'oauth-key/invalid-fernet',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'web: bad | key' },
      locations: [{ physicalLocation: { artifactLocation: { uri: '.env', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 36 } } }],
    });
  });
});

describe('summary sections from the report', () => {
  it('draws the migration chain, the remedies, drift by table and the token audit', () => {
    const r = report([]);
    r.summary = { errors: 0, warnings: 0, notices: 0, verdict: 'pass', failOn: 'error' };
    r.migrations = {
      release: '0.6.5',
      database: 'target',
      pending: { peewee: ['002_add_local_sharing', '003_add_auth_api_key'], alembic: ['7e5b5dc7342b'] },
      replay: { result: 'conflict', failure: { migration: 'peewee:003_add_auth_api_key', sqlstate: '42701', message: 'column "api_key" of relation "user" already exists' }, remedies: [{ id: 'B', sql: ["INSERT INTO migratehistory (name, migrated_at) VALUES ('003_add_auth_api_key', now());"], outcome: 'clean start', leavesDifferent: ['user: index user_api_key is missing'] }] },
    };
    r.drift = { checked: true, release: '0.6.5', groups: ['chat: extra column my_notes (text)'] };
    r.oauth = { audit: { rows: 12, sampled: false, classes: { valid: 9, 'previous-key': 1, 'default-key': 0, plaintext: 1, 'not-fernet': 0, undecryptable: 1 }, expired: 2 } };
    const md = renderSummary(r);
    const at = (s: string) => md.indexOf(s);
    expect(md).toContain('#### Migrations to Open WebUI 0.6.5');
    expect(md).toContain('❌ Replay fails at **peewee:003_add_auth_api_key** (42701)');
    expect(md).toContain('- Remedy B: `INSERT INTO migratehistory (name, migrated_at) VALUES (\'003_add_auth_api_key\', now());` → clean start (leaves: user: index user_api_key is missing)');
    expect(md).toContain('```mermaid\nflowchart LR\n  m0["002_add_local_sharing"]\n  m1["003_add_auth_api_key"]:::failed\n  m0 --> m1\n  m2["7e5b5dc7342b"]\n  m1 --> m2');
    expect(md).toContain('- chat: extra column my_notes (text)');
    expect(md).toContain('| 9 | 1 | 0 | 1 | 0 | 1 | 2 |');
    // Verdict first, then units, then the sections, then the findings.
    expect(at('### ✅')).toBe(0);
    expect(at('#### Deployment units')).toBeLessThan(at('#### Migrations'));
    expect(at('#### Stored OAuth tokens')).toBeLessThan(at('#### Findings'));
  });
});
