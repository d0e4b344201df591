/**
 * Canary secrets planted in the repository, the runner's environment and the inputs must not appear,
 * raw or derived (URL-encoded, base64, inside a URL), in any output channel of the action or the CLI.
 */
import { describe, expect, it } from 'vitest';
import { derivedForms } from '../../src/report/secrets.ts';
import { runAction, runCli } from './run-dist.ts';

const CANARIES = [
  'Canary#P@ss:w0rd/42', // literal in the compose file, inside DATABASE_URL, unencoded
  'CanaryKeyValue-7f3a9b2c1d4e5f60-do-not-leak', // literal OAuth key in the compose file
  'Canary%Comp@nent/Pass', // DATABASE_PASSWORD component
  'CanaryWebuiSecret-0a1b2c3d4e5f', // runner environment
  'CanaryRunnerOAuthKey-99887766554433', // runner environment, via ${OAUTH_CANARY}
  'CanaryInput@Pass', // database-url input (percent-encoded in the URL)
  'CanaryInputKey-1234567890abcdef', // encryption-key input
  'CanaryPreviousKey-abcdef0123456789', // previous-keys input
];

const runnerEnv = { WEBUI_SECRET_KEY: CANARIES[3]!, OAUTH_CANARY: CANARIES[4]! };
const inputs = {
  path: 'test/fixtures/e2e-canary',
  checks: 'config',
  'database-url': `postgresql://owui:${encodeURIComponent(CANARIES[5]!)}@127.0.0.1:1/owui`,
  'encryption-key': CANARIES[6]!,
  'previous-keys': `${CANARIES[7]!},another-previous-key-000`,
};

function leaks(channel: string, text: string): string[] {
  const found: string[] = [];
  for (const canary of CANARIES) for (const form of derivedForms(canary)) if (text.includes(form)) found.push(`${channel} contains ${JSON.stringify(form)}`);
  return found;
}

describe('canary secrets', () => {
  for (const format of ['github', 'json', 'sarif', 'text']) {
    it(`never leave the action (format ${format})`, () => {
      const run = runAction({ ...inputs, format, 'sarif-path': `${process.env.TMPDIR ?? '/tmp'}/canary-${format}.sarif` }, runnerEnv);
      expect(run.status).toBe(1);
      // ::add-mask:: is how the runner learns what to mask; every other line must be clean.
      const stdout = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
      expect(run.stdout).toContain('::add-mask::');
      expect([...leaks('stdout', stdout), ...leaks('stderr', run.stderr), ...leaks('summary', run.summary), ...leaks('outputs', run.outputsRaw), ...leaks('report', run.report), ...leaks('sarif', run.sarif)]).toEqual([]);
      // The run really looked at the canaries: findings about them exist.
      expect(run.report).toContain('password-not-encoded');
    });

    it(`never leave the CLI (format ${format})`, () => {
      const r = runCli(['check', inputs.path, '--checks', 'config', '--format', format, '--encryption-key', CANARIES[6]!], {
        ...runnerEnv,
        OPENWEBUI_PREFLIGHT_DATABASE_URL: inputs['database-url'],
        OPENWEBUI_PREFLIGHT_PREVIOUS_KEYS: inputs['previous-keys'],
      });
      expect(r.status).toBe(1);
      expect([...leaks('stdout', r.stdout), ...leaks('stderr', r.stderr)]).toEqual([]);
    });
  }
});
