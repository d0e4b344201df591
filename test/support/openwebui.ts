/** Databases as Open WebUI leaves them: the catalog replayed release by release (the upgrade lineage). */
import type pg from 'pg';
import { takeSnapshot } from '../../src/database/snapshot.ts';
import { RELEASES } from '../../src/migrations/catalog.ts';
import { replay } from '../../src/migrations/replay.ts';
import { databaseState, pendingChain } from '../../src/migrations/state.ts';

export async function upgradeThrough(client: pg.Client, version: string): Promise<void> {
  const last = RELEASES.findIndex((r) => r.version === version);
  if (last < 0) throw new Error(`unknown release ${version}`);
  for (const release of RELEASES.slice(0, last + 1)) {
    const state = databaseState(await takeSnapshot(client));
    const result = await replay(client, release, pendingChain(state, release), state.lineage);
    if (result.failure) throw new Error(`${release.version}: ${result.failure.message}`);
  }
}
