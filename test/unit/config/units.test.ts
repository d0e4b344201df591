import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanConfiguration } from '../../../src/config/units.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const examples = path.resolve(import.meta.dirname, '../../../examples');

describe('scanConfiguration', () => {
  it('finds compose services, systemd units and their environment with positions', async () => {
    const scan = await scanConfiguration(examples, { runnerEnv: {} });
    expect(scan.units.map((u) => [u.name, u.kind, u.openwebuiVersion])).toEqual([
      ['compose-checklist/docker-compose.yml: open-webui', 'compose-service', '0.6.5'],
      ['compose-checklist/docker-compose.yml: open-webui-worker', 'compose-service', '0.6.5'],
      ['compose-good/docker-compose.yml: open-webui', 'compose-service', '0.6.41'],
      ['open-webui.service', 'systemd-unit', undefined],
    ]);
    const worker = scan.units[1]!;
    // environment: beats env_file, and env_file values keep their own file and line.
    expect(worker.env.get('DATABASE_TYPE')).toMatchObject({ value: 'postgresql+psycopg2', location: { file: 'compose-checklist/docker-compose.yml', line: 14, column: 22 } });
    expect(worker.env.get('OAUTH_SESSION_TOKEN_ENCRYPTION_KEY')).toMatchObject({ origin: 'dotenv', literal: true, location: { file: 'compose-checklist/.env', line: 2, column: 36 } });
    const systemd = scan.units[3]!;
    // Drop-in Environment= lines, then EnvironmentFile= found by its host path inside the repository.
    expect(systemd.env.get('DATABASE_PASSWORD')).toMatchObject({ value: 'p@ss:word/1', location: { file: 'systemd-dropin/etc/systemd/system/open-webui.service.d/override.conf', line: 5, column: 13 } });
    expect(systemd.env.get('DATABASE_URL')!.location).toEqual({ file: 'systemd-dropin/etc/open-webui/env', line: 2, column: 14 });
    expect(systemd.unknownSources).toEqual([]);
  });

  it('resolves ${VAR} from the runner first, then the project .env, and marks unresolved references', async () => {
    const withEnv = await scanConfiguration(path.join(examples, 'compose-good'), { runnerEnv: { DATABASE_URL: 'postgresql://u:pw@db:5432/x', OAUTH_SESSION_TOKEN_ENCRYPTION_KEY: 'k'.repeat(50) } });
    const unit = withEnv.units[0]!;
    expect(unit.env.get('DATABASE_URL')).toMatchObject({ value: 'postgresql://u:pw@db:5432/x', origin: 'runner', literal: false });
    expect(unit.env.get('WEBUI_SECRET_KEY')).toMatchObject({ value: '', unresolvedReference: 'WEBUI_SECRET_KEY' });
    expect(withEnv.findings.filter((f) => f.ruleId === 'config/undefined-variable').map((f) => f.location?.line)).toEqual([13]);
  });

  it('applies compose defaults and reports syntax errors with positions while reading the rest', async () => {
    const scan = await scanConfiguration(path.join(fixtures, 'broken-yaml'), { runnerEnv: {} });
    const syntax = scan.findings.filter((f) => f.ruleId === 'config/syntax');
    expect(syntax.map((f) => f.location?.file).sort()).toEqual(['.env', 'docker-compose.yml']);
    expect(syntax.find((f) => f.location?.file === '.env')!.location).toMatchObject({ line: 1, column: 36 });
    const defaults = await scanConfiguration(path.join(fixtures, 'schema-and-migrations'), { runnerEnv: { DB_PASSWORD: 'pw' } });
    expect(defaults.units[0]!.env.get('OAUTH_SESSION_TOKEN_ENCRYPTION_KEY')).toMatchObject({ literal: true, value: '0123456789abcdef'.repeat(4) });
    expect(defaults.units[0]!.replicas).toBe(2);
  });

  it('uses a top-level .env as a unit when nothing claims it, the runner winning for Open WebUI variables', async () => {
    const scan = await scanConfiguration(path.join(fixtures, 'dotenv-only'), { runnerEnv: { DATABASE_PORT: '6432', PATH: '/bin' } });
    expect(scan.units).toHaveLength(1);
    expect(scan.units[0]!.kind).toBe('dotenv');
    expect(scan.units[0]!.env.get('DATABASE_PORT')).toMatchObject({ value: '6432', origin: 'runner' });
    expect(scan.units[0]!.env.has('PATH')).toBe(false);
  });

  it('says so when no deployment is found, and reads extra files by glob', async () => {
    const none = await scanConfiguration(path.join(fixtures, 'broken-yaml', 'nowhere-does-not-exist'));
    expect(none.findings.map((f) => f.ruleId)).toContain('config/unreadable');
    const extra = await scanConfiguration(examples, { extraFiles: ['**/open-webui.env', 'nothing/*.env'] });
    expect(extra.files).toContain('compose-good/open-webui.env');
    expect(extra.findings.some((f) => f.message.includes("'nothing/*.env' matched no file"))).toBe(true);
  });
});
