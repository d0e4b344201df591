import { describe, expect, it, vi } from 'vitest';
import * as core from '@actions/core';
import { finding } from '../../../src/findings/finding.ts';
import { escapeData, escapeProperty, formatAnnotation, planAnnotations } from '../../../src/report/github.ts';

describe('GitHub workflow commands', () => {
  it('escapes data and properties like the toolkit', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('formats an annotation with every position property, byte for byte', () => {
    const f = finding('database-url/password-not-encoded', {
      message: "reserved ':' and ',' in 100% of it\nnext line",
      location: { file: 'deploy/docker-compose.yml', line: 8, column: 22, endLine: 8, endColumn: 40 },
      unit: 'web',
    });
    expect(formatAnnotation(f)).toBe(
      '::error title=The database password is not URL-encoded [database-url/password-not-encoded],file=deploy/docker-compose.yml,line=8,endLine=8,col=22,endColumn=40::' +
        "web: reserved ':' and ',' in 100%25 of it%0Anext line%0ASee https://github.com/openwebui-preflight/openwebui-preflight/blob/main/docs/rules.md#database-urlpassword-not-encoded",
    );
  });

  it('writes exactly what @actions/core writes for the same annotation', () => {
    const f = finding('oauth-key/weak', { message: 'a: b, c', location: { file: 'x.env', line: 3, column: 5 } });
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    try {
      core.warning(`${f.message}\nSee ${f.helpUri}`, { title: `${f.title} [${f.ruleId}]`, file: 'x.env', startLine: 3, startColumn: 5 });
    } finally {
      spy.mockRestore();
    }
    expect(written.join('').trimEnd()).toBe(formatAnnotation(f));
  });

  it('annotates at most 10 of each type, most important first, and returns the rest', () => {
    const many = [
      ...Array.from({ length: 12 }, (_, i) => finding('oauth-key/weak', { message: `w${i}`, location: { file: 'a', line: i + 1 } })),
      ...Array.from({ length: 11 }, (_, i) => finding('database-url/invalid', { message: `e${i}`, location: { file: 'a', line: i + 1 } })),
      finding('database-url/postgres-scheme', { message: 'n' }),
    ];
    const plan = planAnnotations(many);
    expect(plan.annotated.filter((f) => f.severity === 'error')).toHaveLength(10);
    expect(plan.annotated.filter((f) => f.severity === 'warning')).toHaveLength(10);
    expect(plan.annotated.filter((f) => f.severity === 'notice')).toHaveLength(1);
    expect(plan.overflow.map((f) => f.message)).toEqual(['e10', 'w10', 'w11']);
    expect(plan.annotated[0]!.severity).toBe('error');
  });
});
