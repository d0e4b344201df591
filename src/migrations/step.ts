/** Engine steps for checklist section 4: pending migrations, replay with conflicts and verified remedies, drift. */
import type pg from 'pg';
import { cloneSnapshot } from '../database/clone.ts';
import { diffSnapshots, summariseDiff } from '../database/diff.ts';
import { classifyError, connectionFinding } from '../database/errors.ts';
import { takeSnapshot, type SchemaSnapshot } from '../database/snapshot.ts';
import { sandboxOf, targetOf } from '../database/step.ts';
import type { Sandbox } from '../database/targets/target.ts';
import type { RunContext, Step } from '../engine.ts';
import { finding } from '../findings/finding.ts';
import { catalogSchema, chooseRelease, describeMigration, type Release } from './catalog.ts';
import { detectDrift } from './drift.ts';
import { remediesFor, type Remedy } from './remedies.ts';
import { migrationLabel, replay, type ReplayFailure } from './replay.ts';
import { databaseState, pendingChain, type DatabaseState, type PendingChain } from './state.ts';

const EMPTY: SchemaSnapshot = { schema: 'public', tables: [], sequences: [], openwebui: { migratehistory: null, alembicVersion: null, peeweeMigrate: null } };

interface Prepared {
  client: pg.Client;
  drop(): Promise<void>;
}
const replayed = new WeakMap<RunContext, Prepared>();
const releases = new WeakMap<RunContext, Release>();

/** The release to check against: input, else an image tag of the repository, else the newest. */
export function releaseFor(ctx: RunContext): Release {
  let release = releases.get(ctx);
  if (release) return release;
  const tag = ctx.scan?.units.find((u) => u.openwebuiVersion)?.openwebuiVersion;
  const requested = ctx.settings.openwebuiVersion ?? tag;
  const chosen = chooseRelease(requested, ctx.settings.openwebuiVersion ? 'input' : 'image-tag');
  release = chosen.release;
  if (chosen.finding) ctx.findings.push(chosen.finding);
  releases.set(ctx, release);
  ctx.release = release.version;
  ctx.report.openwebuiVersion = { version: release.version, source: chosen.finding ? 'nearest-known' : ctx.settings.openwebuiVersion ? 'input' : tag ? 'image-tag' : 'catalog-newest' };
  return release;
}

