/**
 * Recreates a snapshot as DDL in another (empty) database, history rows included, so that
 * takeSnapshot(clone(s)) equals s. Used to replay migrations on a copy of the target's schema.
 */
import type pg from 'pg';
import type { SchemaSnapshot } from './snapshot.ts';

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function snapshotToDdl(s: SchemaSnapshot): string[] {
  const ddl: string[] = [];
  const identitySequences = new Set(s.sequences.filter((q) => q.identity).map((q) => q.name));
  // Sequences first: column defaults (nextval) refer to them.
  for (const seq of s.sequences) if (!identitySequences.has(seq.name)) ddl.push(`CREATE SEQUENCE ${ident(seq.name)}`);
  for (const t of s.tables) {
    const cols = t.columns.map((c) => {
      let def = `${ident(c.name)} ${c.type}`;
      if (c.identity) def += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
      else if (c.default !== null) def += ` DEFAULT ${c.default}`;
      if (c.notNull) def += ' NOT NULL';
      return def;
    });
    ddl.push(`CREATE TABLE ${ident(t.name)} (${cols.join(', ')})`);
  }
  // Keys and checks, then the indexes they do not own, then foreign keys (which need the keys).
  for (const t of s.tables) for (const k of t.constraints.filter((c) => c.type !== 'f')) ddl.push(`ALTER TABLE ${ident(t.name)} ADD CONSTRAINT ${ident(k.name)} ${k.definition}`);
  for (const t of s.tables) for (const i of t.indexes.filter((x) => x.constraint === null)) ddl.push(i.definition);
  for (const t of s.tables) for (const k of t.constraints.filter((c) => c.type === 'f')) ddl.push(`ALTER TABLE ${ident(t.name)} ADD CONSTRAINT ${ident(k.name)} ${k.definition}`);
  for (const seq of s.sequences) {
    if (identitySequences.has(seq.name) || !seq.ownedBy) continue;
    const [table, column] = seq.ownedBy.split('.') as [string, string];
    ddl.push(`ALTER SEQUENCE ${ident(seq.name)} OWNED BY ${ident(table)}.${ident(column)}`);
  }
  const history = s.openwebui.migratehistory;
  const historyTable = s.tables.find((t) => t.name === 'migratehistory');
  if (history?.length && historyTable) {
    const hasAt = historyTable.columns.some((c) => c.name === 'migrated_at');
    const rows = history.map((h) => (hasAt ? `(${literal(h.name)}, ${h.migratedAt === null ? 'NULL' : `${literal(h.migratedAt)}::timestamp`})` : `(${literal(h.name)})`));
    ddl.push(`INSERT INTO "migratehistory" (name${hasAt ? ', migrated_at' : ''}) VALUES ${rows.join(', ')}`);
  }
  if (s.openwebui.alembicVersion?.length) {
    ddl.push(`INSERT INTO "alembic_version" (version_num) VALUES ${s.openwebui.alembicVersion.map((v) => `(${literal(v)})`).join(', ')}`);
  }
  if (s.openwebui.peeweeMigrate?.length) {
    const table = s.tables.find((t) => t.name === 'peewee_migrate')!;
    for (const row of s.openwebui.peeweeMigrate) {
      const keys = Object.keys(row).filter((k) => table.columns.some((c) => c.name === k) && row[k] !== null);
      ddl.push(`INSERT INTO "peewee_migrate" (${keys.map(ident).join(', ')}) VALUES (${keys.map((k) => literal(String(row[k]))).join(', ')})`);
    }
  }
  return ddl;
}

/** Applies the snapshot to the connection's current schema in one transaction. */
export async function cloneSnapshot(client: pg.Client, s: SchemaSnapshot): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const statement of snapshotToDdl(s)) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
