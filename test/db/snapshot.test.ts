import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneSnapshot, ident } from '../../src/database/clone.ts';
import { diffSnapshots, summariseDiff } from '../../src/database/diff.ts';
import { takeSnapshot } from '../../src/database/snapshot.ts';
import { catalogSchema } from '../../src/migrations/catalog.ts';
import { withTempDatabase } from '../support/postgres.ts';

const OPENWEBUI_SQL = readFileSync(new URL('../fixtures/schemas/peewee-era.sql', import.meta.url), 'utf8');

describe('schema snapshot', () => {
  it('reads tables, columns, keys, indexes, sequences and the history tables', async () => {
    await withTempDatabase(async (db) => {
      await db.client.query(OPENWEBUI_SQL);
      await db.client.query(`CREATE TABLE peewee_migrate (id serial PRIMARY KEY, name varchar(255)); INSERT INTO peewee_migrate (name) VALUES ('003_add_auth_api_key')`);
      const s = await takeSnapshot(db.client);
      const user = s.tables.find((t) => t.name === 'user')!;
      expect(user.columns[0]).toEqual({ name: 'id', type: 'character varying(255)', notNull: true, default: null, identity: null });
      expect(user.columns.map((c) => c.name).slice(-3)).toEqual(['settings', 'info', 'oauth_sub']);
      expect(user.constraints).toEqual([{ name: 'pk_user_id', type: 'p', definition: 'PRIMARY KEY (id)' }]);
      expect(user.indexes.find((i) => i.name === 'user_api_key')).toEqual({ name: 'user_api_key', definition: 'CREATE UNIQUE INDEX user_api_key ON "user" USING btree (api_key)', unique: true, primary: false, constraint: null });
      const session = s.tables.find((t) => t.name === 'oauth_session')!;
      expect(session.constraints.find((c) => c.type === 'f')!.definition).toBe('FOREIGN KEY (user_id) REFERENCES "user"(id) ON DELETE CASCADE');
      expect(s.sequences.find((q) => q.name === 'document_id_seq')).toEqual({ name: 'document_id_seq', ownedBy: 'document.id', identity: false });
      expect(s.sequences.find((q) => q.name === 'note_seq_seq')).toMatchObject({ identity: true });
      expect(s.openwebui.migratehistory).toHaveLength(18);
      expect(s.openwebui.migratehistory![0]).toEqual({ name: '001_initial_schema', migratedAt: '2024-06-27 10:00:00' });
      expect(s.openwebui.alembicVersion).toEqual(['38d63c18f30f']);
      expect(s.openwebui.peeweeMigrate).toEqual([{ id: 1, name: '003_add_auth_api_key' }]);
    });
  });

  it('clone(snapshot) snapshots back to the same snapshot for an Open WebUI schema', async () => {
    await withTempDatabase(async (source) => {
      await source.client.query(OPENWEBUI_SQL);
      const original = await takeSnapshot(source.client);
      await withTempDatabase(async (copy) => {
        await cloneSnapshot(copy.client, original);
        expect(await takeSnapshot(copy.client)).toEqual(original);
      });
    });
  });

  it.each([
    ['0.6.5', 'fresh'],
    ['0.9.5', 'lineage'],
    ['0.11.0', 'fresh'],
    ['0.11.0', 'lineage'],
  ] as const)('clone(snapshot) round-trips the real Open WebUI %s schema (%s), as the generator recorded it', async (version, kind) => {
    const real = catalogSchema(version, kind);
    await withTempDatabase(async (copy) => {
      await cloneSnapshot(copy.client, real);
      expect(await takeSnapshot(copy.client)).toEqual(real);
    });
  });

  it('diff groups differences by table and caps the listing', async () => {
    await withTempDatabase(async (db) => {
      await db.client.query(OPENWEBUI_SQL);
      const expected = await takeSnapshot(db.client);
      await db.client.query(`DROP INDEX "user_api_key"; ALTER TABLE chat ADD COLUMN hand_made int; ALTER TABLE auth ALTER COLUMN email TYPE text; DROP TABLE note`);
      const diff = diffSnapshots(expected, await takeSnapshot(db.client));
      expect(diff.items.map((i) => `${i.kind} ${i.table} ${i.object ?? ''}`.trim()).sort()).toEqual(['column-extra chat hand_made', 'column-type auth email', 'index-missing user user_api_key', 'table-missing note']);
      expect(summariseDiff(diff)).toEqual(['auth: column email is text, expected character varying(255)', 'chat: extra column hand_made (integer)', 'note: table is missing', 'user: index user_api_key is missing']);
      expect(diffSnapshots(expected, await takeSnapshot(db.client), { ignore: (i) => i.kind === 'column-type' }).items).toHaveLength(3);
    });
  });
});

