/** What a database's Open WebUI bookkeeping says about it (pure: reads a snapshot). */
import type { SchemaSnapshot } from '../database/snapshot.ts';
import { RELEASES, type Release } from './catalog.ts';

export type Lineage = 'empty' | 'fresh' | 'peewee' | 'hand-made';

export interface DatabaseState {
  lineage: Lineage;
  peeweeDone: string[];
  alembicVersion: string | null;
  /** Catalogued releases whose head is this database's alembic_version. */
  matchingReleases: string[];
  /** The checklist's wrong history table, with the names in it. */
  peeweeMigrateNames: string[] | null;
  tables: number;
}

export function databaseState(s: SchemaSnapshot): DatabaseState {
  const peeweeDone = s.openwebui.migratehistory?.map((h) => h.name) ?? [];
  const alembicVersion = s.openwebui.alembicVersion?.[0] ?? null;
  const userTables = s.tables.filter((t) => !['migratehistory', 'alembic_version', 'peewee_migrate'].includes(t.name));
  const lineage: Lineage = userTables.length === 0 && !alembicVersion && peeweeDone.length === 0 ? 'empty' : s.openwebui.migratehistory ? 'peewee' : alembicVersion ? 'fresh' : 'hand-made';
  const peeweeMigrateNames = s.openwebui.peeweeMigrate ? s.openwebui.peeweeMigrate.map((r) => String(r.name ?? '')).filter(Boolean) : null;
  return {
    lineage,
    peeweeDone,
    alembicVersion,
    matchingReleases: RELEASES.filter((r) => r.alembicHead === alembicVersion).map((r) => r.version),
    peeweeMigrateNames,
    tables: userTables.length,
  };
}

export interface PendingChain {
  peewee: string[];
  alembic: string[];
  /** alembic_version is not in this release's chain. */
  unknownRevision?: string;
  /** The database was migrated by a newer release. */
  newerThanRelease?: string;
}

export function pendingChain(state: DatabaseState, release: Release): PendingChain {
  const peewee = release.peewee.filter((n) => !state.peeweeDone.includes(n));
  if (!state.alembicVersion) return { peewee, alembic: [...release.alembic] };
  const at = release.alembic.indexOf(state.alembicVersion);
  if (at >= 0) return { peewee, alembic: release.alembic.slice(at + 1) };
  const newer = RELEASES.find((r) => r.alembic.includes(state.alembicVersion!) && r.alembic.length > release.alembic.length);
  return newer ? { peewee, alembic: [], newerThanRelease: newer.version } : { peewee, alembic: [], unknownRevision: state.alembicVersion };
}
