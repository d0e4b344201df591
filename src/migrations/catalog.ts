/** Typed access to the generated release catalog (src/migrations/catalog/, docs/catalog-format.md). */
import { readFileSync } from 'node:fs';
import releasesData from './catalog/releases.json' with { type: 'json' };
import migrationsData from './catalog/migrations.json' with { type: 'json' };
import { finding, type Finding } from '../findings/finding.ts';
import { compareVersions } from '../openwebui/releases.ts';
import type { SchemaSnapshot } from '../database/snapshot.ts';

export interface Release {
  version: string;
  commit: string;
  peewee: string[];
  alembic: string[];
  alembicHead: string | null;
  freshSchema: string;
  lineageSchema: string;
}

export interface Variant {
  contexts: string[];
  statements: string[];
}

export interface MigrationEntry {
  kind: 'peewee' | 'alembic';
  name: string;
  description: string;
  inspectsSchema: boolean;
  versions: Array<{ gitBlob: string; releases: string[]; variants: Variant[] }>;
}

export const RELEASES: readonly Release[] = (releasesData.releases as Release[]).slice().sort((a, b) => compareVersions(a.version, b.version));
const MIGRATIONS = migrationsData as unknown as Record<string, MigrationEntry>;

export function newestRelease(): Release {
  return RELEASES.at(-1)!;
}

export function findRelease(version: string): Release | undefined {
  return RELEASES.find((r) => r.version === version);
}

/** The release to check against: exact, or the nearest known one with a finding that says so. */
export function chooseRelease(requested: string | undefined, source: 'input' | 'image-tag'): { release: Release; finding?: Finding } {
  if (!requested) return { release: newestRelease() };
  const exact = findRelease(requested);
  if (exact) return { release: exact };
  // Nearest: the newest catalogued release not newer than the request, else the oldest.
  const older = RELEASES.filter((r) => compareVersions(r.version, requested) <= 0);
  const nearest = older.at(-1) ?? RELEASES[0]!;
  const sameMigrations = older.length > 0 && compareVersions(requested, newestRelease().version) <= 0;
  return {
    release: nearest,
    finding: finding('openwebui/unknown-version', {
      message: `Open WebUI ${requested} (from ${source === 'input' ? 'the openwebui-version input' : 'the image tag'}) is not in the catalog of ${RELEASES.length} releases (${RELEASES[0]!.version} … ${newestRelease().version}); checking against ${nearest.version}, the nearest known release${sameMigrations ? ', which usually has the same migrations' : ''}. Regenerate the catalog for it with tools/catalog (npm run catalog -- --add ${requested}=<commit>).`,
    }),
  };
}

export function migration(id: string): MigrationEntry | undefined {
  return MIGRATIONS[id];
}

/** The file version of a migration that a release ships. */
export function migrationVersion(id: string, release: string) {
  return MIGRATIONS[id]?.versions.find((v) => v.releases.includes(release));
}

/** One line: what a migration does on PostgreSQL, from its recorded statements. */
export function describeMigration(id: string, release: string): string {
  const entry = MIGRATIONS[id];
  if (!entry) return id;
  const v = migrationVersion(id, release);
  const statements = v?.variants[0]?.statements ?? [];
  const verbs = new Map<string, number>();
  for (const s of statements) {
    const m = /^\s*(CREATE (?:UNIQUE )?INDEX|CREATE TABLE|ALTER TABLE\s+"?(\w+)"?\s+(ADD COLUMN|DROP COLUMN|ALTER COLUMN|ADD CONSTRAINT|RENAME)|DROP TABLE|DROP INDEX|INSERT|UPDATE|DELETE)/i.exec(s);
    const key = m ? (m[3] ? `${m[3].toLowerCase()} on ${m[2]}` : m[1]!.toLowerCase()) : 'other';
    verbs.set(key, (verbs.get(key) ?? 0) + 1);
  }
  const what = [...verbs].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join(', ');
  return `${entry.name} (${entry.description})${what ? `: ${what}` : ': no statement on a fresh database'}${entry.inspectsSchema ? ' — inspects the schema first' : ''}`;
}

const schemaCache = new Map<string, SchemaSnapshot>();
export function catalogSchema(version: string, kind: 'fresh' | 'lineage'): SchemaSnapshot {
  const release = findRelease(version);
  if (!release) throw new Error(`unknown release ${version}`);
  const file = `${kind === 'fresh' ? release.freshSchema : release.lineageSchema}.${kind}.json`;
  let s = schemaCache.get(file);
  if (!s) {
    s = JSON.parse(readFileSync(new URL(`./catalog/schemas/${file}`, import.meta.url), 'utf8')) as SchemaSnapshot;
    schemaCache.set(file, s);
  }
  return s;
}
