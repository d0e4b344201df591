/**
 * The one list of inputs. action.yml, the CLI flags and the README table are all checked against it,
 * so an input exists under the same name everywhere.
 */
export interface InputSpec {
  name: string;
  description: string;
  /** Default as written in action.yml; undefined means "no default". */
  default?: string;
  /** Values are secrets and are masked as soon as they are read. */
  secret?: boolean;
  /** CLI-only alias, e.g. --report for report-path. */
  cliAliases?: string[];
}

export const INPUTS: readonly InputSpec[] = [
  { name: 'path', description: 'Directory of the deployment repository to check (the CLI takes it as the DIR argument).', default: '.' },
  { name: 'checks', description: 'Comma-separated checks to run: config, database, migrations, drift, oauth.', default: 'config,database,migrations,drift,oauth' },
  { name: 'database-url', description: 'URL of the target database, usually a workflow secret. Accepts what Open WebUI accepts (postgres://, postgresql+psycopg2://, percent-encoded credentials, sslmode).', secret: true },
  { name: 'use-config-database', description: 'Use the DATABASE_URL resolved from the repository configuration as the target when database-url is empty.', default: 'false' },
  { name: 'database-schema', description: 'Schema of the Open WebUI tables on the target; defaults to DATABASE_SCHEMA of the unit, else the first schema of search_path.' },
  { name: 'openwebui-version', description: 'Open WebUI release to check against, e.g. 0.6.41. Defaults to the image tag found in the repository, else the newest release in the catalog.' },
  { name: 'sandbox', description: 'Where migrations are replayed: auto (container when Docker answers, else embedded), container, embedded or none.', default: 'auto' },
  { name: 'postgres-image', description: 'Image for the container sandbox. Defaults to postgres:<major of the target> or postgres:17.' },
  { name: 'statement-timeout', description: 'statement_timeout for every session on the target, in milliseconds.', default: '30000' },
  { name: 'lock-timeout', description: 'lock_timeout for every session on the target, in milliseconds.', default: '5000' },
  { name: 'simulate-on-target', description: 'off, or rollback: also run the pending migrations on the target inside a transaction that is always rolled back.', default: 'off' },
  { name: 'verify-write', description: 'off, or rollback: write the OAuth probe on the target inside a transaction that is always rolled back.', default: 'off' },
  { name: 'encryption-key', description: 'The OAuth session encryption key to verify, usually a workflow secret. Defaults to the key of the resolved unit, then OAUTH_SESSION_TOKEN_ENCRYPTION_KEY / WEBUI_SECRET_KEY of the runner.', secret: true },
  { name: 'previous-keys', description: 'Comma-separated earlier encryption keys, to find tokens whose rotation is unfinished.', secret: true },
  { name: 'sample', description: 'Audit at most this many stored OAuth tokens (0 = all).', default: '0' },
  { name: 'extra-files', description: 'Extra comma- or newline-separated globs of env, compose or systemd files to read.', default: '' },
  { name: 'format', description: 'Output format on stdout: github (workflow commands), text, json or sarif.', default: 'github' },
  { name: 'report-path', description: 'Where to write the JSON report.', cliAliases: ['report'] },
  { name: 'sarif-path', description: 'Where to write a SARIF 2.1.0 file for code scanning.' },
  { name: 'fail-on', description: 'Lowest severity that fails the run: error, warning or never.', default: 'error' },
];

export interface OutputSpec {
  name: string;
  description: string;
}

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'errors', description: 'Number of error findings.' },
  { name: 'warnings', description: 'Number of warning findings.' },
  { name: 'notices', description: 'Number of notice findings.' },
  { name: 'verdict', description: 'pass or fail, judged with fail-on.' },
  { name: 'report-path', description: 'Path of the JSON report.' },
  { name: 'key-fingerprint', description: 'Short non-reversible fingerprint of the derived OAuth encryption key, to compare environments.' },
  { name: 'openwebui-version', description: 'The Open WebUI release that was checked against.' },
];
