/**
 * How Open WebUI turns its environment into a database URL (env.py), and how that URL is split.
 * Parsing follows SQLAlchemy's URL grammar, which is what the running app uses; where Peewee's
 * urlparse-based reading differs, callers are told through `ambiguities`.
 */

/** The component variables env.py joins into a URL. */
export const DATABASE_COMPONENTS = ['DATABASE_TYPE', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME'] as const;
export type DatabaseComponent = (typeof DATABASE_COMPONENTS)[number];

export type EnvLookup = (name: string) => string | undefined;

export interface ResolvedDatabaseUrl {
  /** The URL the application uses, after the component override and the postgres:// rewrite. */
  url: string;
  source: 'components' | 'DATABASE_URL' | 'default-sqlite';
  /** DATABASE_URL was set and non-empty but the components replaced it. */
  componentsOverrodeUrl: boolean;
  /** Components that are set (non-empty); when some but not all are, env.py ignores them all. */
  componentsSet: DatabaseComponent[];
  /** The postgres:// → postgresql:// rewrite changed the URL. */
  postgresSchemeRewritten: boolean;
}

const nonEmpty = (v: string | undefined): v is string => v !== undefined && v !== '';

/**
 * env.py: the components win over DATABASE_URL when TYPE, credentials (USER and/or PASSWORD),
 * HOST, PORT and NAME are all non-empty; nothing is URL-encoded; then every `postgres://` substring
 * becomes `postgresql://`. A missing URL silently means SQLite in DATA_DIR.
 */
export function resolveDatabaseUrl(env: EnvLookup): ResolvedDatabaseUrl {
  const get = (n: string) => env(n);
  const componentsSet = DATABASE_COMPONENTS.filter((c) => nonEmpty(get(c)));
  const user = get('DATABASE_USER') ?? '';
  const password = get('DATABASE_PASSWORD') ?? '';
  let cred = user;
  if (password !== '') cred += `:${password}`;
  const type = get('DATABASE_TYPE');
  const host = get('DATABASE_HOST');
  const port = get('DATABASE_PORT');
  const name = get('DATABASE_NAME');
  const explicitUrl = get('DATABASE_URL');

  let url: string;
  let source: ResolvedDatabaseUrl['source'];
  let componentsOverrodeUrl = false;
  if (nonEmpty(type) && cred !== '' && nonEmpty(host) && nonEmpty(port) && nonEmpty(name)) {
    url = `${type}://${cred}@${host}:${port}/${name}`;
    source = 'components';
    componentsOverrodeUrl = nonEmpty(explicitUrl);
  } else if (explicitUrl !== undefined) {
    // An explicitly empty DATABASE_URL is used as is (and fails later); only unset means SQLite.
    url = explicitUrl;
    source = 'DATABASE_URL';
  } else {
    const dataDir = get('DATA_DIR') ?? '/app/backend/data';
    url = `sqlite:///${dataDir.replace(/^\/+/, '/')}/webui.db`;
    source = 'default-sqlite';
  }
  const rewritten = url.split('postgres://').join('postgresql://');
  return { url: rewritten, source, componentsOverrodeUrl, componentsSet, postgresSchemeRewritten: rewritten !== url };
}

export interface ParsedDatabaseUrl {
  raw: string;
  /** Full scheme, e.g. `postgresql+psycopg2`. */
  scheme: string;
  /** Part before `+`: postgresql, postgres, sqlite, mysql … */
  dialect: string;
  /** Part after `+`, if any: psycopg2, asyncpg, pool … */
  driver?: string;
  /** Decoded user name. */
  user?: string;
  /** Decoded password (a secret). */
  password?: string;
  /** Password exactly as written in the URL (a secret). */
  rawPassword?: string;
  host?: string;
  port?: number;
  /** Decoded database name. */
  database?: string;
  query: Array<[string, string]>;
  /** Reasons the URL may not mean what the operator intended (e.g. unencoded reserved characters). */
  ambiguities: string[];
}

export type ParseResult = { ok: true; url: ParsedDatabaseUrl } | { ok: false; reason: string; expected: string };

export const EXPECTED_URL_FORM = 'postgresql://USER:URL-ENCODED-PASSWORD@HOST:5432/DATABASE';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Characters that must be percent-encoded inside the password of a URL. */
export const RESERVED_IN_PASSWORD = /[@:/?#[\]% ]/;

/** True when every `%` in the text starts a valid %XX escape. */
export function isPercentEncodingValid(s: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(s);
}

export function parseDatabaseUrl(raw: string): ParseResult {
  const text = raw.trim();
  const schemeMatch = /^([A-Za-z][\w+.-]*):\/\//.exec(text);
  if (!schemeMatch) {
    return { ok: false, reason: 'it does not start with a scheme such as postgresql://', expected: EXPECTED_URL_FORM };
  }
  const scheme = schemeMatch[1]!;
  const [dialect, driver] = scheme.split('+', 2) as [string, string | undefined];
  let rest = text.slice(schemeMatch[0].length);
  const ambiguities: string[] = [];

  let queryText = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    queryText = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  // SQLAlchemy: the netloc ends at the first '/', the credentials at the first '@' after ':'.
  const slash = rest.indexOf('/');
  const netloc = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : undefined;

  const url: ParsedDatabaseUrl = { raw, scheme, dialect: dialect.toLowerCase(), query: [], ambiguities };
  if (driver) url.driver = driver.toLowerCase();

  let hostPart = netloc;
  // With several '@', SQLAlchemy splits at the first and Peewee's urlparse at the last. The last is
  // what the operator meant (an unencoded '@' in the password): use it, so the password is masked
  // whole and the host shown is the real one, and record the ambiguity.
  const at = netloc.lastIndexOf('@');
  if (at >= 0) {
    const cred = netloc.slice(0, at);
    hostPart = netloc.slice(at + 1);
    const colon = cred.indexOf(':');
    const rawUser = colon >= 0 ? cred.slice(0, colon) : cred;
    if (rawUser !== '') url.user = safeDecode(rawUser);
    if (colon >= 0) {
      url.rawPassword = cred.slice(colon + 1);
      url.password = safeDecode(url.rawPassword);
      if (!isPercentEncodingValid(url.rawPassword)) ambiguities.push('the password has a % that is not a %XX escape');
    }
    if (cred.indexOf('@') >= 0) ambiguities.push("the credentials contain an unencoded '@'");
  }
  if (/[#]/.test(netloc)) ambiguities.push("the URL contains an unencoded '#'");

  // Host and port: [v6]:port or host:port.
  let hostText = hostPart;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPart);
  if (v6) {
    hostText = v6[1]!;
    portText = v6[2];
  } else {
    const c = hostPart.lastIndexOf(':');
    if (c >= 0) {
      hostText = hostPart.slice(0, c);
      portText = hostPart.slice(c + 1);
    }
  }
  if (hostText !== '') url.host = hostText;
  if (portText !== undefined && portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
      return { ok: false, reason: `the port '${portText}' is not a number from 1 to 65535`, expected: EXPECTED_URL_FORM };
    }
    url.port = Number(portText);
  }
  if (url.host && /[@/?#:]/.test(url.host)) {
    return { ok: false, reason: `the host '${url.host}' contains characters a host cannot have`, expected: EXPECTED_URL_FORM };
  }
  if (path !== undefined && path !== '') url.database = safeDecode(path);
  if (queryText !== '') {
    for (const pair of queryText.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = safeDecode(eq >= 0 ? pair.slice(0, eq) : pair);
      const value = safeDecode(eq >= 0 ? pair.slice(eq + 1) : '');
      url.query.push([key, value]);
    }
  }
  return { ok: true, url };
}

/** Whether the dialect is PostgreSQL as SQLAlchemy names it (postgres is rewritten before use). */
export function isPostgres(url: ParsedDatabaseUrl): boolean {
  return url.dialect === 'postgresql' || url.dialect === 'postgres';
}

/**
 * Peewee's playhouse.db_url accepts these schemes (after Open WebUI turns postgresql:// into
 * postgres://). Anything else makes the ≤0.9.5 Peewee step fail with "Unrecognized or unsupported scheme".
 */
export const PEEWEE_POSTGRES_SCHEMES = new Set(['postgres', 'postgresql', 'postgres+pool', 'postgresql+pool', 'postgresext', 'postgresqlext', 'postgresext+pool', 'postgresqlext+pool', 'psycopg3', 'psycopg3+pool']);

/** The URL with the password replaced, safe to print. */
export function redactUrl(url: ParsedDatabaseUrl, mask = '***'): string {
  const cred = url.user !== undefined || url.rawPassword !== undefined ? `${encodeURIComponent(url.user ?? '')}${url.rawPassword !== undefined ? `:${mask}` : ''}@` : '';
  const host = url.host ? (url.host.includes(':') ? `[${url.host}]` : url.host) : '';
  const port = url.port !== undefined ? `:${url.port}` : '';
  const db = url.database !== undefined ? `/${encodeURIComponent(url.database)}` : '';
  const query = url.query.length ? `?${url.query.map(([k, v]) => `${k}=${k.toLowerCase().includes('password') ? mask : v}`).join('&')}` : '';
  return `${url.scheme}://${cred}${host}${port}${db}${query}`;
}

/**
 * The widest text that may be the password: from the first ':' after the user to the LAST '@' of
 * the URL. When the password has unencoded '/', '?' or '#', parsers cut it short and treat the rest
 * as host or path; this candidate still covers all of it, so it can be masked and diagnosed whole.
 */
export function widestPasswordCandidate(raw: string): string | undefined {
  const m = /^[A-Za-z][\w+.-]*:\/\/(.*)$/s.exec(raw.trim());
  if (!m) return undefined;
  const rest = m[1]!;
  const at = rest.lastIndexOf('@');
  if (at < 0) return undefined;
  const colon = rest.indexOf(':');
  if (colon < 0 || colon > at) return undefined;
  return rest.slice(colon + 1, at);
}