// Random schemas: quoted and reserved identifiers, mixed case, many types, defaults, keys, indexes, FKs.
const name = fc.constantFrom('user', 'Order', 'select', 'chat', 'a b', 'x"y', 'data', 'group', 'MiXed', 'from', 'tag_1', 'é');
const colType = fc.constantFrom('text', 'varchar(255)', 'bigint', 'integer', 'boolean', 'json', 'jsonb', 'timestamp without time zone', 'numeric(10,2)', 'text[]', 'uuid', 'double precision');
const column = fc.record({ name, type: colType, notNull: fc.boolean(), unique: fc.boolean(), indexed: fc.boolean(), withDefault: fc.boolean() });
const table = fc.record({ name, columns: fc.uniqueArray(column, { selector: (c) => c.name, minLength: 1, maxLength: 6 }), serialPk: fc.boolean(), check: fc.boolean() });
const schemaArb = fc.uniqueArray(table, { selector: (t) => t.name, minLength: 1, maxLength: 5 });

const DEFAULTS: Record<string, string> = { text: "'x'", 'varchar(255)': "'y'", bigint: '0', integer: '42', boolean: 'false', json: "'{}'", jsonb: "'[]'", 'timestamp without time zone': 'now()', 'numeric(10,2)': '1.50', 'text[]': "'{}'", uuid: "'00000000-0000-0000-0000-000000000000'", 'double precision': '0.5' };

interface GenTable {
  name: string;
  columns: Array<{ name: string; type: string; notNull: boolean; unique: boolean; indexed: boolean; withDefault: boolean }>;
  serialPk: boolean;
  check: boolean;
}

function ddlFor(tables: GenTable[]): string[] {
  const out: string[] = [];
  tables.forEach((t, ti) => {
    const cols = t.columns.map((c) => `${ident(`c_${c.name}`)} ${c.type}${c.withDefault ? ` DEFAULT ${DEFAULTS[c.type]}` : ''}${c.notNull ? ' NOT NULL' : ''}`);
    if (t.serialPk) cols.unshift('"pk" serial PRIMARY KEY');
    if (t.check) cols.push('"n" integer CHECK ("n" > 0)');
    out.push(`CREATE TABLE ${ident(t.name)} (${cols.join(', ')})`);
    t.columns.forEach((c, ci) => {
      if (c.unique && !['json', 'text[]'].includes(c.type)) out.push(`ALTER TABLE ${ident(t.name)} ADD CONSTRAINT ${ident(`uq_${ti}_${ci}`)} UNIQUE (${ident(`c_${c.name}`)})`);
      else if (c.indexed && c.type !== 'json') out.push(`CREATE INDEX ${ident(`ix_${ti}_${ci}`)} ON ${ident(t.name)} (${ident(`c_${c.name}`)})`);
    });
    if (ti > 0 && tables[0]!.serialPk && t.serialPk) out.push(`ALTER TABLE ${ident(t.name)} ADD COLUMN "parent" integer REFERENCES ${ident(tables[0]!.name)}("pk") ON DELETE SET NULL`);
  });
  return out;
}

describe('clone round trip on generated schemas', () => {
  it('snapshot(clone(s)) = s', async () => {
    await withTempDatabase(async (db) => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(schemaArb, async (tables) => {
          const schema = `p${round++}`;
          await db.client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
          for (const statement of ddlFor(tables)) await db.client.query(statement);
          const original = await takeSnapshot(db.client, schema);
          const copyName = `${schema}_copy`;
          await db.client.query(`CREATE SCHEMA ${copyName}; SET search_path = ${copyName}`);
          await cloneSnapshot(db.client, original);
          const copy = await takeSnapshot(db.client, copyName);
          expect({ ...copy, schema }).toEqual(original);
          await db.client.query(`SET search_path = public; DROP SCHEMA ${schema} CASCADE; DROP SCHEMA ${copyName} CASCADE`);
        }),
        { numRuns: 40 },
      );
    });
  });
});
