/**
 * Compose-style variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal dollar.
 * Lookups that fail are reported, so the caller can tell "unset" from "supplied at deploy time".
 */
export type VariableLookup = (name: string) => string | undefined;

export interface InterpolationResult {
  value: string;
  /** Every variable the text refers to. */
  references: string[];
  /** Variables that were needed and not found (no default applied). */
  missing: Array<{ name: string; required: boolean; message?: string }>;
  /** Variables that were not set, so the default written in the text was used. */
  defaulted: string[];
  /** A `${` that never closes, or a bad name inside braces. */
  error?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, lookup: VariableLookup): InterpolationResult {
  const references: string[] = [];
  const missing: InterpolationResult['missing'] = [];
  const defaulted: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = findClosingBrace(text, i + 2);
      if (close < 0) return { value: out + text.slice(i), references, missing, defaulted, error: `unclosed '\${' at character ${i + 1}` };
      const body = text.slice(i + 2, close);
      const nameMatch = NAME.exec(body);
      if (!nameMatch) return { value: out + text.slice(i), references, missing, defaulted, error: `invalid variable name in '\${${body}}'` };
      const name = nameMatch[0];
      references.push(name);
      const rest = body.slice(name.length);
      const value = lookup(name);
      const op = /^(:?[-?+])/.exec(rest)?.[1];
      const arg = op ? rest.slice(op.length) : '';
      if (!op && rest !== '') return { value: out + text.slice(i), references, missing, defaulted, error: `unsupported expression '\${${body}}'` };
      const emptyCounts = op?.startsWith(':') ?? false;
      const isSet = value !== undefined && (!emptyCounts || value !== '');
      // Defaults may themselves contain variables.
      const nested = (s: string) => {
        const r = interpolate(s, lookup);
        references.push(...r.references);
        missing.push(...r.missing);
        defaulted.push(...r.defaulted);
        return r.value;
      };
      switch (op) {
        case undefined:
          if (value === undefined) missing.push({ name, required: false });
          out += value ?? '';
          break;
        case '-':
        case ':-':
          if (!isSet) defaulted.push(name);
          out += isSet ? value! : nested(arg);
          break;
        case '?':
        case ':?':
          if (!isSet) missing.push({ name, required: true, message: arg || undefined });
          out += value ?? '';
          break;
        case '+':
        case ':+':
          out += isSet ? nested(arg) : '';
          break;
      }
      i = close + 1;
      continue;
    }
    const bare = NAME.exec(text.slice(i + 1));
    if (bare) {
      const name = bare[0];
      references.push(name);
      const value = lookup(name);
      if (value === undefined) missing.push({ name, required: false });
      out += value ?? '';
      i += 1 + name.length;
      continue;
    }
    out += '$';
    i++;
  }
  return { value: out, references, missing, defaulted };
}

function findClosingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '$' && text[j + 1] === '{') {
      depth++;
      j++;
    } else if (text[j] === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}
