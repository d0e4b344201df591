/**
 * From an Open WebUI-style URL (postgres://, postgresql+psycopg2://, percent-encoded credentials,
 * libpq sslmode/sslrootcert…) to a node-postgres configuration. Session settings are sent as startup
 * options, so they cover every statement of the session from the first one.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { isPostgres, parseDatabaseUrl, type ParsedDatabaseUrl } from '../openwebui/database-url.ts';
import { classifyError, type ClassifiedFailure } from './errors.ts';

export interface SessionOptions {
  schema?: string;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  /** Every transaction read-only unless it says READ WRITE (which this tool never does on a read-only target). */
  readOnly: boolean;
  applicationName?: string;
  connectTimeoutMs?: number;
}

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface ResolvedConnection {
  config: pg.ClientConfig;
  sslmode: SslMode;
  /** user@host:port/db for messages; never the password. */
  where: string;
}

function quoteOption(value: string): string {
  // libpq options: spaces and backslashes escaped with a backslash.
  return value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
}

export function sessionStartupOptions(o: SessionOptions): string {
  const opts = [`-c statement_timeout=${o.statementTimeoutMs}`, `-c lock_timeout=${o.lockTimeoutMs}`, `-c idle_in_transaction_session_timeout=${Math.max(o.statementTimeoutMs * 2, 60_000)}`];
  if (o.readOnly) opts.push('-c default_transaction_read_only=on');
  if (o.schema) opts.push(`-c search_path=${quoteOption(`"${o.schema.replace(/"/g, '""')}"`)}`);
  return opts.join(' ');
}

export function describeWhere(url: ParsedDatabaseUrl): string {
  return `${url.user ? `${url.user}@` : ''}${url.host ?? 'localhost'}:${url.port ?? 5432}/${url.database ?? url.user ?? ''}`;
}

export class ConnectionConfigError extends Error {
  override name = 'ConnectionConfigError';
}

export function toClientConfig(rawUrl: string, options: SessionOptions): ResolvedConnection {
  // Open WebUI rewrites postgres:// before use; so do we.
  const parsed = parseDatabaseUrl(rawUrl.split('postgres://').join('postgresql://'));
  if (!parsed.ok) throw new ConnectionConfigError(`the URL cannot be parsed: ${parsed.reason}; expected ${parsed.expected}`);
  const url = parsed.url;
  if (!isPostgres(url)) throw new ConnectionConfigError(`the URL is for ${url.dialect}, not PostgreSQL`);
  const q = new Map(url.query.map(([k, v]) => [k.toLowerCase(), v]));
  let sslmode = (q.get('sslmode') ?? '').toLowerCase() as SslMode | '';
  const asyncpgSsl = q.get('ssl')?.toLowerCase();
  if (!sslmode && asyncpgSsl) sslmode = asyncpgSsl === 'true' || asyncpgSsl === 'require' ? 'require' : asyncpgSsl === 'false' || asyncpgSsl === 'disable' ? 'disable' : (asyncpgSsl as SslMode);
  if (!sslmode) sslmode = 'prefer';
  if (!['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw new ConnectionConfigError(`sslmode '${sslmode}' is not one of disable, allow, prefer, require, verify-ca, verify-full`);
  }
  const readFile = (name: string) => {
    const p = q.get(name);
    if (!p) return undefined;
    try {
      return readFileSync(p, 'utf8');
    } catch {
      throw new ConnectionConfigError(`${name}=${p} cannot be read on this runner`);
    }
  };
  const host = url.host ?? 'localhost';
  const config: pg.ClientConfig = {
    host,
    port: url.port ?? 5432,
    database: url.database ?? url.user ?? 'postgres',
    application_name: q.get('application_name') ?? options.applicationName ?? 'openwebui-preflight',
    options: [sessionStartupOptions(options), q.get('options') ?? ''].filter(Boolean).join(' '),
    connectionTimeoutMillis: (Number(q.get('connect_timeout')) || 0) * 1000 || options.connectTimeoutMs || 10_000,
  };
  if (url.user !== undefined) config.user = url.user;
  if (url.password !== undefined) config.password = url.password;
  if (sslmode !== 'disable' && sslmode !== 'allow') {
    const ca = readFile('sslrootcert');
    const cert = readFile('sslcert');
    const key = readFile('sslkey');
    // libpq: require with a root certificate behaves like verify-ca.
    const verify = sslmode === 'verify-ca' || sslmode === 'verify-full' || (sslmode === 'require' && ca !== undefined);
    const ssl: ConnectionOptions = { rejectUnauthorized: verify, servername: /^[\d.:]+$/.test(host) ? undefined : host };
    if (ca) ssl.ca = ca;
    if (cert) ssl.cert = cert;
    if (key) ssl.key = key;
    if (verify && sslmode !== 'verify-full') ssl.checkServerIdentity = () => undefined;
    config.ssl = ssl;
  }
  return { config, sslmode, where: describeWhere(url) };
}

export type ConnectResult = { ok: true; client: pg.Client; where: string } | { ok: false; failure: ClassifiedFailure; where: string };

/** Connects, following libpq's prefer/allow fallbacks, and classifies failures instead of throwing. */
export async function openConnection(rawUrl: string, options: SessionOptions): Promise<ConnectResult> {
  let resolved: ResolvedConnection;
  try {
    resolved = toClientConfig(rawUrl, options);
  } catch (error) {
    return { ok: false, failure: { kind: 'invalid-url', detail: (error as Error).message }, where: '(the URL)' };
  }
  const attempts: pg.ClientConfig[] = [resolved.config];
  if (resolved.sslmode === 'prefer') attempts.push({ ...resolved.config, ssl: false });
  if (resolved.sslmode === 'allow') attempts.push({ ...resolved.config, ssl: { rejectUnauthorized: false } });
  let last: unknown;
  for (const config of attempts) {
    const client = new pg.Client(config);
    // An idle client whose server goes away emits 'error'; never let that crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      return { ok: true, client, where: resolved.where };
    } catch (error) {
      last = error;
      await client.end().catch(() => {});
      const kind = classifyError(error).kind;
      if (kind !== 'tls-failed' && kind !== 'tls-required') break;
    }
  }
  return { ok: false, failure: classifyError(last), where: resolved.where };
}
