/**
 * The finding model: what a check found, independent of how it is reported.
 * Rules create findings; the report layer turns them into annotations, SARIF, text or JSON.
 */
import { RULES, type RuleId } from './rules.ts';

export type Severity = 'error' | 'warning' | 'notice';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** A place in a file, 1-based like editors and GitHub annotations. */
export interface SourceLocation {
  /** Path relative to the checked directory, with forward slashes. */
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  title: string;
  /** What is wrong and what to do about it. Never contains a secret value. */
  message: string;
  location?: SourceLocation;
  /** Name of the deployment unit (compose service, systemd unit, .env) it concerns. */
  unit?: string;
  /** Link to the rule's documentation. */
  helpUri: string;
  /** Structured details for the JSON report (counts, ids, revisions). Never secrets. */
  details?: Record<string, unknown>;
}

export interface FindingInit {
  message: string;
  severity?: Severity;
  title?: string;
  location?: SourceLocation;
  unit?: string;
  details?: Record<string, unknown>;
}

export const DOCS_BASE = 'https://github.com/openwebui-preflight/openwebui-preflight/blob/main/docs/rules.md';

/** GitHub's heading anchor for `### <rule id>`: punctuation other than '-' and '_' is dropped. */
export function ruleAnchor(ruleId: string): string {
  return ruleId.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

export function helpUriFor(ruleId: RuleId): string {
  return `${DOCS_BASE}#${ruleAnchor(ruleId)}`;
}

/** Builds a finding with the rule's default severity and title unless overridden. */
export function finding(ruleId: RuleId, init: FindingInit): Finding {
  const rule = RULES[ruleId];
  const result: Finding = {
    ruleId,
    severity: init.severity ?? rule.severity,
    title: init.title ?? rule.title,
    message: init.message,
    helpUri: helpUriFor(ruleId),
  };
  if (init.location) result.location = init.location;
  if (init.unit) result.unit = init.unit;
  if (init.details) result.details = init.details;
  return result;
}

export interface SeverityCounts {
  errors: number;
  warnings: number;
  notices: number;
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { errors: 0, warnings: 0, notices: 0 };
  for (const f of findings) {
    if (f.severity === 'error') counts.errors++;
    else if (f.severity === 'warning') counts.warnings++;
    else counts.notices++;
  }
  return counts;
}

/** Most important first: severity, then file and line, then rule id. Stable for equal keys. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.location?.file ?? '\uffff').localeCompare(b.location?.file ?? '\uffff') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}
