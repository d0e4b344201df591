/** DATABASE_URL and the DATABASE_* components, judged the way the release's env.py and db.py read them. */
import { finding, type Finding } from '../findings/finding.ts';
import {
  DATABASE_COMPONENTS,
  EXPECTED_URL_FORM,
  isPercentEncodingValid,
  isPostgres,
  parseDatabaseUrl,
  PEEWEE_POSTGRES_SCHEMES,
  redactUrl,
  RESERVED_IN_PASSWORD,
  resolveDatabaseUrl,
  type ParsedDatabaseUrl,
  widestPasswordCandidate,
} from '../openwebui/database-url.ts';
import { compareVersions, hasFeature } from '../openwebui/releases.ts';
import { releaseLabel, type UnitView } from './context.ts';

const SECURE_SSLMODES = new Set(['require', 'verify-ca', 'verify-full']);

export function isLocalHost(host: string | undefined): boolean {
  if (!host) return true; // no host: a Unix socket
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.startsWith('/') || h.endsWith('.localhost');
}

/** Characters in a password that must be percent-encoded, each with its encoding, for messages. */
export function reservedCharacters(password: string): string[] {
  const found = new Set<string>();
  for (const ch of password) {
    if (ch === '%' && isPercentEncodingValid(password)) continue;
    if (RESERVED_IN_PASSWORD.test(ch)) found.add(ch);
  }
  return [...found].map((c) => `'${c}' → ${encodeURIComponent(c) === c ? '%' + c.charCodeAt(0).toString(16).toUpperCase() : encodeURIComponent(c)}`);
}

