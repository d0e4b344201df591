import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/config/dotenv.ts';

const byKey = (text: string, lookup?: (n: string) => string | undefined) => {
  const r = parseDotenv(text, lookup ? { lookup } : {});
  return { map: new Map(r.entries.map((e) => [e.key, e])), errors: r.errors };
};

describe('parseDotenv', () => {
  it('reads comments, export, quotes and inline comments with positions', () => {
    const { map, errors } = byKey(['# comment', 'export A=1', "B='x # not a comment'", 'C="line\\nnext \\"q\\""', 'D=plain value # comment', '  E = spaced  '].join('\n'));
    expect(errors).toEqual([]);
    expect(map.get('A')).toMatchObject({ value: '1', line: 2, column: 10 });
    expect(map.get('B')).toMatchObject({ value: 'x # not a comment', line: 3, column: 3 });
    expect(map.get('C')!.value).toBe('line\nnext "q"');
    expect(map.get('D')).toMatchObject({ value: 'plain value', line: 5, column: 3 });
    expect(map.get('E')).toMatchObject({ value: 'spaced', line: 6, column: 7 });
  });

  it('keeps multi-line quoted values and the line after them', () => {
    const { map } = byKey('K="first\nsecond"\nN=after');
    expect(map.get('K')).toMatchObject({ value: 'first\nsecond', line: 1, endLine: 2 });
    expect(map.get('N')).toMatchObject({ value: 'after', line: 3 });
  });

  it('lets the last duplicate win and handles CRLF and a BOM', () => {
    const r = parseDotenv('\uFEFFK=1\r\nK=2\r\n');
    expect(r.entries.at(-1)).toMatchObject({ key: 'K', value: '2', line: 2 });
  });

  it('interpolates unquoted and double-quoted values, never single-quoted ones', () => {
    const { map } = byKey('A=${HOST}:5432\nB="${HOST}"\nC=\'${HOST}\'\nD=${MISSING:-dflt}\nE=$${HOST}', (n) => (n === 'HOST' ? 'db' : undefined));
    expect(map.get('A')!.value).toBe('db:5432');
    expect(map.get('B')!.value).toBe('db');
    expect(map.get('C')!.value).toBe('${HOST}');
    expect(map.get('D')!.value).toBe('dflt');
    expect(map.get('E')!.value).toBe('${HOST}');
  });

  it('reports errors with positions and goes on', () => {
    const r = parseDotenv('GOOD=1\n!!bad line\nK = "unterminated\n');
    expect(r.errors[0]).toMatchObject({ line: 2, column: 1 });
    expect(r.errors[1]).toMatchObject({ line: 3, column: 5 });
    expect(r.entries.map((e) => e.key)).toEqual(['GOOD']);
  });

  it('marks a bare KEY as taken from the environment', () => {
    expect(parseDotenv('SECRET\n').entries[0]).toMatchObject({ key: 'SECRET', bare: true });
  });
});
