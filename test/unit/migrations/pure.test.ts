import { describe, expect, it } from 'vitest';
import type { SchemaSnapshot } from '../../../src/database/snapshot.ts';
import { chooseRelease, describeMigration, findRelease, newestRelease, RELEASES } from '../../../src/migrations/catalog.ts';
import { remediesFor } from '../../../src/migrations/remedies.ts';
import { statementsFor } from '../../../src/migrations/replay.ts';
import { databaseState, pendingChain } from '../../../src/migrations/state.ts';
import { hasFeature } from '../../../src/openwebui/releases.ts';

const snapshot = (over: Partial<SchemaSnapshot['openwebui']> = {}, tables: string[] = []): SchemaSnapshot => ({
  schema: 'public',
  tables: tables.map((name) => ({ name, columns: [], constraints: name === 'user' ? [{ name: 'user_pkey', type: 'p', definition: 'PRIMARY KEY (id)' }] : [], indexes: [] })),
  sequences: [],
  openwebui: { migratehistory: null, alembicVersion: null, peeweeMigrate: null, ...over },
});

describe('release catalog', () => {
  it('knows upstream releases in order, with the facts of the source', () => {
    expect(RELEASES.map((r) => r.version)).toEqual(expect.arrayContaining(['0.5.0', '0.5.3', '0.6.27', '0.6.5', '0.6.41', '0.7.0', '0.8.12', '0.9.5', '0.9.6', '0.10.2', '0.11.0']));
    expect(findRelease('0.9.5')!.peewee).toHaveLength(18);
    expect(findRelease('0.9.6')!.peewee).toEqual([]);
    expect(findRelease('0.11.0')!.alembicHead).toBe('f0bd01a18a3d');
    expect(findRelease('0.11.0')!.alembic).toHaveLength(55);
    expect(findRelease('0.9.6')!.commit).toBe('b3e9d16b6fdfa9054416e2fad85a9fe6f000fe54');
  });

  it('chooses the requested release, else the nearest one with a finding, else the newest', () => {
    expect(chooseRelease('0.6.41', 'input')).toEqual({ release: findRelease('0.6.41') });
    const near = chooseRelease('0.6.44', 'image-tag');
    expect(near.release.version).toBe('0.6.43');
    expect(near.finding!.ruleId).toBe('openwebui/unknown-version');
    expect(near.finding!.message).toMatch(/0\.6\.44 \(from the image tag\) is not in the catalog.*checking against 0\.6\.43/);
    expect(chooseRelease(undefined, 'input').release).toBe(newestRelease());
  });

  it('describes a migration from what it executes', () => {
    expect(describeMigration('peewee:003_add_auth_api_key', '0.6.5')).toBe('003_add_auth_api_key (add auth api key): add column on user, create unique index');
  });

  it('release features come from the generated data, matching the source facts', () => {
    expect(hasFeature('0.9.5', 'peeweeMigrations')).toBe(true);
    expect(hasFeature('0.9.6', 'peeweeMigrations')).toBe(false);
    expect(hasFeature('0.6.43', 'enableDbMigrationsSwitch')).toBe(false);
    expect(hasFeature('0.7.0', 'enableDbMigrationsSwitch')).toBe(true);
    expect(hasFeature('0.8.1', 'deletesUndecryptableSessions')).toBe(false);
    expect(hasFeature('0.8.2', 'deletesUndecryptableSessions')).toBe(true);
  });
});

describe('database state and pending chain', () => {
  it('tells empty, fresh, Peewee-era and hand-made databases apart', () => {
    expect(databaseState(snapshot()).lineage).toBe('empty');
    expect(databaseState(snapshot({ alembicVersion: ['f0bd01a18a3d'] }, ['user', 'alembic_version'])).lineage).toBe('fresh');
    expect(databaseState(snapshot({ migratehistory: [{ name: '001_initial_schema', migratedAt: null }] }, ['migratehistory', 'user'])).lineage).toBe('peewee');
    expect(databaseState(snapshot({}, ['user', 'auth'])).lineage).toBe('hand-made');
  });

  it('lists pending migrations, unknown revisions and downgrades', () => {
    const r = findRelease('0.6.41')!;
    const mid = databaseState(snapshot({ migratehistory: r.peewee.map((name) => ({ name, migratedAt: null })), alembicVersion: [findRelease('0.6.5')!.alembicHead!] }, ['migratehistory', 'user']));
    const chain = pendingChain(mid, r);
    expect(chain.peewee).toEqual([]);
    expect(chain.alembic[0]).toBe(r.alembic[r.alembic.indexOf(findRelease('0.6.5')!.alembicHead!) + 1]);
    expect(chain.alembic.at(-1)).toBe(r.alembicHead);
    expect(pendingChain(databaseState(snapshot({ alembicVersion: ['deadbeef0000'] }, ['user'])), r).unknownRevision).toBe('deadbeef0000');
    expect(pendingChain(databaseState(snapshot({ alembicVersion: ['f0bd01a18a3d'] }, ['user'])), r).newerThanRelease).toBe('0.11.0');
  });

  it('picks the statements a schema-inspecting migration ran on a fresh database or along the lineage', () => {
    const r = findRelease('0.9.6')!;
    expect(statementsFor('alembic:461111b60977', r, 'fresh')).toEqual([]);
    expect(statementsFor('alembic:461111b60977', r, 'peewee').length).toBeGreaterThan(5);
  });
});

describe('remedies', () => {
  it('turn a duplicate column into A (drop it) and B (record the Peewee migration)', () => {
    const rs = remediesFor({ migration: 'peewee:003_add_auth_api_key', step: 'peewee', statement: 'ALTER TABLE "user" ADD COLUMN "api_key" VARCHAR(255)', sqlstate: '42701', message: 'exists' }, snapshot({}, ['user']));
    expect(rs.map((r) => [r.id, r.sql])).toEqual([
      ['A', ['ALTER TABLE "user" DROP COLUMN "api_key";']],
      ['B', ['CREATE TABLE IF NOT EXISTS "migratehistory" ("id" SERIAL NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "migrated_at" TIMESTAMP NOT NULL);', "INSERT INTO migratehistory (name, migrated_at) VALUES ('003_add_auth_api_key', now());"]],
    ]);
  });

  it('drop a hand-made primary key, an index or a table in the way; Alembic gets no B', () => {
    const pk = remediesFor({ migration: 'alembic:38d63c18f30f', step: 'alembic', statement: 'ALTER TABLE "user" ADD CONSTRAINT pk_user_id PRIMARY KEY (id)', sqlstate: '42P16', message: 'multiple primary keys' }, snapshot({}, ['user']));
    expect(pk).toEqual([expect.objectContaining({ id: 'A', sql: ['ALTER TABLE "user" DROP CONSTRAINT "user_pkey";'] })]);
    expect(remediesFor({ migration: 'alembic:x', step: 'alembic', statement: 'CREATE INDEX idx_a ON t (a)', sqlstate: '42P07', message: '' }, snapshot())[0]!.sql).toEqual(['DROP INDEX "idx_a";']);
    expect(remediesFor({ migration: 'alembic:x', step: 'alembic', statement: 'CREATE TABLE tag (id text)', sqlstate: '42P07', message: '' }, snapshot())[0]!.sql).toEqual(['ALTER TABLE "tag" RENAME TO "tag_preflight_backup";']);
  });
});
