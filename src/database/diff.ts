/**
 * Differences between two snapshots, grouped by table, with equivalence rules supplied by the caller
 * (drift detection accepts what a database's lineage legitimately changes).
 */
import type { ColumnSnapshot, SchemaSnapshot, TableSnapshot } from './snapshot.ts';

export type DiffKind =
  | 'table-missing'
  | 'table-extra'
  | 'column-missing'
  | 'column-extra'
  | 'column-type'
  | 'column-nullability'
  | 'column-default'
  | 'constraint-missing'
  | 'constraint-extra'
  | 'constraint-changed'
  | 'index-missing'
  | 'index-extra'
  | 'index-changed';

export interface DiffItem {
  kind: DiffKind;
  table: string;
  /** Column, constraint or index name. */
  object?: string;
  expected?: string;
  actual?: string;
}

export interface SchemaDiff {
  items: DiffItem[];
}

export interface EquivalenceRules {
  /** Return true to ignore a difference (e.g. varchar(255) vs varchar on a Peewee-era table). */
  ignore?(item: DiffItem): boolean;
  /** Compare indexes and constraints by definition rather than by name. */
  matchByDefinition?: boolean;
}

function normaliseDefinition(def: string, name: string): string {
  return def.replace(new RegExp(`INDEX "?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"? ON`), 'INDEX ON');
}

function diffColumns(table: string, expected: ColumnSnapshot[], actual: ColumnSnapshot[], out: DiffItem[]): void {
  const actualByName = new Map(actual.map((c) => [c.name, c]));
  const expectedNames = new Set(expected.map((c) => c.name));
  for (const e of expected) {
    const a = actualByName.get(e.name);
    if (!a) {
      out.push({ kind: 'column-missing', table, object: e.name, expected: e.type });
      continue;
    }
    if (a.type !== e.type) out.push({ kind: 'column-type', table, object: e.name, expected: e.type, actual: a.type });
    if (a.notNull !== e.notNull) out.push({ kind: 'column-nullability', table, object: e.name, expected: e.notNull ? 'NOT NULL' : 'NULL', actual: a.notNull ? 'NOT NULL' : 'NULL' });
    if ((a.default ?? '') !== (e.default ?? '')) out.push({ kind: 'column-default', table, object: e.name, expected: e.default ?? '(none)', actual: a.default ?? '(none)' });
  }
  for (const a of actual) if (!expectedNames.has(a.name)) out.push({ kind: 'column-extra', table, object: a.name, actual: a.type });
}

function diffNamed<T extends { name: string; definition: string }>(table: string, expected: T[], actual: T[], kinds: ['constraint' | 'index'], byDefinition: boolean, out: DiffItem[]): void {
  const [what] = kinds;
  const key = (x: T) => (byDefinition ? normaliseDefinition(x.definition, x.name) : x.name);
  const actualByKey = new Map(actual.map((x) => [key(x), x]));
  const expectedKeys = new Set(expected.map(key));
  for (const e of expected) {
    const a = actualByKey.get(key(e));
    if (!a) out.push({ kind: `${what}-missing`, table, object: e.name, expected: e.definition });
    else if (!byDefinition && normaliseDefinition(a.definition, a.name) !== normaliseDefinition(e.definition, e.name)) out.push({ kind: `${what}-changed`, table, object: e.name, expected: e.definition, actual: a.definition });
  }
  for (const a of actual) if (!expectedKeys.has(key(a))) out.push({ kind: `${what}-extra`, table, object: a.name, actual: a.definition });
}

export function diffSnapshots(expected: SchemaSnapshot, actual: SchemaSnapshot, rules: EquivalenceRules = {}): SchemaDiff {
  const items: DiffItem[] = [];
  const actualTables = new Map(actual.tables.map((t) => [t.name, t]));
  const expectedTables = new Set(expected.tables.map((t) => t.name));
  for (const e of expected.tables) {
    const a: TableSnapshot | undefined = actualTables.get(e.name);
    if (!a) {
      items.push({ kind: 'table-missing', table: e.name });
      continue;
    }
    diffColumns(e.name, e.columns, a.columns, items);
    diffNamed(e.name, e.constraints, a.constraints, ['constraint'], rules.matchByDefinition ?? false, items);
    // Indexes that back constraints are compared through their constraints.
    diffNamed(e.name, e.indexes.filter((i) => !i.constraint), a.indexes.filter((i) => !i.constraint), ['index'], rules.matchByDefinition ?? false, items);
  }
  for (const a of actual.tables) if (!expectedTables.has(a.name)) items.push({ kind: 'table-extra', table: a.name });
  return { items: rules.ignore ? items.filter((i) => !rules.ignore!(i)) : items };
}

const PHRASE: Record<DiffKind, (i: DiffItem) => string> = {
  'table-missing': () => 'table is missing',
  'table-extra': () => 'table is not expected',
  'column-missing': (i) => `column ${i.object} (${i.expected}) is missing`,
  'column-extra': (i) => `extra column ${i.object} (${i.actual})`,
  'column-type': (i) => `column ${i.object} is ${i.actual}, expected ${i.expected}`,
  'column-nullability': (i) => `column ${i.object} is ${i.actual}, expected ${i.expected}`,
  'column-default': (i) => `column ${i.object} defaults to ${i.actual}, expected ${i.expected}`,
  'constraint-missing': (i) => `constraint ${i.object} is missing (${i.expected})`,
  'constraint-extra': (i) => `extra constraint ${i.object} (${i.actual})`,
  'constraint-changed': (i) => `constraint ${i.object} is ${i.actual}, expected ${i.expected}`,
  'index-missing': (i) => `index ${i.object} is missing`,
  'index-extra': (i) => `extra index ${i.object}`,
  'index-changed': (i) => `index ${i.object} differs: ${i.actual}`,
};

export function describeItem(item: DiffItem): string {
  return PHRASE[item.kind](item);
}

/** Short lines grouped by table, at most `limit` tables and `perTable` lines each, with "and N more". */
export function summariseDiff(diff: SchemaDiff, limit = 20, perTable = 5): string[] {
  const groups = new Map<string, DiffItem[]>();
  for (const i of diff.items) groups.set(i.table, [...(groups.get(i.table) ?? []), i]);
  const lines: string[] = [];
  const tables = [...groups.keys()].sort();
  for (const t of tables.slice(0, limit)) {
    const items = groups.get(t)!;
    const parts = items.slice(0, perTable).map(describeItem);
    if (items.length > perTable) parts.push(`and ${items.length - perTable} more`);
    lines.push(`${t}: ${parts.join('; ')}`);
  }
  if (tables.length > limit) lines.push(`and ${tables.length - limit} more tables`);
  return lines;
}
