/**
 * The product's replay of the catalog reproduces, for every release, the schema the generator
 * recorded from Open WebUI's real Python run: after a fresh install and along the upgrade lineage.
 */
import { describe, expect, it } from 'vitest';
import { takeSnapshot, type SchemaSnapshot } from '../../../src/database/snapshot.ts';
import { diffSnapshots, summariseDiff } from '../../../src/database/diff.ts';
import { catalogSchema, RELEASES } from '../../../src/migrations/catalog.ts';
import { replay } from '../../../src/migrations/replay.ts';
import { databaseState, pendingChain } from '../../../src/migrations/state.ts';
import { withTempDatabase } from '../../support/postgres.ts';

/** History timestamps are the time of the run; everything else must be identical. */
function normalise(s: SchemaSnapshot): SchemaSnapshot {
  return { ...s, openwebui: { ...s.openwebui, migratehistory: s.openwebui.migratehistory?.map((h) => ({ name: h.name, migratedAt: null })) ?? null } };
}

describe('replay of the catalog', () => {
  it('has every upstream release from 0.5.x to 0.11.0', () => {
    expect(RELEASES.length).toBeGreaterThanOrEqual(30);
    expect(RELEASES[0]!.version).toBe('0.5.0');
    expect(RELEASES.at(-1)!.version).toBe('0.11.0');
  });

  it.each(RELEASES.map((r) => [r.version, r] as const))('fresh install of %s equals the real run', async (_v, release) => {
    await withTempDatabase(async (db) => {
      const state = databaseState(await takeSnapshot(db.client));
      expect(state.lineage).toBe('empty');
      const result = await replay(db.client, release, pendingChain(state, release), state.lineage);
      expect(result.failure).toBeUndefined();
      const actual = normalise(await takeSnapshot(db.client));
      const expected = normalise(catalogSchema(release.version, 'fresh'));
      expect(summariseDiff(diffSnapshots(expected, actual))).toEqual([]);
      expect(actual).toEqual(expected);
    }, 'replay');
  });

  it('upgrading release by release along the lineage equals the real runs', async () => {
    await withTempDatabase(async (db) => {
      for (const release of RELEASES) {
        const state = databaseState(await takeSnapshot(db.client));
        const result = await replay(db.client, release, pendingChain(state, release), state.lineage);
        expect(result.failure, release.version).toBeUndefined();
        const actual = normalise(await takeSnapshot(db.client));
        expect(summariseDiff(diffSnapshots(normalise(catalogSchema(release.version, 'lineage')), actual)), release.version).toEqual([]);
      }
    }, 'lineage');
  }, 300_000);
});
