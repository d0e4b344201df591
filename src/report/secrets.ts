/**
 * Every secret the run learns (database password, encryption keys) is registered here before
 * anything can print it. Each registered value also masks its derived forms: URL-encoded, base64 and
 * base64url of its bytes, so a password inside a URL or a key inside a header stays hidden.
 */
export const MASK = '***';

/** Shorter values would mask ordinary words; GitHub's own masker has a similar floor. */
const MIN_SECRET_LENGTH = 4;

export function derivedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    // Python's quote_plus and HTML forms write spaces as '+'.
    encodeURIComponent(secret).replace(/%20/g, '+'),
    encodeURI(secret),
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

export class SecretRegistry {
  private readonly forms = new Set<string>();
  private readonly listeners: Array<(form: string) => void> = [];
  private pattern: RegExp | undefined;

  /** Called for every new form, e.g. core.setSecret in the action. */
  onNewForm(listener: (form: string) => void): void {
    this.listeners.push(listener);
    for (const f of this.forms) listener(f);
  }

  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    for (const form of derivedForms(secret)) {
      if (this.forms.has(form)) continue;
      this.forms.add(form);
      this.pattern = undefined;
      for (const l of this.listeners) l(form);
    }
  }

  get size(): number {
    return this.forms.size;
  }

  /** Replaces every registered form in the text, longest first so no fragment survives. */
  mask(text: string): string {
    if (this.forms.size === 0) return text;
    if (!this.pattern) {
      const escaped = [...this.forms].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp(escaped.join('|'), 'g');
    }
    return text.replace(this.pattern, MASK);
  }

  /** Masks every string inside a JSON-like value. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.maskDeep(v);
      return out as T;
    }
    return value;
  }
}
