/**
 * Schema snapshot of 2,000 tables (with indexes and foreign keys) on the local server, against a
 * peer measured in the same run: the naive way, one information_schema query per table.
 */
import pg from 'pg';
import { takeSnapshot } from '../src/database/snapshot.ts';
import { createTempDatabase } from '../test/support/postgres.ts';
import type { BenchResult } from './run.ts';

const TABLES = 2000;

async function naivePeer(client: pg.Client): Promise<number> {
  const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
  let columns = 0;
  for (const t of tables.rows) {
    columns += (await client.query('SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', ['public', t.table_name])).rowCount ?? 0;
    await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`, [t.table_name]);
    await client.query(`SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_schema = 'public' AND table_name = $1`, [t.table_name]);
  }
  return columns;
}

export async function runSnapshotBench(): Promise<BenchResult> {
  const db = await createTempDatabase('bench_snapshot');
  try {
    await db.client.query('CREATE TABLE t0 (id bigserial PRIMARY KEY, name text NOT NULL)');
    const batch: string[] = [];
    for (let i = 1; i < TABLES; i++) {
      batch.push(`CREATE TABLE t${i} (id text PRIMARY KEY, parent bigint REFERENCES t0(id), name varchar(255) NOT NULL, created_at bigint NOT NULL DEFAULT 0, meta json); CREATE INDEX t${i}_name ON t${i} (name);`);
      if (batch.length === 200) await db.client.query(batch.splice(0).join('\n'));
    }
    if (batch.length) await db.client.query(batch.join('\n'));
    await takeSnapshot(db.client); // warm the catalog caches for both
    const runs: number[] = [];
    let tables = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      tables = (await takeSnapshot(db.client)).tables.length;
      runs.push(performance.now() - t);
    }
    const snapshotMs = runs.sort((a, b) => a - b)[2]!;
    const t1 = performance.now();
    await naivePeer(db.client);
    const peerMs = performance.now() - t1;
    return {
      name: 'snapshot',
      lines: [
        `schema of ${tables} tables (each with a primary key, a foreign key, an index, 5 columns)`,
        `takeSnapshot (median of 5): ${snapshotMs.toFixed(0)} ms — a fixed 5 catalog queries`,
        `peer (3 information_schema queries per table): ${peerMs.toFixed(0)} ms`,
        `ratio snapshot / peer: ${(snapshotMs / peerMs).toFixed(3)}× (${(peerMs / snapshotMs).toFixed(0)}× faster)`,
      ],
      metrics: { tables, snapshotMs, peerMs, ratio: snapshotMs / peerMs },
    };
  } finally {
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await runSnapshotBench()).lines.join('\n'));
