/**
 * The local PostgreSQL cluster started by scripts/ci/postgres.sh (scram-sha-256, TLS). Tests ask
 * for it here; outside `npm run test:ci` the script is run on demand (as root).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const STATE = process.env.PREFLIGHT_STATE_DIR ?? '/var/tmp/openwebui-preflight';

export interface TargetServer {
  url: string;
  ca: string;
  log: string;
  host: string;
  port: number;
}

function loadEnvFile(): void {
  const file = path.join(STATE, 'env.sh');
  if (!existsSync(file)) return;
  for (const m of readFileSync(file, 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)) process.env[m[1]!] ??= m[2]!;
}

export function requireTargetServer(): TargetServer {
  if (!process.env.PREFLIGHT_TEST_PG_URL) {
    loadEnvFile();
    if (!process.env.PREFLIGHT_TEST_PG_URL) {
      if (process.env.PREFLIGHT_REQUIRE_SERVICES === '1') throw new Error('PREFLIGHT_TEST_PG_URL is not set: scripts/ci/postgres.sh did not run');
      execFileSync('bash', [path.resolve(import.meta.dirname, '../../scripts/ci/postgres.sh')], { stdio: 'inherit' });
      loadEnvFile();
    }
  }
  const url = process.env.PREFLIGHT_TEST_PG_URL!;
  const u = new URL(url);
  return { url, ca: process.env.PREFLIGHT_TEST_PG_CA!, log: process.env.PREFLIGHT_TEST_PG_LOG!, host: u.hostname, port: Number(u.port) };
}

export function urlFor(database: string, server = requireTargetServer(), user?: { name: string; password: string }): string {
  const u = new URL(server.url);
  u.pathname = `/${database}`;
  if (user) {
    u.username = encodeURIComponent(user.name);
    u.password = encodeURIComponent(user.password);
  }
  return u.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: urlFor(database), ssl: false });
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

export interface TempDatabase {
  name: string;
  url: string;
  /** A superuser client to set the database up. */
  client: pg.Client;
  drop(): Promise<void>;
}

export async function createTempDatabase(prefix = 't'): Promise<TempDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const client = new pg.Client({ connectionString: urlFor(name), ssl: false });
  client.on('error', () => {});
  await client.connect();
  return {
    name,
    url: urlFor(name),
    client,
    async drop() {
      await client.end().catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function withTempDatabase<T>(fn: (db: TempDatabase) => Promise<T>, prefix?: string): Promise<T> {
  const db = await createTempDatabase(prefix);
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

/** Server log lines written while `fn` runs (for log_statement proofs). */
export async function serverLogDuring(fn: () => Promise<void>, server = requireTargetServer()): Promise<string[]> {
  const before = existsSync(server.log) ? readFileSync(server.log).length : 0;
  await fn();
  await new Promise((r) => setTimeout(r, 300));
  return readFileSync(server.log).subarray(before).toString('utf8').split('\n');
}
