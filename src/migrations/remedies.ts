/**
 * Remedies for a failed migration, as exact SQL for this database (pure: failure + snapshot → SQL).
 * A: remove what is in the migration's way, so the migration recreates it as Open WebUI expects.
 * B: record a Peewee migration as done, in the table Open WebUI really reads (migratehistory).
 */
import type { SchemaSnapshot } from '../database/snapshot.ts';
import type { ReplayFailure } from './replay.ts';

export interface Remedy {
  id: 'A' | 'B';
  title: string;
  sql: string[];
  /** What to know before running it on real data. */
  caution?: string;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const name = (s: string) => s.replace(/^"|"$/g, '');
const IDENT = '("[^"]+"|[A-Za-z_][\\w$]*)';

export function remediesFor(failure: ReplayFailure, snapshot: SchemaSnapshot): Remedy[] {
  const remedies: Remedy[] = [];
  const s = failure.statement;
  const addColumn = new RegExp(`^ALTER TABLE ${IDENT} ADD COLUMN ${IDENT}`, 'i').exec(s);
  const createTable = new RegExp(`^CREATE TABLE ${IDENT}`, 'i').exec(s);
  const createIndex = new RegExp(`^CREATE (?:UNIQUE )?INDEX ${IDENT}`, 'i').exec(s);
  const addPk = new RegExp(`^ALTER TABLE ${IDENT} ADD CONSTRAINT ${IDENT} PRIMARY KEY`, 'i').exec(s);
  const addConstraint = new RegExp(`^ALTER TABLE ${IDENT} ADD CONSTRAINT ${IDENT}`, 'i').exec(s);
  if (failure.sqlstate === '42701' && addColumn) {
    const [table, column] = [name(addColumn[1]!), name(addColumn[2]!)];
    remedies.push({ id: 'A', title: `drop the column ${table}.${column} so that ${failure.migration} adds it as Open WebUI defines it`, sql: [`ALTER TABLE ${q(table)} DROP COLUMN ${q(column)};`], caution: `This deletes the values stored in ${table}.${column}; copy them first if they matter (CREATE TABLE ${table}_${column}_backup AS SELECT id, ${q(column)} FROM ${q(table)};).` });
  } else if (failure.sqlstate === '42P07' && createTable) {
    const table = name(createTable[1]!);
    remedies.push({ id: 'A', title: `move the existing table ${table} aside so that ${failure.migration} creates it`, sql: [`ALTER TABLE ${q(table)} RENAME TO ${q(`${table}_preflight_backup`)};`], caution: `Copy rows you need from ${table}_preflight_backup afterwards.` });
  } else if (failure.sqlstate === '42P07' && createIndex) {
    const index = name(createIndex[1]!);
    remedies.push({ id: 'A', title: `drop the index ${index} so that ${failure.migration} creates it`, sql: [`DROP INDEX ${q(index)};`] });
  } else if (failure.sqlstate === '42P16' && addPk) {
    const table = name(addPk[1]!);
    const existing = snapshot.tables.find((t) => t.name === table)?.constraints.find((c) => c.type === 'p');
    if (existing) remedies.push({ id: 'A', title: `drop the hand-made primary key ${existing.name} of ${table} so that ${failure.migration} adds ${name(addPk[2]!)}`, sql: [`ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(existing.name)};`], caution: 'Foreign keys that depend on it must be dropped first (DROP CONSTRAINT … CASCADE drops them).' });
  } else if (failure.sqlstate === '42710' && addConstraint) {
    const [table, constraint] = [name(addConstraint[1]!), name(addConstraint[2]!)];
    remedies.push({ id: 'A', title: `drop the constraint ${constraint} so that ${failure.migration} adds it`, sql: [`ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(constraint)};`] });
  }
  if (failure.step === 'peewee') {
    const migration = failure.migration.replace(/^peewee:/, '');
    const sql = [];
    if (!snapshot.tables.some((t) => t.name === 'migratehistory')) {
      sql.push('CREATE TABLE IF NOT EXISTS "migratehistory" ("id" SERIAL NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "migrated_at" TIMESTAMP NOT NULL);');
    }
    sql.push(`INSERT INTO migratehistory (name, migrated_at) VALUES ('${migration}', now());`);
    remedies.push({
      id: 'B',
      title: `record ${migration} as done (the checklist's "INSERT INTO peewee_migrate (name) …" fails: Open WebUI reads migratehistory, and migrated_at has no default)`,
      sql,
      caution: `Everything else ${migration} does is then skipped; the replay says what that leaves different from a normal install.`,
    });
  }
  return remedies;
}