export function checkDatabase(view: UnitView): Finding[] {
  const findings: Finding[] = [];
  const unit = view.unit.name;
  const label = releaseLabel(view.release);
  const resolved = resolveDatabaseUrl((name) => view.lookup(name));
  const urlVar = view.get('DATABASE_URL');

  // Components: partial sets are ignored silently; complete sets override DATABASE_URL.
  const componentsPresent = DATABASE_COMPONENTS.filter((c) => view.get(c) !== undefined);
  if (resolved.source !== 'components' && resolved.componentsSet.length > 0) {
    const missing = DATABASE_COMPONENTS.filter((c) => c !== 'DATABASE_PASSWORD' && c !== 'DATABASE_USER' && !resolved.componentsSet.includes(c));
    const credMissing = !resolved.componentsSet.includes('DATABASE_USER') && !resolved.componentsSet.includes('DATABASE_PASSWORD');
    const missingList = [...missing, ...(credMissing ? ['DATABASE_USER or DATABASE_PASSWORD'] : [])];
    if (missingList.length > 0 && !componentsPresent.some((c) => view.isUnresolved(c))) {
      findings.push(
        finding('database-components/incomplete', {
          message: `${resolved.componentsSet.join(', ')} ${resolved.componentsSet.length === 1 ? 'is' : 'are'} set but ${missingList.join(', ')} ${missingList.length === 1 ? 'is' : 'are'} not. Open WebUI builds a URL from the components only when all are non-empty; otherwise it ignores all of them silently and uses ${urlVar ? 'DATABASE_URL' : 'SQLite in DATA_DIR'}. Set the missing ones, or remove the partial set.`,
          location: view.location(resolved.componentsSet[0]!),
          unit,
        }),
      );
    }
  }
  if (resolved.componentsOverrodeUrl) {
    findings.push(
      finding('database-components/override-url', {
        message: `DATABASE_URL is set, but DATABASE_TYPE, credentials, DATABASE_HOST, DATABASE_PORT and DATABASE_NAME are all set too, and Open WebUI's env.py then REPLACES DATABASE_URL with the URL built from the components (the official docs say the opposite). The database used is ${maskedComponents(view)}. Keep only one of the two.`,
        location: view.location('DATABASE_URL'),
        unit,
      }),
    );
  }

  if (resolved.source === 'default-sqlite') {
    if (view.unit.unknownSources.length > 0) return findings;
    findings.push(
      finding('database-url/not-set', {
        message: `No DATABASE_URL and no complete set of DATABASE_* components reach this unit. Open WebUI does not fail: it silently uses SQLite at ${resolved.url.replace(/^sqlite:\/\//, '')} inside the ${view.unit.kind === 'compose-service' ? 'container' : 'host'}, and nothing reaches PostgreSQL. Set DATABASE_URL=${EXPECTED_URL_FORM}.`,
        location: view.unit.location,
        unit,
      }),
    );
    return findings;
  }
  // A URL supplied at deploy time cannot be judged here.
  if (resolved.source === 'DATABASE_URL' && urlVar?.unresolvedReference !== undefined) return findings;
  if (resolved.source === 'components' && componentsPresent.some((c) => view.isUnresolved(c))) return findings;

  const location = resolved.source === 'components' ? view.location('DATABASE_HOST') : view.location('DATABASE_URL');
  if (resolved.source === 'components') {
    // An unencoded password breaks the built URL; say that rather than "cannot be parsed".
    const passwordProblems = passwordFindings(view, undefined, 'components', location);
    if (passwordProblems.length) return [...findings, ...passwordProblems];
  }
  const parsed = parseDatabaseUrl(resolved.url);
  const widest = widestPasswordCandidate(resolved.url);
  if (resolved.source !== 'components' && widest !== undefined && (!parsed.ok || widest !== parsed.url.rawPassword) && reservedCharacters(widest).length > 0) {
    // The password itself breaks the URL: say so, and quote nothing that could be part of it.
    findings.push(
      finding('database-url/password-not-encoded', {
        message: `DATABASE_URL cannot be read as intended: the password contains characters reserved in URLs (${reservedCharacters(widest).join(', ')}), so parsers cut it short and read the rest as host, port or path. Percent-encode the password (python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1], safe=''))" 'PASSWORD') and write ${EXPECTED_URL_FORM}.`,
        location,
        unit,
      }),
    );
    return findings;
  }
  if (!parsed.ok) {
    findings.push(
      finding('database-url/invalid', {
        message: `The database URL ${resolved.source === 'components' ? 'built from DATABASE_* ' : ''}cannot be parsed: ${parsed.reason}. Expected ${parsed.expected}.`,
        location,
        unit,
      }),
    );
    return findings;
  }
  const url = parsed.url;
  if (resolved.postgresSchemeRewritten) {
    findings.push(
      finding('database-url/postgres-scheme', {
        message: `The URL starts with postgres://. Open WebUI replaces every 'postgres://' in it with 'postgresql://' before use, so this works; write postgresql:// to avoid surprises in other tools.`,
        location,
        unit,
      }),
    );
  }
  if (!isPostgres(url)) {
    if (url.dialect !== 'sqlite') {
      findings.push(finding('database-url/not-postgresql', { message: `The database is ${url.dialect}, not PostgreSQL; this tool checks PostgreSQL deployments, so the database checks skip this unit.`, location, unit }));
    } else {
      findings.push(finding('database-url/not-postgresql', { message: `DATABASE_URL points at SQLite (${url.scheme}); the remote PostgreSQL this deployment is meant for is not used.`, location, unit }));
    }
    return findings;
  }

  if (resolved.source !== 'components') findings.push(...passwordFindings(view, url, resolved.source, location));

  // Peewee (≤0.9.5) receives the URL with postgresql:// turned into postgres:// and knows no driver suffixes.
  const peeweeScheme = url.scheme.toLowerCase().replace(/^postgresql(?=$|\+)/, 'postgres');
  const peeweeRuns = !view.release || hasFeature(view.release, 'peeweeMigrations');
  if (url.driver && !PEEWEE_POSTGRES_SCHEMES.has(peeweeScheme) && peeweeRuns) {
    const where = resolved.source === 'components' ? 'DATABASE_TYPE' : 'DATABASE_URL';
    findings.push(
      finding('database-url/driver-unsupported', {
        severity: view.release ? 'error' : 'warning',
        message: `${where} uses the scheme '${url.scheme}'. ${view.release ? label : 'Open WebUI up to 0.9.5'} hands the URL to Peewee's playhouse.db_url for its migration step, which does not know '${url.scheme.replace(/^postgresql/, 'postgres')}' and stops the start with "Unrecognized or unsupported scheme" (upstream #14081, #23939) — the checklist's own examples use postgresql+psycopg2. Use 'postgresql://'${resolved.source === 'components' ? ' (DATABASE_TYPE=postgresql)' : ''}; Open WebUI picks the driver itself.`,
        location,
        unit,
      }),
    );
  }

  const sslmode = url.query.find(([k]) => k === 'sslmode')?.[1] ?? url.query.find(([k]) => k === 'ssl')?.[1];
  if (!isLocalHost(url.host) && !(sslmode && (SECURE_SSLMODES.has(sslmode) || sslmode === 'true'))) {
    const asyncNote = view.release && compareVersions(view.release, '0.9.0') >= 0 ? '' : ' (releases before 0.9.0 pass query parameters to psycopg2 as they are, so use sslmode, not ssl)';
    findings.push(
      finding('database-url/insecure-transport', {
        message: `The database host ${url.host} is not local and the URL ${sslmode ? `has sslmode=${sslmode}` : 'sets no sslmode'}. libpq's default 'prefer' falls back to an unencrypted connection and never checks the certificate, so the password and OAuth tokens can cross the network in the clear or to an impostor. Append ?sslmode=verify-full&sslrootcert=/path/to/ca.pem (or at least sslmode=require)${asyncNote}.`,
        location,
        unit,
      }),
    );
  }

  const schema = view.value('DATABASE_SCHEMA');
  if (schema && schema !== 'public') {
    findings.push(
      finding('database-schema/not-default', {
        message: `DATABASE_SCHEMA=${schema} is used only by Open WebUI's runtime queries. Its Peewee and Alembic migrations create the tables, migratehistory and alembic_version in the first schema of the role's search_path (upstream #12975, #14216), so the app queries tables that were never created in '${schema}'. Set the role's search_path instead: ALTER ROLE ${url.user ?? 'open_webui'} SET search_path = ${schema};`,
        location: view.location('DATABASE_SCHEMA'),
        unit,
      }),
    );
  }
  const migrations = view.value('ENABLE_DB_MIGRATIONS');
  if (migrations !== undefined && migrations.toLowerCase() !== 'true' && (!view.release || hasFeature(view.release, 'enableDbMigrationsSwitch'))) {
    findings.push(
      finding('migrations/disabled', {
        message: `ENABLE_DB_MIGRATIONS=${migrations} (anything but 'true' disables it): this unit runs neither the Peewee nor the Alembic step at start. That is right for all replicas but one; make sure one instance or a job migrates before this release serves traffic.`,
        location: view.location('ENABLE_DB_MIGRATIONS'),
        unit,
      }),
    );
  }
  return findings;
}

