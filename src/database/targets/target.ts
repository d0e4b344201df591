/** A database the checks run against: the operator's (remote) or a throw-away sandbox. */
import type pg from 'pg';
import { openConnection, type ConnectResult, type SessionOptions } from '../connection.ts';

export interface DatabaseTarget {
  kind: 'remote' | 'container' | 'embedded';
  /** For people: what it is, never a password. */
  describe(): string;
  /** The connection URL (a secret: it holds the password). */
  url(database?: string): string;
  connect(options?: Partial<SessionOptions> & { database?: string }): Promise<ConnectResult>;
  stop(): Promise<void>;
}

/** Sandboxes are written freely; each replay gets its own database. */
export interface Sandbox extends DatabaseTarget {
  kind: 'container' | 'embedded';
  /** Creates an empty database and returns a connected client to it (read-write). */
  freshDatabase(prefix?: string): Promise<{ client: pg.Client; name: string; drop(): Promise<void> }>;
  /** Server major version, e.g. 15. */
  majorVersion(): Promise<number>;
}

export const SANDBOX_SESSION: SessionOptions = { statementTimeoutMs: 120_000, lockTimeoutMs: 30_000, readOnly: false, applicationName: 'openwebui-preflight-sandbox' };

/** Shared implementation of freshDatabase for servers reachable by URL with a superuser. */
export async function createFreshDatabase(target: DatabaseTarget, prefix = 'preflight'): Promise<{ client: pg.Client; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await target.connect({ ...SANDBOX_SESSION, database: 'postgres' });
  if (!admin.ok) throw new Error(`cannot connect to the sandbox: ${admin.failure.kind}: ${admin.failure.detail}`);
  try {
    await admin.client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.client.end().catch(() => {});
  }
  const conn = await target.connect({ ...SANDBOX_SESSION, database: name });
  if (!conn.ok) throw new Error(`cannot connect to the sandbox database: ${conn.failure.kind}`);
  return {
    client: conn.client,
    name,
    async drop() {
      await conn.client.end().catch(() => {});
      const again = await target.connect({ ...SANDBOX_SESSION, database: 'postgres' });
      if (!again.ok) return;
      try {
        await again.client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await again.client.end().catch(() => {});
      }
    },
  };
}

/** Replaces the database name in a postgresql:// URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export async function connectUrl(url: string, options: Partial<SessionOptions> & { database?: string }, defaults: SessionOptions): Promise<ConnectResult> {
  return openConnection(options.database ? withDatabase(url, options.database) : url, { ...defaults, ...options });
}

/** What every sandbox reachable by a superuser URL shares; subclasses start and stop the server. */
export abstract class UrlSandbox implements Sandbox {
  abstract readonly kind: 'container' | 'embedded';
  protected constructor(protected readonly baseUrl: string) {}
  abstract describe(): string;
  abstract stop(): Promise<void>;

  url(): string {
    return this.baseUrl;
  }

  connect(options: Partial<SessionOptions> & { database?: string } = {}) {
    return connectUrl(this.baseUrl, options, SANDBOX_SESSION);
  }

  freshDatabase(prefix?: string) {
    return createFreshDatabase(this, prefix);
  }

  async majorVersion(): Promise<number> {
    const c = await this.connect();
    if (!c.ok) throw new Error(c.failure.detail);
    try {
      return Math.floor(Number((await c.client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
    } finally {
      await c.client.end();
    }
  }
}
