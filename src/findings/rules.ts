/**
 * Every rule the product can report, with its stable id, default severity and one-line title.
 * docs/rules.md explains each one; test/unit/rules-doc.test.ts keeps the two in step.
 */
import type { Severity } from './finding.ts';

export interface RuleMeta {
  severity: Severity;
  title: string;
  /** Which check group produces it (the --checks names). */
  check: 'config' | 'database' | 'migrations' | 'drift' | 'oauth' | 'tool';
}

const rule = (check: RuleMeta['check'], severity: Severity, title: string): RuleMeta => ({ check, severity, title });

export const RULES = {
  // Configuration and secrets (checklist sections 1 and 2)
  'oauth-key/not-set': rule('config', 'error', 'OAUTH_SESSION_TOKEN_ENCRYPTION_KEY is not set'),
  'oauth-key/empty': rule('config', 'error', 'OAUTH_SESSION_TOKEN_ENCRYPTION_KEY is set but empty'),
  'oauth-key/weak': rule('config', 'warning', 'The OAuth session encryption key is weak'),
  'oauth-key/invalid-fernet': rule('config', 'error', 'A 44-character key that is not a valid Fernet key'),
  'oauth-key/committed': rule('config', 'warning', 'A literal encryption key is committed to the repository'),
  'oauth-key/inconsistent': rule('config', 'error', 'Units of one deployment use different encryption keys'),
  'secret-key/not-persisted': rule('config', 'warning', 'WEBUI_SECRET_KEY is generated per container'),
  'database-url/not-set': rule('config', 'error', 'No PostgreSQL database is configured'),
  'database-url/invalid': rule('config', 'error', 'DATABASE_URL cannot be parsed'),
  'database-url/password-not-encoded': rule('config', 'error', 'The database password is not URL-encoded'),
  'database-url/driver-unsupported': rule('config', 'error', 'The URL scheme is rejected by the Peewee migration step'),
  'database-url/postgres-scheme': rule('config', 'notice', 'postgres:// is rewritten to postgresql://'),
  'database-url/insecure-transport': rule('config', 'warning', 'A remote database without TLS'),
  'database-url/not-postgresql': rule('config', 'warning', 'The database is not PostgreSQL'),
  'database-components/incomplete': rule('config', 'warning', 'DATABASE_* components are partly set and ignored'),
  'database-components/override-url': rule('config', 'warning', 'DATABASE_* components override DATABASE_URL'),
  'database-schema/not-default': rule('config', 'warning', 'DATABASE_SCHEMA is not used by the migrations'),
  'migrations/disabled': rule('config', 'notice', 'ENABLE_DB_MIGRATIONS is false'),
  'config/syntax': rule('config', 'error', 'A configuration file cannot be parsed'),
  'config/unreadable': rule('config', 'error', 'A configuration file cannot be read'),
  'config/no-deployment': rule('config', 'warning', 'No Open WebUI deployment was found'),
  'config/undefined-variable': rule('config', 'warning', 'A compose variable is not defined'),
  'openwebui/unknown-version': rule('config', 'warning', 'The Open WebUI release is not in the catalog'),

  // Databases
  'database/connection-failed': rule('database', 'error', 'Cannot connect to the database'),
  'database/timeout': rule('database', 'error', 'A database statement timed out'),
  'database/read-only-violation': rule('database', 'error', 'A write was refused by the read-only session'),
  'sandbox/unavailable': rule('database', 'warning', 'No sandbox database could be started'),
  'sandbox/started': rule('database', 'notice', 'Sandbox database started'),

  // Migrations and drift (checklist section 4)
  'migrations/pending': rule('migrations', 'notice', 'Migrations will run at the next start'),
  'migrations/conflict': rule('migrations', 'error', 'A migration fails on this database'),
  'migrations/history-table-misnamed': rule('migrations', 'error', 'A peewee_migrate table exists; Open WebUI reads migratehistory'),
  'migrations/unknown-revision': rule('migrations', 'error', 'alembic_version holds a revision this release does not know'),
  'migrations/downgrade': rule('migrations', 'error', 'The database is newer than the release to deploy'),
  'migrations/data-precondition': rule('migrations', 'error', 'Data that a migration refuses to migrate'),
  'migrations/up-to-date': rule('migrations', 'notice', 'The database schema is up to date'),
  'schema/drift': rule('drift', 'warning', 'The schema differs from what the release should have'),

  // OAuth sessions (checklist section 3)
  'oauth-session/write-verified': rule('oauth', 'notice', 'An encrypted OAuth session was written and read back'),
  'oauth-session/write-failed': rule('oauth', 'error', 'The OAuth session probe failed'),
  'oauth-session/table-missing': rule('oauth', 'error', 'The oauth_session table does not exist'),
  'oauth-session/plaintext-token': rule('oauth', 'error', 'OAuth tokens are stored unencrypted'),
  'oauth-session/default-key': rule('oauth', 'error', 'OAuth tokens are encrypted with a public default key'),
  'oauth-session/undecryptable': rule('oauth', 'error', 'Stored OAuth tokens do not decrypt with the key'),
  'oauth-session/previous-key': rule('oauth', 'warning', 'Stored OAuth tokens still use a previous key'),
  'oauth-session/expired': rule('oauth', 'notice', 'Expired OAuth sessions are stored'),
  'oauth-session/audit-summary': rule('oauth', 'notice', 'OAuth token audit'),

  // The tool itself
  'tool/internal-error': rule('tool', 'error', 'The check could not complete'),
} as const satisfies Record<string, RuleMeta>;

export type RuleId = keyof typeof RULES;

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
