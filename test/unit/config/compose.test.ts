import { describe, expect, it } from 'vitest';
import { openWebUIImage, parseCompose } from '../../../src/config/compose.ts';

describe('parseCompose', () => {
  it('reads environment maps and lists with the position of each value', () => {
    const text = [
      'services:',
      '  web:',
      '    image: ghcr.io/open-webui/open-webui:v0.6.41-cuda',
      '    deploy:',
      '      replicas: 3',
      '    env_file:',
      '      - a.env',
      '      - path: b.env',
      '        required: false',
      '    environment:',
      '      DATABASE_URL: postgresql://u@h/db',
      '      PORT: 5432',
      '      EMPTY:',
      '  worker:',
      '    image: redis',
      '    environment:',
      '      - KEY=value',
      '      - "QUOTED=x"',
      '      - BARE',
    ].join('\n');
    const { services, errors } = parseCompose(text);
    expect(errors).toEqual([]);
    const [web, worker] = services;
    expect(web).toMatchObject({ name: 'web', line: 2, column: 3, replicas: 3, image: { raw: 'ghcr.io/open-webui/open-webui:v0.6.41-cuda', line: 3, column: 12 } });
    expect(web!.envFiles).toEqual([
      { path: 'a.env', required: true, line: 7, column: 9 },
      { path: 'b.env', required: false, line: 8, column: 15 },
    ]);
    expect(web!.environment).toEqual([
      { key: 'DATABASE_URL', raw: 'postgresql://u@h/db', line: 11, column: 21 },
      { key: 'PORT', raw: '5432', line: 12, column: 13 },
      { key: 'EMPTY', raw: undefined, line: 13, column: 7 },
    ]);
    expect(worker!.environment).toEqual([
      { key: 'KEY', raw: 'value', line: 17, column: 13 },
      { key: 'QUOTED', raw: 'x', line: 18, column: 17 },
      { key: 'BARE', raw: undefined, line: 19, column: 9 },
    ]);
  });

  it('reports YAML errors with their position', () => {
    const { errors } = parseCompose('services:\n  web:\n    image: [unclosed\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses to expand a billion-laughs document', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    lines.push('services:', '  web:', '    image: ghcr.io/open-webui/open-webui', '    environment:', '      X: *l');
    const result = parseCompose(lines.join('\n'));
    expect(result.services.length + result.errors.length).toBeGreaterThan(0);
  });
});

describe('openWebUIImage', () => {
  it.each([
    ['ghcr.io/open-webui/open-webui:v0.6.41', true, '0.6.41'],
    ['ghcr.io/open-webui/open-webui:0.6.5', true, '0.6.5'],
    ['ghcr.io/open-webui/open-webui:v0.9.6-ollama', true, '0.9.6'],
    ['ghcr.io/open-webui/open-webui:main', true, undefined],
    ['ghcr.io/open-webui/open-webui', true, undefined],
    ['open-webui/open-webui:v0.7.2', true, '0.7.2'],
    ['postgres:16', false, undefined],
    ['ghcr.io/someone/open-webui-fork:v1.0.0', false, undefined],
  ])('%s', (image, isOpenWebUI, version) => {
    expect(openWebUIImage(image)).toEqual(version ? { isOpenWebUI, version } : { isOpenWebUI });
  });
});
