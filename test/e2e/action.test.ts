import { describe, expect, it } from 'vitest';
import { runAction, runCli } from './run-dist.ts';

describe('the bundled action (dist/index.js) on the checklist example', () => {
  const run = runAction({ path: 'examples/compose-checklist', checks: 'config', 'openwebui-version': '' });

  it('fails the step with exit code 1', () => {
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error::Open WebUI preflight failed: 4 errors, 8 warnings (fail-on: error).');
  });

  it('prints the exact annotation lines, errors first', () => {
    const annotations = run.stdout.split('\n').filter((l) => /^::(error|warning|notice) title=/.test(l));
    expect(annotations[0]).toBe(
      '::error title=A 44-character key that is not a valid Fernet key [oauth-key/invalid-fernet],file=.env,line=2,col=36::docker-compose.yml: open-webui-worker: OAUTH_SESSION_TOKEN_ENCRYPTION_KEY has exactly 44 characters, so Open WebUI hands it to Fernet as it is; it is not urlsafe base64 of 32 bytes, so Open WebUI 0.6.5 stops with "Error initializing Fernet". The checklist\'s "44 characters are used as is" leaves this out. Generate a real Fernet key (python3 -c "import secrets,base64;print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())") or use a passphrase of another length.%0ASee https://github.com/openwebui-preflight/openwebui-preflight/blob/main/docs/rules.md#oauth-keyinvalid-fernet',
    );
    expect(annotations.map((l) => /^::(\w+) title=[^,]*\[([^\]]+)\],file=([^,]+),line=(\d+),col=(\d+)::/.exec(l)!.slice(1).join(' '))).toEqual([
      'error oauth-key/invalid-fernet .env 2 36',
      'error database-url/driver-unsupported docker-compose.yml 8 22',
      'error database-url/password-not-encoded docker-compose.yml 8 22',
      'error database-url/driver-unsupported docker-compose.yml 15 22',
      'warning oauth-key/committed .env 2 36',
      'warning database-components/override-url .env 3 14',
      'warning oauth-key/not-set docker-compose.yml 3 3',
      'warning database-url/insecure-transport docker-compose.yml 8 22',
      'warning oauth-key/committed docker-compose.yml 9 26',
      'warning oauth-key/weak docker-compose.yml 9 26',
      'warning secret-key/not-persisted docker-compose.yml 10 3',
      'warning database-url/insecure-transport docker-compose.yml 15 22',
    ]);
  });

  it('writes the outputs', () => {
    expect(run.outputs).toMatchObject({ errors: '4', warnings: '8', notices: '0', verdict: 'fail', 'openwebui-version': '' });
    expect(run.outputs['key-fingerprint']).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(JSON.parse(run.report).summary).toEqual({ errors: 4, warnings: 8, notices: 0, verdict: 'fail', failOn: 'error' });
  });

  it('writes a job summary with the verdict first and a table per unit', () => {
    const lines = run.summary.split('\n');
    expect(lines[0]).toBe('### ❌ Open WebUI preflight failed (fail-on: error) — 4 errors, 8 warnings, 0 notices');
    expect(run.summary).toContain('| docker-compose.yml: open-webui | `docker-compose.yml:3` | 0.6.5 | `postgresql+psycopg2://open_webui@222.197.201.55:5432/open-web` | WEBUI_SECRET_KEY `sha256:144dee2bd6acec46` | 🔴 2 🟠 4 |');
    expect(run.summary).toContain('| 🔴 | [`oauth-key/invalid-fernet`]');
  });
});

describe('the bundled CLI (dist/cli.js)', () => {
  it('exits 0 when nothing reaches --fail-on, 1 when something does, 2 on usage errors', () => {
    expect(runCli(['check', 'examples/compose-checklist', '--checks', 'config', '--fail-on', 'never']).status).toBe(0);
    const failing = runCli(['check', 'examples/compose-checklist', '--checks', 'config', '--format', 'text']);
    expect(failing.status).toBe(1);
    expect(failing.stdout.split('\n')[0]).toBe('✖ FAIL  4 errors, 8 warnings, 0 notices');
    expect(runCli(['check', 'examples', '--sandbox', 'docker']).status).toBe(2);
  });

  it('keeps its exit code when the embedded sandbox ran (its exit hook calls process.exit(0))', () => {
    const r = runCli(['check', 'examples/compose-checklist', '--checks', 'config,migrations', '--sandbox', 'embedded', '--format', 'json']);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('sandbox/started');
    expect(r.status).toBe(1);
  }, 120_000);

  it('gives a clean finding, not a stack trace, for a directory that does not exist', () => {
    const r = runCli(['check', 'no/such/dir', '--checks', 'config', '--format', 'json']);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/at .*\(.*\.js:\d+:\d+\)/);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('config/unreadable');
  });
});
