/**
 * Hostile and random input: the readers return findings or nothing, never throw, and finish.
 * (Time and memory are bounded by vitest's timeout; speed itself is measured in bench/.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCompose } from '../../../src/config/compose.ts';
import { parseDotenv } from '../../../src/config/dotenv.ts';
import { interpolate } from '../../../src/config/interpolate.ts';
import { parseUnitFile, splitEnvironmentValue } from '../../../src/config/systemd.ts';
import { scanConfiguration } from '../../../src/config/units.ts';
import { checkConfiguration } from '../../../src/rules/index.ts';
import { parseDatabaseUrl } from '../../../src/openwebui/database-url.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'preflight-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configish = fc.stringMatching(/^[A-Za-z0-9_=$"'{}:#\\ \n\t.@/?%[\]*&!|>-]{0,400}$/);

describe('parsers never throw', () => {
  it('on random configuration-like text', () => {
    fc.assert(
      fc.property(configish, (text) => {
        parseDotenv(text, { lookup: () => undefined });
        parseCompose(text);
        parseUnitFile(text);
        splitEnvironmentValue(text);
        interpolate(text, () => 'v');
        parseDatabaseUrl(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('on random unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        parseDotenv(text);
        parseCompose(text);
        parseUnitFile(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('on a deeply nested YAML document', () => {
    const deep = 'services:\n  a:\n    environment:\n      X: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
    const r = parseCompose(deep);
    expect(r.services.length + r.errors.length).toBeGreaterThanOrEqual(0);
  });
});

describe('hostile files give config/syntax, config/unreadable or nothing', () => {
  const cases: Array<[string, string | Buffer, string | undefined]> = [
    ['binary/docker-compose.yml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]), 'config/unreadable'],
    ['utf8/.env', Buffer.from([0x41, 0x3d, 0xc3, 0x28, 0x0a]), 'config/unreadable'],
    ['longline/.env', `A=${'x'.repeat(10 * 1024 * 1024)}\n`, 'config/unreadable'],
    ['huge/docker-compose.yml', `# ${'y'.repeat(6 * 1024 * 1024)}\n`, 'config/unreadable'],
    ['laughs/docker-compose.yml', ['a: &a [x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 11 }, (_, i) => `${'bcdefghijkl'[i]}: &${'bcdefghijkl'[i]} [${Array(9).fill(`*${'abcdefghijk'[i]}`).join(',')}]`), 'services:', '  w:', '    image: ghcr.io/open-webui/open-webui', '    environment: *l'].join('\n'), undefined],
    ['nul/open-webui.service', '[Service]\nExecStart=/bin/open-webui serve\u0000\n', 'config/unreadable'],
    ['unterminated/.env', 'A="never closed\nB=2\n', 'config/syntax'],
    ['random/docker-compose.yml', 'services: {web: [1, {a: b}], other: !!binary AAAA}\n', undefined],
  ];
  for (const [rel, content, expected] of cases) {
    it(rel, async () => {
      const root = path.join(dir, path.dirname(rel));
      mkdirSync(root, { recursive: true });
      writeFileSync(path.join(dir, rel), content);
      const scan = await scanConfiguration(root, { runnerEnv: {} });
      const findings = [...scan.findings, ...checkConfiguration(scan)];
      const fileFindings = findings.filter((f) => f.location?.file === path.basename(rel) && f.ruleId.startsWith('config/'));
      expect(fileFindings.map((f) => f.ruleId)).toEqual(expected ? [expected] : []);
      for (const f of findings) expect(f.message.length).toBeLessThan(2000);
    }, 60_000);
  }
});
