/** Engine steps for the target database (read-only connection and snapshot) and the sandbox. */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RunContext, Step } from '../engine.ts';
import { finding } from '../findings/finding.ts';
import { isPostgres, parseDatabaseUrl, resolveDatabaseUrl } from '../openwebui/database-url.ts';
import { connectionFinding } from './errors.ts';
import { summariseSnapshot, takeSnapshot, type SchemaSnapshot } from './snapshot.ts';
import { startSandbox } from './targets/factory.ts';
import { RemoteTarget } from './targets/remote.ts';
import type { Sandbox } from './targets/target.ts';

export interface TargetState {
  target: RemoteTarget;
  client: pg.Client;
  snapshot: SchemaSnapshot;
  majorVersion: number;
}

/** What the database steps leave for later steps. */
const targets = new WeakMap<RunContext, TargetState>();
const sandboxes = new WeakMap<RunContext, Sandbox>();
export const targetOf = (ctx: RunContext) => targets.get(ctx);
export const sandboxOf = (ctx: RunContext) => sandboxes.get(ctx);

/** The target URL: the input, else (use-config-database) the first unit's PostgreSQL URL. */
export function targetUrl(ctx: RunContext): { url: string; schema?: string; source: string } | undefined {
  const schema = ctx.settings.databaseSchema;
  if (ctx.settings.databaseUrl) return { url: ctx.settings.databaseUrl, source: 'input database-url', ...(schema ? { schema } : {}) };
  if (!ctx.settings.useConfigDatabase) return undefined;
  for (const unit of ctx.scan?.units ?? []) {
    const resolved = resolveDatabaseUrl((n) => unit.env.get(n)?.value);
    const parsed = parseDatabaseUrl(resolved.url);
    if (resolved.source !== 'default-sqlite' && parsed.ok && isPostgres(parsed.url)) {
      const unitSchema = schema ?? unit.env.get('DATABASE_SCHEMA')?.value;
      return { url: resolved.url, source: `DATABASE_URL of ${unit.name}`, ...(unitSchema ? { schema: unitSchema } : {}) };
    }
  }
  return undefined;
}

export const targetStep: Step = {
  name: 'Connect to the target database (read-only)',
  neededBy: ['database', 'migrations', 'drift', 'oauth'],
  async run(ctx) {
    const wanted = targetUrl(ctx);
    if (!wanted) {
      ctx.io.progress.info('No target database (input database-url, or use-config-database: true): only the configuration and a sandbox are checked.');
      return;
    }
    const target = new RemoteTarget(wanted.url, {
      statementTimeoutMs: ctx.settings.statementTimeoutMs,
      lockTimeoutMs: ctx.settings.lockTimeoutMs,
      readOnly: true,
      applicationName: 'openwebui-preflight',
      ...(wanted.schema ? { schema: wanted.schema } : {}),
    });
    ctx.io.progress.info(`Target: ${target.describe()} (${wanted.source})`);
    const conn = await target.connect();
    if (!conn.ok) {
      ctx.findings.push(connectionFinding(conn.failure, conn.where));
      ctx.report.database = { target: target.describe(), connected: false, cause: conn.failure.kind };
      return;
    }
    ctx.cleanup.add('target connection', () => conn.client.end());
    try {
      const version = Number((await conn.client.query('SHOW server_version_num')).rows[0].server_version_num);
      const snapshot = await takeSnapshot(conn.client, wanted.schema);
      targets.set(ctx, { target, client: conn.client, snapshot, majorVersion: Math.floor(version / 10000) });
      ctx.report.database = { target: target.describe(), connected: true, serverVersion: version, readOnly: true, snapshot: summariseSnapshot(snapshot) };
    } catch (error) {
      const { classifyError } = await import('./errors.ts');
      ctx.findings.push(connectionFinding(classifyError(error), conn.where));
    }
  },
};

export const sandboxStep: Step = {
  name: 'Start a sandbox PostgreSQL',
  neededBy: ['oauth', 'migrations'],
  async run(ctx) {
    if (ctx.settings.sandbox === 'none') return;
    const target = targets.get(ctx);
    const runId = randomUUID();
    ctx.io.saveCleanupState?.('run-id', runId);
    const dataDirs: string[] = [];
    const started = await startSandbox({
      mode: ctx.settings.sandbox === 'auto' ? 'auto' : ctx.settings.sandbox,
      ...(ctx.settings.postgresImage ? { image: ctx.settings.postgresImage } : {}),
      ...(target ? { targetMajor: target.majorVersion } : {}),
      runId,
      log: (m) => ctx.io.progress.info(m),
      onResource: (kind, id) => {
        if (kind === 'data-dir') {
          dataDirs.push(id);
          ctx.io.saveCleanupState?.('embedded-data-dirs', dataDirs.join('\n'));
        }
      },
    });
    if (!started.ok) {
      ctx.findings.push(started.finding);
      return;
    }
    sandboxes.set(ctx, started.sandbox);
    ctx.cleanup.add('sandbox', () => started.sandbox.stop());
    ctx.report.database = { ...(ctx.report.database ?? {}), sandbox: { kind: started.sandbox.kind, description: started.sandbox.describe(), runId } };
    ctx.findings.push(finding('sandbox/started', { message: `Sandbox: ${started.sandbox.describe()}.` }));
  },
};
