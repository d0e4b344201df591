import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/findings/rules.ts';
import { finding, ruleAnchor } from '../../src/findings/finding.ts';

const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^### (\S+)$/gm)].map((m) => m[1]);

describe('docs/rules.md', () => {
  it('documents every rule id exactly once', () => {
    const missing = Object.keys(RULES).filter((id) => !documented.includes(id));
    expect(missing).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('documents no rule the code does not have', () => {
    expect(documented.filter((id) => !Object.hasOwn(RULES, id!))).toEqual([]);
  });

  it('states the default severity the code uses', () => {
    for (const [id, meta] of Object.entries(RULES)) {
      const section = doc.split(`### ${id}\n`)[1]?.split('\n### ')[0] ?? '';
      const severity = meta.severity[0]!.toUpperCase() + meta.severity.slice(1);
      expect(section.startsWith(`**${severity}.**`), `${id} should start with **${severity}.**`).toBe(true);
    }
  });

  it('links findings to the heading GitHub generates', () => {
    const f = finding('oauth-key/not-set', { message: 'm' });
    expect(f.helpUri.endsWith('#oauth-keynot-set')).toBe(true);
    expect(ruleAnchor('database-components/override-url')).toBe('database-componentsoverride-url');
  });
});
