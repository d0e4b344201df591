/**
 * Full-chain replay per release (fresh install) and an upgrade simulation, against the time the
 * generator's real Python run (Peewee + Alembic, same PostgreSQL) took for the same release,
 * recorded in the catalog's timings.json.
 */
import { readFileSync } from 'node:fs';
import { takeSnapshot } from '../src/database/snapshot.ts';
import { RELEASES } from '../src/migrations/catalog.ts';
import { replay } from '../src/migrations/replay.ts';
import { databaseState, pendingChain } from '../src/migrations/state.ts';
import { createTempDatabase } from '../test/support/postgres.ts';
import type { BenchResult } from './run.ts';

const timings = JSON.parse(readFileSync(new URL('../src/migrations/catalog/timings.json', import.meta.url), 'utf8')) as Record<string, { fresh: number; upgrade?: number }>;

async function timeReplay(prepare: (db: Awaited<ReturnType<typeof createTempDatabase>>) => Promise<void>, version: string): Promise<number> {
  const db = await createTempDatabase('bench_replay');
  try {
    await prepare(db);
    const release = RELEASES.find((r) => r.version === version)!;
    const t = performance.now();
    const state = databaseState(await takeSnapshot(db.client));
    const result = await replay(db.client, release, pendingChain(state, release), state.lineage);
    if (result.failure) throw new Error(`${version}: ${result.failure.message}`);
    return (performance.now() - t) / 1000;
  } finally {
    await db.drop();
  }
}

export async function runMigrationBench(): Promise<BenchResult> {
  const picks = ['0.5.3', '0.6.5', '0.6.41', '0.9.6', '0.11.0'].filter((v) => timings[v]);
  const lines: string[] = ['release   replay (s)   Python run (s)   ratio'];
  const metrics: Record<string, number | string> = {};
  let sumOurs = 0;
  let sumPython = 0;
  for (const v of picks) {
    const ours = await timeReplay(async () => {}, v);
    const python = timings[v]!.fresh;
    sumOurs += ours;
    sumPython += python;
    lines.push(`${v.padEnd(9)} ${ours.toFixed(3).padStart(10)}   ${python.toFixed(3).padStart(14)}   ${(ours / python).toFixed(2)}×`);
    metrics[`fresh-${v}`] = ours;
  }
  lines.push(`all fresh installs: ${(sumOurs / sumPython).toFixed(2)}× the Python time`);
  // Upgrade simulation: a database at 0.6.41 (as upgraded along the lineage) started with 0.9.6.
  const from = '0.6.41';
  const to = '0.9.6';
  const upgrade = await timeReplay(async (db) => {
    for (const r of RELEASES.slice(0, RELEASES.findIndex((x) => x.version === from) + 1)) {
      const state = databaseState(await takeSnapshot(db.client));
      await replay(db.client, r, pendingChain(state, r), state.lineage);
    }
  }, to);
  const pythonUpgrade = timings[to]?.upgrade;
  lines.push(`upgrade ${from} → ${to}: ${upgrade.toFixed(3)} s${pythonUpgrade ? ` vs Python ${pythonUpgrade.toFixed(3)} s = ${(upgrade / pythonUpgrade).toFixed(2)}×` : ''}`);
  metrics.upgradeSeconds = upgrade;
  if (pythonUpgrade) metrics.upgradeRatio = upgrade / pythonUpgrade;
  metrics.freshRatio = sumOurs / sumPython;
  return { name: 'migrations', lines, metrics };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await runMigrationBench()).lines.join('\n'));