async function replayInto(sandbox: Sandbox, base: SchemaSnapshot, release: Release, extraSql: string[] = []): Promise<{ db: Prepared; failure?: ReplayFailure; state: DatabaseState }> {
  const db = await sandbox.freshDatabase('replay');
  try {
    if (base.tables.length) await cloneSnapshot(db.client, base);
    for (const sql of extraSql) await db.client.query(sql);
    const state = databaseState(await takeSnapshot(db.client));
    const result = await replay(db.client, release, pendingChain(state, release), state.lineage);
    return { db, state, ...(result.failure ? { failure: result.failure } : {}) };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** What a replayed database leaves different from a normal install of the release (the closer of fresh and lineage). */
async function differenceFromNormal(client: pg.Client, release: Release): Promise<string[]> {
  const actual = await takeSnapshot(client);
  const options = (['fresh', 'lineage'] as const).map((k) => diffSnapshots(catalogSchema(release.version, k), actual, { ignore: (i) => i.table === 'migratehistory' }));
  const best = options.sort((a, b) => a.items.length - b.items.length)[0]!;
  return summariseDiff(best, 8, 4);
}

interface VerifiedRemedy extends Remedy {
  outcome: 'clean start' | string;
  leavesDifferent: string[];
}

export const migrationStep: Step = {
  name: 'Simulate the migrations of the release',
  neededBy: ['migrations'],
  async run(ctx) {
    const release = releaseFor(ctx);
    const target = targetOf(ctx);
    const base = target?.snapshot ?? EMPTY;
    const state = databaseState(base);
    const chain = pendingChain(state, release);
    const section: Record<string, unknown> = { release: release.version, database: target ? 'target' : 'fresh install', state: { lineage: state.lineage, peeweeDone: state.peeweeDone.length, alembicVersion: state.alembicVersion }, pending: { peewee: chain.peewee, alembic: chain.alembic } };
    ctx.report.migrations = section;

    if (state.peeweeMigrateNames?.length) {
      const missing = state.peeweeMigrateNames.filter((n) => !state.peeweeDone.includes(n));
      if (missing.length) {
        ctx.findings.push(
          finding('migrations/history-table-misnamed', {
            message: `A peewee_migrate table records ${missing.join(', ')}, but Open WebUI reads its Peewee history from migratehistory, which ${state.peeweeDone.length ? 'does not list them' : 'is empty or missing'} — the checklist's INSERT INTO peewee_migrate had no effect. Record them where Open WebUI looks: ${missing.map((n) => `INSERT INTO migratehistory (name, migrated_at) VALUES ('${n}', now());`).join(' ')} then DROP TABLE peewee_migrate;`,
          }),
        );
      }
    }
    if (chain.unknownRevision) {
      ctx.findings.push(finding('migrations/unknown-revision', { message: `alembic_version holds ${chain.unknownRevision}, which no catalogued Open WebUI release (up to ${release.version}) knows: a fork or a hand-made revision. Alembic will fail with "Can't locate revision" and Open WebUI ${release.version} will run without migrating.` }));
      return;
    }
    if (chain.newerThanRelease) {
      ctx.findings.push(finding('migrations/downgrade', { message: `The database was migrated by Open WebUI ${chain.newerThanRelease} or later (alembic_version ${state.alembicVersion}); ${release.version} does not know that revision and does not downgrade. Deploy ${chain.newerThanRelease} or newer, or restore a backup taken before the upgrade.` }));
      return;
    }
    if (target && chain.alembic.includes('f0bd01a18a3d')) {
      try {
        const r = await target.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT lower(email) FROM "user" GROUP BY 1 HAVING count(*) > 1) d`);
        if (r.rows[0]!.n > 0) ctx.findings.push(finding('migrations/data-precondition', { message: `${r.rows[0]!.n} email address${r.rows[0]!.n === 1 ? ' is' : 'es are'} used by several users that differ only by case. Alembic f0bd01a18a3d (0.11.0) refuses to migrate then, so Open WebUI starts on the old schema. Merge or rename those users first (SELECT lower(email), array_agg(id) FROM "user" GROUP BY 1 HAVING count(*) > 1;).` }));
      } catch (error) {
        ctx.findings.push(connectionFinding(classifyError(error), target.target.describe()));
      }
    }
    const total = chain.peewee.length + chain.alembic.length;
    if (total === 0) {
      ctx.findings.push(finding('migrations/up-to-date', { message: `The database is at ${state.alembicVersion ?? 'its head'}: Open WebUI ${release.version} has nothing to migrate.` }));
      return;
    }
    const lines = [...chain.peewee.map((n) => `peewee:${n}`), ...chain.alembic.map((r) => `alembic:${r}`)].map((id) => describeMigration(id, release.version));
    ctx.findings.push(
      finding('migrations/pending', {
        message: `Open WebUI ${release.version} will run ${total} migration${total === 1 ? '' : 's'} at its next start (${chain.peewee.length} Peewee, ${chain.alembic.length} Alembic${chain.alembic.length ? ', in one transaction' : ''}): ${lines.slice(0, 8).join('; ')}${lines.length > 8 ? `; and ${lines.length - 8} more` : ''}.`,
        details: { count: total },
      }),
    );

    const sandbox = sandboxOf(ctx);
    if (!sandbox) ctx.io.progress.info('No sandbox: the pending migrations were listed but not replayed.');
    else await replayInSandbox(ctx, sandbox, base, release, chain, section);
    if (target && ctx.settings.simulateOnTarget === 'rollback') {
      const c = await target.target.connect({ readOnly: false });
      if (!c.ok) ctx.findings.push(connectionFinding(c.failure, c.where));
      else {
        try {
          await c.client.query('BEGIN READ WRITE');
          await c.client.query(`SET LOCAL statement_timeout = ${ctx.settings.statementTimeoutMs}`);
          await c.client.query(`SET LOCAL lock_timeout = ${ctx.settings.lockTimeoutMs}`);
          const onTarget = await replay(c.client, release, chain, state.lineage, undefined, 'savepoints');
          section.simulateOnTarget = onTarget.failure ? { result: 'conflict', failure: onTarget.failure } : { result: 'clean', rolledBack: true };
          if (onTarget.failure) {
            ctx.findings.push(finding('migrations/conflict', { message: `On the target itself (inside a transaction that was rolled back), ${migrationLabel(onTarget.failure.migration)} fails: ${onTarget.failure.message}${onTarget.failure.sqlstate ? ` (SQLSTATE ${onTarget.failure.sqlstate})` : ''}. The target's data is what makes the difference from the sandbox replay.` }));
          }
        } catch (error) {
          ctx.findings.push(connectionFinding(classifyError(error), c.where));
        } finally {
          await c.client.query('ROLLBACK').catch(() => {});
          await c.client.end().catch(() => {});
        }
      }
    }
  },
};


