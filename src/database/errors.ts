/** Turns any connection or query error into a cause an operator can act on. */
import { finding, type Finding } from '../findings/finding.ts';

export type FailureKind =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'tls-required'
  | 'tls-failed'
  | 'authentication'
  | 'database-missing'
  | 'permission'
  | 'read-only'
  | 'statement-timeout'
  | 'lock-timeout'
  | 'terminated'
  | 'invalid-url'
  | 'other';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** SQLSTATE or Node error code, when there is one. */
  code?: string;
  /** The driver's own message, to be masked before printing. */
  detail: string;
}

export function classifyError(error: unknown): ClassifiedFailure {
  const e = error as { code?: string; message?: string; errno?: number };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = String(e?.message ?? error);
  const kind = ((): FailureKind => {
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
    if (code === 'ECONNREFUSED') return 'refused';
    if (code === 'ETIMEDOUT' || /timeout expired|connection timeout|timed out/i.test(message)) return 'timeout';
    if (/no encryption|SSL off|requires SSL|must use SSL/i.test(message)) return 'tls-required';
    if (/does not support SSL|self[- ]signed|certificate|altnames|unable to verify|SSL|TLS|ERR_TLS/i.test(message) || /CERT|TLS|SSL/.test(code ?? '')) return 'tls-failed';
    if (code === '28P01' || code === '28000') return 'authentication';
    if (code === '3D000') return 'database-missing';
    if (code === '42501') return 'permission';
    if (code === '25006') return 'read-only';
    if (code === '57014') return 'statement-timeout';
    if (code === '55P03') return 'lock-timeout';
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === 'ECONNRESET' || code === 'EPIPE' || /terminat|Connection ended|closed/i.test(message)) return 'terminated';
    return 'other';
  })();
  const result: ClassifiedFailure = { kind, detail: message };
  if (code) result.code = code;
  return result;
}

const ADVICE: Record<FailureKind, (where: string) => string> = {
  dns: (w) => `The host name of ${w} does not resolve. Check the host in the URL and the runner's DNS (a private name needs a self-hosted runner or a VPN step).`,
  refused: (w) => `Nothing accepts connections at ${w}. Check the host and port, that PostgreSQL listens on that address (listen_addresses), and firewalls or security groups.`,
  timeout: (w) => `Connecting to ${w} timed out. A firewall probably drops the packets: allow the runner's address, or run the check from a runner inside the network.`,
  'tls-required': (w) => `${w} requires an encrypted connection (pg_hba.conf has only hostssl for this user). Add ?sslmode=require, or better sslmode=verify-full&sslrootcert=/path/to/ca.pem.`,
  'tls-failed': (w) => `The TLS handshake with ${w} failed: the server does not offer TLS or its certificate cannot be verified. Check sslmode and sslrootcert (the CA that signed the server's certificate), and that the host name matches the certificate.`,
  authentication: (w) => `${w} refused the user name or password. Check the credentials (a password with reserved characters must be percent-encoded in the URL) and that pg_hba.conf allows this user from the runner's address.`,
  'database-missing': (w) => `The database named in the URL does not exist on ${w}. Create it (CREATE DATABASE) or fix the name; Open WebUI does not create databases.`,
  permission: (w) => `The user lacks a privilege on ${w}. The read-only checks need CONNECT and USAGE on the schema and SELECT on Open WebUI's tables (GRANT pg_read_all_data TO the user, PostgreSQL 14+).`,
  'read-only': (w) => `A statement was refused by the read-only session on ${w}. This tool only writes when asked (simulate-on-target / verify-write); please report this.`,
  'statement-timeout': (w) => `A statement on ${w} exceeded statement-timeout. Raise the input, or run the check when the database is less busy.`,
  'lock-timeout': (w) => `A lock on ${w} was not granted within lock-timeout: another session holds it. Retry later or raise the input.`,
  terminated: (w) => `The server at ${w} closed the session (restarted, or pg_terminate_backend). Retry; if it persists, check the server's log.`,
  'invalid-url': () => `The database URL cannot be used. Expected postgresql://USER:URL-ENCODED-PASSWORD@HOST:5432/DATABASE.`,
  other: (w) => `The database at ${w} reported an error.`,
};

export const FAILURE_LABEL: Record<FailureKind, string> = {
  dns: 'DNS lookup failed',
  refused: 'connection refused',
  timeout: 'connection timed out',
  'tls-required': 'TLS required by the server',
  'tls-failed': 'TLS failed',
  authentication: 'authentication failed',
  'database-missing': 'database does not exist',
  permission: 'permission denied',
  'read-only': 'write refused in read-only session',
  'statement-timeout': 'statement timeout',
  'lock-timeout': 'lock timeout',
  terminated: 'session terminated',
  'invalid-url': 'invalid URL',
  other: 'error',
};

/** A finding for a failed connection or query. `where` is host:port as user@host:port, never the password. */
export function connectionFinding(failure: ClassifiedFailure, where: string, role: 'target' | 'sandbox' = 'target'): Finding {
  const ruleId = failure.kind === 'statement-timeout' || failure.kind === 'lock-timeout' ? 'database/timeout' : failure.kind === 'read-only' ? 'database/read-only-violation' : 'database/connection-failed';
  return finding(ruleId, {
    message: `${role === 'target' ? 'The target database' : 'The sandbox database'} (${where}): ${FAILURE_LABEL[failure.kind]}${failure.code ? ` [${failure.code}]` : ''} — ${failure.detail}. ${ADVICE[failure.kind](where)}`,
    details: { cause: failure.kind, ...(failure.code ? { code: failure.code } : {}) },
  });
}
