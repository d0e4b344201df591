import { describe, expect, it } from 'vitest';
import { execStartRunsOpenWebUI, parseUnitFile, splitEnvironmentValue } from '../../../src/config/systemd.ts';

describe('systemd units', () => {
  it('reads directives with sections, comments and continuations', () => {
    const { directives, errors } = parseUnitFile('[Unit]\nDescription=x\n; comment\n[Service]\nEnvironment="A=1 2" \\\n  B=3\nExecStart=/usr/bin/open-webui serve\n');
    expect(errors).toEqual([]);
    expect(directives.filter((d) => d.section === 'Service')).toEqual([
      { section: 'Service', key: 'Environment', value: '"A=1 2"  B=3', line: 5, column: 13 },
      { section: 'Service', key: 'ExecStart', value: '/usr/bin/open-webui serve', line: 7, column: 11 },
    ]);
  });

  it('splits Environment= into quoted assignments with offsets', () => {
    expect(splitEnvironmentValue(`"DATABASE_TYPE=postgresql" 'X=a b' DATABASE_PORT=5432 "P=q\\"uote"`)).toEqual({
      assignments: [
        { key: 'DATABASE_TYPE', value: 'postgresql', offset: 0 },
        { key: 'X', value: 'a b', offset: 27 },
        { key: 'DATABASE_PORT', value: '5432', offset: 35 },
        { key: 'P', value: 'q"uote', offset: 54 },
      ],
    });
    expect(splitEnvironmentValue('"A=unterminated').error).toMatch(/unterminated/);
    expect(splitEnvironmentValue('novalue').error).toMatch(/not a VAR=value/);
  });

  it('recognises the ways Open WebUI is started', () => {
    expect(execStartRunsOpenWebUI('/opt/venv/bin/open-webui serve --port 8080')).toBe(true);
    expect(execStartRunsOpenWebUI('/usr/bin/python3 -m uvicorn open_webui.main:app')).toBe(true);
    expect(execStartRunsOpenWebUI('/usr/bin/docker run --rm ghcr.io/open-webui/open-webui:v0.6.5')).toBe(true);
    expect(execStartRunsOpenWebUI('/usr/bin/nginx -g daemon off;')).toBe(false);
  });
});