async function replayInSandbox(ctx: RunContext, sandbox: Sandbox, base: SchemaSnapshot, release: Release, chain: PendingChain, section: Record<string, unknown>): Promise<void> {
  const total = chain.peewee.length + chain.alembic.length;
  ctx.io.progress.info(`Replaying ${total} migrations in ${sandbox.describe()}…`);
  const first = await replayInto(sandbox, base, release);
  if (!first.failure) {
    replayed.set(ctx, first.db);
    ctx.cleanup.add('replayed database', () => first.db.drop());
    section.replay = { result: 'clean start', applied: total, sandbox: sandbox.describe() };
  } else {
    await first.db.drop();
    const failure = first.failure;
    const remedies = remediesFor(failure, base);
    const verified: VerifiedRemedy[] = [];
    for (const remedy of remedies) {
      const attempt = await replayInto(sandbox, base, release, remedy.sql);
      try {
        verified.push({ ...remedy, outcome: attempt.failure ? `still fails at ${migrationLabel(attempt.failure.migration)}: ${attempt.failure.message}` : 'clean start', leavesDifferent: attempt.failure ? [] : await differenceFromNormal(attempt.db.client, release) });
      } finally {
        await attempt.db.drop();
      }
    }
    section.replay = { result: 'conflict', failure, remedies: verified };
    const why = failure.step === 'peewee' ? 'A failed Peewee migration stops Open WebUI from starting.' : 'Open WebUI only logs a failed Alembic upgrade and starts on the old schema, then fails on missing tables or columns; all pending revisions are rolled back together.';
    const remedyText = verified.length
      ? verified.map((r) => `Remedy ${r.id} — ${r.title}: ${r.sql.join(' ')} → verified by replay: ${r.outcome}${r.outcome === 'clean start' ? (r.leavesDifferent.length ? `; leaves different from a normal install: ${r.leavesDifferent.join(' | ')}` : '; identical to a normal install') : ''}.${r.caution ? ` ${r.caution}` : ''}`).join(' ')
      : 'No automatic remedy is known for this error; the statement and the error above say what is in the way.';
    ctx.findings.push(
      finding('migrations/conflict', {
        message: `${migrationLabel(failure.migration)} fails on this database: ${failure.message}${failure.sqlstate ? ` (SQLSTATE ${failure.sqlstate})` : ''} at: ${failure.statement.replace(/\s+/g, ' ').slice(0, 300)}. ${why} ${remedyText}`,
        details: { migration: failure.migration, sqlstate: failure.sqlstate ?? null, remedies: verified.map((r) => ({ id: r.id, sql: r.sql, outcome: r.outcome })) },
      }),
    );
  }
}

export const driftStep: Step = {
  name: 'Compare the schema with its release and history',
  neededBy: ['drift'],
  async run(ctx) {
    const target = targetOf(ctx);
    if (!target) return;
    const drift = detectDrift(target.snapshot, databaseState(target.snapshot));
    ctx.findings.push(...drift.findings);
    ctx.report.drift = drift.section;
  },
};

/** A sandbox database at the release's schema: the replayed one, or a new replay (fresh or from the target). */
export async function sandboxAtRelease(ctx: RunContext): Promise<Prepared | undefined> {
  const existing = replayed.get(ctx);
  if (existing) return existing;
  const sandbox = sandboxOf(ctx);
  if (!sandbox) return undefined;
  const release = releaseFor(ctx);
  const attempt = await replayInto(sandbox, targetOf(ctx)?.snapshot ?? EMPTY, release);
  if (attempt.failure) {
    await attempt.db.drop();
    return undefined;
  }
  replayed.set(ctx, attempt.db);
  ctx.cleanup.add('replayed database', () => attempt.db.drop());
  return attempt.db;
}
