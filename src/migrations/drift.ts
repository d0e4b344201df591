/**
 * Drift: the target's schema against what its own history should have produced. A database that
 * came through Peewee-era releases legitimately differs from a fresh install (varchar(255), NOT NULL,
 * index and key names, migratehistory), so the expected schema follows its lineage; where the
 * lineage is ambiguous, a difference counts only if neither expectation explains it.
 */
import { diffSnapshots, summariseDiff, type DiffItem, type SchemaDiff } from '../database/diff.ts';
import type { SchemaSnapshot } from '../database/snapshot.ts';
import { finding, type Finding } from '../findings/finding.ts';
import { catalogSchema, findRelease } from './catalog.ts';
import type { DatabaseState } from './state.ts';

const key = (i: DiffItem) => `${i.kind}|${i.table}|${i.object ?? ''}`;

export interface DriftResult {
  findings: Finding[];
  section: Record<string, unknown>;
}

export function detectDrift(target: SchemaSnapshot, state: DatabaseState): DriftResult {
  const version = state.matchingReleases.at(-1);
  if (!version || !findRelease(version)) {
    return { findings: [], section: { checked: false, reason: state.alembicVersion ? `alembic_version ${state.alembicVersion} matches no catalogued release` : 'the database has no alembic_version' } };
  }
  const candidates: Array<'fresh' | 'lineage'> = state.lineage === 'peewee' ? ['lineage'] : state.lineage === 'fresh' ? ['fresh', 'lineage'] : ['fresh', 'lineage'];
  const diffs = candidates.map((kind) => ({ kind, diff: diffSnapshots(catalogSchema(version, kind), target) }));
  // Differences every expectation agrees on.
  const common = diffs.slice(1).reduce<SchemaDiff>((acc, d) => ({ items: acc.items.filter((i) => d.diff.items.some((j) => key(j) === key(i))) }), diffs[0]!.diff);
  const items = common.items.filter((i) => !(i.table === 'migratehistory' && state.lineage !== 'peewee'));
  const section = { checked: true, release: version, expected: candidates, differences: items.length, groups: summariseDiff({ items }, 50, 10) };
  if (items.length === 0) return { findings: [], section };
  const lines = summariseDiff({ items }, 12, 4);
  return {
    findings: [
      finding('schema/drift', {
        message: `The schema differs from what Open WebUI ${version} produces on a ${candidates.length > 1 ? 'fresh or upgraded' : 'Peewee-era (upgraded)'} database — ${items.length} difference${items.length === 1 ? '' : 's'}: ${lines.join(' | ')}. Hand-made changes can make later migrations fail; undo them, or check that the next release's migrations still pass (the migrations check replays them).`,
        details: { release: version, differences: items.length },
      }),
    ],
    section,
  };
}
