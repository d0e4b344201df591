/**
 * `.env` files as docker compose (env_file, project .env) and python-dotenv read them:
 * comments, `export`, single quotes (literal), double quotes (escapes, may span lines), unquoted
 * values ending at ` #`, duplicate keys (the last wins), CRLF and a BOM. systemd's
 * EnvironmentFile= uses the same shape without interpolation.
 */
import { interpolate, type VariableLookup } from './interpolate.ts';

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based position of the value's first character (the key's for a bare `KEY`). */
  line: number;
  column: number;
  endLine: number;
  /** `KEY` alone on a line: compose takes it from the environment. */
  bare: boolean;
  /** Variables the value referred to and that the lookup did not have. */
  missing: string[];
  references: string[];
}

export interface DotenvSyntaxError {
  message: string;
  line: number;
  column: number;
}

export interface DotenvParse {
  entries: DotenvEntry[];
  errors: DotenvSyntaxError[];
}

export interface DotenvOptions {
  /** Interpolate `${VAR}` in unquoted and double-quoted values (compose, python-dotenv); systemd does not. */
  lookup?: VariableLookup;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

export function parseDotenv(source: string, options: DotenvOptions = {}): DotenvParse {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const entries: DotenvEntry[] = [];
  const errors: DotenvSyntaxError[] = [];
  const lines = text.split('\n');
  // Values seen so far can be referred to by later lines, as compose and python-dotenv allow.
  const seen = new Map<string, string>();
  const lookup: VariableLookup = (name) => options.lookup?.(name) ?? seen.get(name);

  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const raw = lines[index]!;
    let pos = raw.length - raw.trimStart().length;
    let rest = raw.slice(pos);
    if (rest === '' || rest.startsWith('#')) continue;
    if (/^export\s+/.test(rest)) {
      const skip = /^export\s+/.exec(rest)![0].length;
      pos += skip;
      rest = rest.slice(skip);
    }
    const keyMatch = KEY.exec(rest);
    if (!keyMatch) {
      errors.push({ message: `expected KEY=VALUE, found '${truncate(rest)}'`, line: lineNo, column: pos + 1 });
      continue;
    }
    const key = keyMatch[0];
    let after = rest.slice(key.length);
    const keyColumn = pos + 1;
    pos += key.length;
    const ws = after.length - after.trimStart().length;
    after = after.slice(ws);
    pos += ws;
    if (after === '' || after.startsWith('#')) {
      entries.push({ key, value: '', line: lineNo, column: keyColumn, endLine: lineNo, bare: true, missing: [], references: [] });
      continue;
    }
    if (!after.startsWith('=')) {
      errors.push({ message: `expected '=' after '${key}'`, line: lineNo, column: pos + 1 });
      continue;
    }
    after = after.slice(1);
    pos += 1;
    const ws2 = after.length - after.trimStart().length;
    after = after.slice(ws2);
    pos += ws2;
    const valueColumn = pos + 1;
    const quote = after[0];

    if (quote === '"' || quote === "'") {
      // Quoted values may continue over the following lines until the closing quote.
      let body = after.slice(1);
      let endIndex = index;
      let closing = findClosingQuote(body, quote);
      while (closing < 0 && endIndex + 1 < lines.length) {
        endIndex++;
        body += '\n' + lines[endIndex]!;
        closing = findClosingQuote(body, quote);
      }
      if (closing < 0) {
        errors.push({ message: `unterminated ${quote === '"' ? 'double' : 'single'}-quoted value for '${key}'`, line: lineNo, column: valueColumn });
        break; // nothing after an unterminated quote can be read reliably
      }
      const inner = body.slice(0, closing);
      const trailing = body.slice(closing + 1).trim();
      if (trailing !== '' && !trailing.startsWith('#')) {
        errors.push({ message: `unexpected text after the closing quote of '${key}'`, line: endIndex + 1, column: 1 });
      }
      let value = quote === "'" ? inner : inner.replace(/\\(.)/gs, (m, c: string) => DOUBLE_QUOTE_ESCAPES[c] ?? m);
      let missing: string[] = [];
      let references: string[] = [];
      if (quote === '"' && options.lookup) {
        const r = interpolate(inner.replace(/\\\$/g, '$$$$'), lookup);
        value = r.value.replace(/\\(.)/gs, (m, c: string) => DOUBLE_QUOTE_ESCAPES[c] ?? m);
        missing = r.missing.map((m) => m.name);
        references = r.references;
      }
      entries.push({ key, value, line: lineNo, column: valueColumn, endLine: endIndex + 1, bare: false, missing, references });
      seen.set(key, value);
      index = endIndex;
      continue;
    }

    // Unquoted: a ' #' starts a comment; surrounding whitespace is dropped.
    const hash = after.search(/\s#/);
    const rawValue = (hash >= 0 ? after.slice(0, hash) : after).trim();
    let value = rawValue;
    let missing: string[] = [];
    let references: string[] = [];
    if (options.lookup) {
      const r = interpolate(rawValue, lookup);
      value = r.value;
      missing = r.missing.map((m) => m.name);
      references = r.references;
    }
    entries.push({ key, value, line: lineNo, column: valueColumn, endLine: lineNo, bare: false, missing, references });
    seen.set(key, value);
  }
  return { entries, errors };
}

function findClosingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

function truncate(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
