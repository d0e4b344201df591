import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main, usage } from '../../src/cli/main.ts';
import { INPUTS, OUTPUTS } from '../../src/settings/inputs.ts';
import { parseSettings, SettingsError } from '../../src/settings/settings.ts';
import { TOOL_VERSION } from '../../src/version.ts';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('settings', () => {
  it('applies the defaults of action.yml', () => {
    const s = parseSettings(reader({}));
    expect(s).toMatchObject({ path: '.', sandbox: 'auto', failOn: 'error', format: 'github', statementTimeoutMs: 30000, lockTimeoutMs: 5000, simulateOnTarget: 'off', verifyWrite: 'off', sample: 0 });
    expect([...s.checks]).toEqual(['config', 'database', 'migrations', 'drift', 'oauth']);
  });

  it.each([
    ['sandbox', 'docker', "Invalid value 'docker' for input 'sandbox'. Expected one of: auto, container, embedded, none."],
    ['checks', 'config,drfit', "Invalid value 'drfit' for input 'checks'. Expected one of: config, database, migrations, drift, oauth."],
    ['statement-timeout', '30s', "Invalid value '30s' for input 'statement-timeout'. Expected a whole number of 0 or more, e.g. 30000."],
    ['openwebui-version', 'latest', "Invalid value 'latest' for input 'openwebui-version'. Expected a release number such as 0.6.41."],
    ['use-config-database', 'maybe', "Invalid value 'maybe' for input 'use-config-database'. Expected true or false."],
  ])('rejects %s=%s quoting the value and the expected form', (name, value, message) => {
    expect(() => parseSettings(reader({ [name]: value }))).toThrow(new SettingsError(message));
  });

  it('action.yml, the input list and the CLI flags are the same set', () => {
    const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown>; runs: Record<string, string> };
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((i) => i.name));
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map((o) => o.name));
    for (const i of INPUTS) expect(action.inputs[i.name]!.default).toBe(i.default);
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/post.js' });
    const flags = [...usage().matchAll(/^ {2}--([a-z-]+)(?:, --[a-z-]+)? VALUE$/gm)].map((m) => m[1]);
    expect(flags.sort()).toEqual(INPUTS.filter((i) => i.name !== 'path').map((i) => i.name).sort());
  });

  it('keeps the version in step with package.json', () => {
    expect(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version).toBe(TOOL_VERSION);
  });
});

describe('CLI usage errors', () => {
  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, isTTY: false });
    return { code, out, err };
  };
  it('exits 2 with the bad value quoted', async () => {
    expect(await run(['check', '.', '--fail-on', 'sometimes'])).toMatchObject({ code: 2, err: expect.stringContaining("Invalid value 'sometimes' for input 'fail-on'") });
    expect((await run(['inspect'])).code).toBe(2);
    expect((await run(['check', '--no-such-flag'])).code).toBe(2);
    expect(await run(['--version'])).toMatchObject({ code: 0, out: `${TOOL_VERSION}\n` });
  });
});
