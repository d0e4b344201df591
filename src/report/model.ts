/** The JSON report: the stable, documented shape later workflow steps read (docs/report-schema.md). */
import type { Finding, SeverityCounts } from '../findings/finding.ts';

export const REPORT_SCHEMA_VERSION = 1;

export interface UnitSummary {
  name: string;
  kind: string;
  file: string;
  line?: number;
  openwebuiVersion?: string;
  /** Masked: host, port, database and user, never the password. */
  database?: { scheme: string; host?: string; port?: number; name?: string; user?: string; source: string };
  keySource?: string;
  keyFingerprint?: string;
  errors: number;
  warnings: number;
  notices: number;
}

export interface Report {
  schemaVersion: number;
  tool: { name: string; version: string };
  /** The release checked against and how it was chosen. */
  openwebuiVersion?: { version: string; source: 'input' | 'image-tag' | 'catalog-newest' | 'nearest-known' };
  summary: SeverityCounts & { verdict: 'pass' | 'fail'; failOn: string };
  findings: Finding[];
  units: UnitSummary[];
  keyFingerprint?: string;
  /** Sections added by the database, migration and OAuth checks. */
  database?: Record<string, unknown>;
  migrations?: Record<string, unknown>;
  drift?: Record<string, unknown>;
  oauth?: Record<string, unknown>;
}
