/**
 * systemd unit files and drop-ins: `[Section]`, `Key=Value`, `#`/`;` comments, `\` line
 * continuation. Only what decides a process's environment is interpreted: Environment= (several
 * quoted assignments per line; an empty assignment resets the list), EnvironmentFile= (optional
 * with a leading `-`), and ExecStart= to recognise Open WebUI.
 */
export interface UnitDirective {
  section: string;
  key: string;
  value: string;
  line: number;
  /** 1-based column where the value starts. */
  column: number;
}

export interface UnitSyntaxError {
  message: string;
  line: number;
  column: number;
}

export interface ParsedUnitFile {
  directives: UnitDirective[];
  errors: UnitSyntaxError[];
}

export function parseUnitFile(source: string): ParsedUnitFile {
  const lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const directives: UnitDirective[] = [];
  const errors: UnitSyntaxError[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      const m = /^\[([^\]]+)\]$/.exec(trimmed);
      if (!m) errors.push({ message: `malformed section header '${trimmed.slice(0, 40)}'`, line: lineNo, column: raw.indexOf('[') + 1 });
      else section = m[1]!;
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq < 0) {
      errors.push({ message: `expected Key=Value, found '${trimmed.slice(0, 40)}'`, line: lineNo, column: raw.length - raw.trimStart().length + 1 });
      continue;
    }
    const key = raw.slice(0, eq).trim();
    let valueStart = eq + 1;
    while (raw[valueStart] === ' ' || raw[valueStart] === '\t') valueStart++;
    let value = raw.slice(valueStart);
    // A trailing backslash joins the next line (replaced by a space, as systemd does).
    while (/\\$/.test(value) && i + 1 < lines.length) {
      i++;
      value = value.slice(0, -1) + ' ' + lines[i]!.trim();
    }
    raw = value;
    directives.push({ section, key, value: value.trimEnd(), line: lineNo, column: valueStart + 1 });
  }
  return { directives, errors };
}

export interface EnvironmentAssignment {
  key: string;
  value: string;
  /** Offset of the assignment within the directive's value, to compute its column. */
  offset: number;
}

/**
 * Splits an Environment= value into assignments. Words are separated by whitespace; double or
 * single quotes group a word (`"A=b c"`), and backslash escapes the next character inside double quotes.
 */
export function splitEnvironmentValue(value: string): { assignments: EnvironmentAssignment[]; error?: string } {
  const assignments: EnvironmentAssignment[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (i >= value.length) break;
    const start = i;
    let word = '';
    while (i < value.length && !/\s/.test(value[i]!)) {
      const c = value[i]!;
      if (c === '"' || c === "'") {
        const close = findClose(value, i + 1, c);
        if (close < 0) return { assignments, error: `unterminated ${c === '"' ? 'double' : 'single'} quote at character ${i + 1}` };
        const inner = value.slice(i + 1, close);
        word += c === '"' ? inner.replace(/\\(.)/g, '$1') : inner;
        i = close + 1;
      } else if (c === '\\' && i + 1 < value.length) {
        word += value[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
    }
    const eq = word.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, eq))) {
      return { assignments, error: `'${word.slice(0, 40)}' is not a VAR=value assignment` };
    }
    assignments.push({ key: word.slice(0, eq), value: word.slice(eq + 1), offset: start });
  }
  return { assignments };
}

function findClose(s: string, from: number, quote: string): number {
  for (let j = from; j < s.length; j++) {
    if (quote === '"' && s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === quote) return j;
  }
  return -1;
}

/** Whether an ExecStart= line starts Open WebUI (pip install, source checkout, or the container). */
export function execStartRunsOpenWebUI(command: string): boolean {
  return /(^|[\s/])open-webui(\s+serve\b|\s|$)|open_webui\.main|open-webui\/open-webui|backend\/start\.sh/.test(command);
}
