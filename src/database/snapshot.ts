/**
 * One model of a schema: tables, columns, constraints, indexes, sequences, and Open WebUI's
 * bookkeeping (migratehistory, alembic_version, a stray peewee_migrate). Read with a fixed handful
 * of catalog queries whatever the number of tables. Plain JSON with a stable order, so snapshots can
 * be committed, compared and cloned.
 */
import type pg from 'pg';

export interface ColumnSnapshot {
  name: string;
  /** format_type(): `character varying(255)`, `bigint`, `text`… */
  type: string;
  notNull: boolean;
  default: string | null;
  /** 'a' (always) or 'd' (by default) for identity columns, else null. */
  identity: 'a' | 'd' | null;
}

export interface ConstraintSnapshot {
  name: string;
  /** p primary key, u unique, f foreign key, c check, x exclusion. */
  type: 'p' | 'u' | 'f' | 'c' | 'x';
  definition: string;
}

export interface IndexSnapshot {
  name: string;
  /** pg_get_indexdef() with the schema qualifier removed. */
  definition: string;
  unique: boolean;
  primary: boolean;
  /** The constraint that owns this index (PK / unique), if any. */
  constraint: string | null;
}

export interface TableSnapshot {
  name: string;
  columns: ColumnSnapshot[];
  constraints: ConstraintSnapshot[];
  indexes: IndexSnapshot[];
}

export interface SequenceSnapshot {
  name: string;
  /** table.column that owns it (serial / identity), if any. */
  ownedBy: string | null;
  identity: boolean;
}

export interface SchemaSnapshot {
  schema: string;
  tables: TableSnapshot[];
  sequences: SequenceSnapshot[];
  openwebui: {
    migratehistory: Array<{ name: string; migratedAt: string | null }> | null;
    alembicVersion: string[] | null;
    /** The checklist's wrong table name, if someone created it. */
    peeweeMigrate: Array<Record<string, unknown>> | null;
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Removes `schema.` qualifiers that pg_get_indexdef and defaults print for non-default schemas. */
function unqualify(text: string, schema: string): string {
  const quoted = `"${schema.replace(/"/g, '""')}".`;
  return text.split(quoted).join('').split(`${schema}.`).join('');
}

export async function currentSchema(client: pg.Client): Promise<string> {
  const r = await client.query<{ s: string | null }>('SELECT current_schema() AS s');
  return r.rows[0]?.s ?? 'public';
}

export async function takeSnapshot(client: pg.Client, schemaName?: string): Promise<SchemaSnapshot> {
  const schema = schemaName ?? (await currentSchema(client));
  const columns = await client.query<{ table: string; name: string; type: string; notnull: boolean; def: string | null; identity: string }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const constraints = await client.query<{ table: string; name: string; type: ConstraintSnapshot['type']; def: string }>(
    `SELECT c.relname AS table, k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid, true) AS def
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
      WHERE k.contype IN ('p', 'u', 'f', 'c', 'x')`,
    [schema],
  );
  const indexes = await client.query<{ table: string; name: string; def: string; unique: boolean; primary: boolean; constraint: string | null }>(
    `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisunique AS unique, x.indisprimary AS primary,
            k.conname AS constraint
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = $1
       LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')`,
    [schema],
  );
  const sequences = await client.query<{ name: string; owner_table: string | null; owner_column: string | null; deptype: string | null }>(
    `SELECT s.relname AS name, t.relname AS owner_table, a.attname AS owner_column, d.deptype
       FROM pg_class s
       JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = $1
       LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE s.relkind = 'S'`,
    [schema],
  );

  const tables = new Map<string, TableSnapshot>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { name, columns: [], constraints: [], indexes: [] }));
    return t;
  };
  for (const c of columns.rows) {
    table(c.table).columns.push({ name: c.name, type: c.type, notNull: c.notnull, default: c.def === null ? null : unqualify(c.def, schema), identity: c.identity === 'a' || c.identity === 'd' ? c.identity : null });
  }
  for (const k of constraints.rows) table(k.table).constraints.push({ name: k.name, type: k.type, definition: unqualify(k.def, schema) });
  for (const i of indexes.rows) table(i.table).indexes.push({ name: i.name, definition: unqualify(i.def, schema), unique: i.unique, primary: i.primary, constraint: i.constraint });
  for (const t of tables.values()) {
    t.constraints.sort(byName);
    t.indexes.sort(byName);
  }

  const has = (name: string) => tables.has(name);
  const ident = (name: string) => `"${schema.replace(/"/g, '""')}"."${name}"`;
  const openwebui: SchemaSnapshot['openwebui'] = { migratehistory: null, alembicVersion: null, peeweeMigrate: null };
  if (has('migratehistory') && tables.get('migratehistory')!.columns.some((c) => c.name === 'name')) {
    const hasAt = tables.get('migratehistory')!.columns.some((c) => c.name === 'migrated_at');
    const orderBy = tables.get('migratehistory')!.columns.some((c) => c.name === 'id') ? 'id' : 'name';
    const r = await client.query<{ name: string; at: string | null }>(`SELECT name, ${hasAt ? 'migrated_at::text' : 'NULL::text'} AS at FROM ${ident('migratehistory')} ORDER BY ${orderBy}`);
    openwebui.migratehistory = r.rows.map((row) => ({ name: row.name, migratedAt: row.at }));
  }
  if (has('alembic_version') && tables.get('alembic_version')!.columns.some((c) => c.name === 'version_num')) {
    const r = await client.query<{ v: string }>(`SELECT version_num AS v FROM ${ident('alembic_version')} ORDER BY 1`);
    openwebui.alembicVersion = r.rows.map((row) => row.v);
  }
  if (has('peewee_migrate')) {
    const r = await client.query(`SELECT * FROM ${ident('peewee_migrate')} LIMIT 1000`);
    openwebui.peeweeMigrate = r.rows.map((row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));
  }

  return {
    schema,
    tables: [...tables.values()].sort(byName),
    sequences: sequences.rows
      .map((s) => ({ name: s.name, ownedBy: s.owner_table && s.owner_column ? `${s.owner_table}.${s.owner_column}` : null, identity: s.deptype === 'i' }))
      .sort(byName),
    openwebui,
  };
}

/** For the JSON report: counts, not the whole model. */
export function summariseSnapshot(s: SchemaSnapshot): Record<string, unknown> {
  return {
    schema: s.schema,
    tables: s.tables.length,
    migratehistory: s.openwebui.migratehistory?.length ?? null,
    alembicVersion: s.openwebui.alembicVersion,
    peeweeMigrate: s.openwebui.peeweeMigrate ? s.openwebui.peeweeMigrate.length : null,
  };
}