function passwordFindings(view: UnitView, url: ParsedDatabaseUrl | undefined, source: string, location: ReturnType<UnitView['location']>): Finding[] {
  const unit = view.unit.name;
  if (source === 'components') {
    const password = view.value('DATABASE_PASSWORD');
    if (password === undefined) return [];
    const chars = reservedCharacters(password);
    if (chars.length === 0) return [];
    return [
      finding('database-url/password-not-encoded', {
        message: `DATABASE_PASSWORD contains characters reserved in URLs (${chars.join(', ')}). Open WebUI inserts it into the URL verbatim, without encoding, so the URL splits in the wrong place and the connection uses the wrong password or host. Set DATABASE_PASSWORD to the percent-encoded form (python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1], safe=''))" 'PASSWORD').`,
        location: view.location('DATABASE_PASSWORD'),
        unit,
      }),
    ];
  }
  if (!url) return [];
  const raw = url.rawPassword;
  const problems = [...url.ambiguities];
  if (raw !== undefined) {
    const chars = reservedCharacters(raw);
    if (chars.length) problems.unshift(`the password contains ${chars.join(', ')}`);
  }
  if (problems.length === 0) return [];
  return [
    finding('database-url/password-not-encoded', {
      message: `DATABASE_URL is ambiguous: ${[...new Set(problems)].join('; ')}. SQLAlchemy splits the credentials at the first '@' while Peewee (≤0.9.5) uses urlparse, which splits at the last '@' and cuts at '#'; they connect to different places and both fail. Percent-encode the password: ${redactUrl(url)} with the password written as urllib.parse.quote(password, safe='').`,
      location,
      unit,
    }),
  ];
}

/** The URL env.py builds from the components, with the password masked; never parsed, so never wrong. */
function maskedComponents(view: UnitView): string {
  const password = view.lookup('DATABASE_PASSWORD') ? ':***' : '';
  return `${view.lookup('DATABASE_TYPE')}://${view.lookup('DATABASE_USER') ?? ''}${password}@${view.lookup('DATABASE_HOST')}:${view.lookup('DATABASE_PORT')}/${view.lookup('DATABASE_NAME')}`;
}
