/** The oauth_session table as Open WebUI's Alembic revision 38d63c18f30f creates it. */
import type { TableSnapshot } from '../database/snapshot.ts';

export const EXPECTED_COLUMNS: Record<string, { type: string; notNull: boolean }> = {
  id: { type: 'text', notNull: true },
  user_id: { type: 'text', notNull: true },
  provider: { type: 'text', notNull: true },
  token: { type: 'text', notNull: true },
  expires_at: { type: 'bigint', notNull: true },
  created_at: { type: 'bigint', notNull: true },
  updated_at: { type: 'bigint', notNull: true },
};

export const EXPECTED_INDEXES: Record<string, string> = {
  idx_oauth_session_user_id: '(user_id)',
  idx_oauth_session_expires_at: '(expires_at)',
  idx_oauth_session_user_provider: '(user_id, provider)',
};

/** Differences between a table and what the release creates, one line each. */
export function sessionTableProblems(table: TableSnapshot): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(EXPECTED_COLUMNS)) {
    const c = table.columns.find((x) => x.name === name);
    if (!c) problems.push(`column ${name} is missing`);
    else {
      if (c.type !== spec.type) problems.push(`column ${name} is ${c.type}, expected ${spec.type}`);
      if (c.notNull !== spec.notNull) problems.push(`column ${name} is ${c.notNull ? 'NOT NULL' : 'nullable'}, expected ${spec.notNull ? 'NOT NULL' : 'nullable'}`);
    }
  }
  if (!table.constraints.some((k) => k.type === 'p' && k.definition === 'PRIMARY KEY (id)')) problems.push('no PRIMARY KEY (id)');
  if (!table.constraints.some((k) => k.type === 'f' && /FOREIGN KEY \(user_id\) REFERENCES "?user"?\(id\) ON DELETE CASCADE/.test(k.definition))) problems.push('no FOREIGN KEY (user_id) REFERENCES "user"(id) ON DELETE CASCADE');
  for (const [name, cols] of Object.entries(EXPECTED_INDEXES)) {
    const i = table.indexes.find((x) => x.name === name);
    if (!i) problems.push(`index ${name} is missing`);
    else if (!i.definition.endsWith(`btree ${cols}`)) problems.push(`index ${name} is ${i.definition}, expected btree ${cols}`);
  }
  return problems;
}
