/**
 * The job summary: what people look at. Verdict first, then a table per deployment unit, then the
 * findings, then the sections other checks add (migration chain, drift, token audit). GitHub
 * refuses summaries over 1 MiB, so the findings list is cut to fit and says so.
 */
import { sortFindings, type Finding } from '../findings/finding.ts';
import type { Report, UnitSummary } from './model.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const ICON = { error: '🔴', warning: '🟠', notice: '🔵' } as const;

export function escapeMarkdownCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').replace(/</g, '&lt;');
}

export function verdictLine(report: Report): string {
  const { errors, warnings, notices, verdict, failOn } = report.summary;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${notices} notice${notices === 1 ? '' : 's'}`;
  const release = report.openwebuiVersion ? ` · Open WebUI ${report.openwebuiVersion.version}` : '';
  return verdict === 'pass' ? `### ✅ Open WebUI preflight passed — ${counts}${release}` : `### ❌ Open WebUI preflight failed (fail-on: ${failOn}) — ${counts}${release}`;
}

function unitTable(units: readonly UnitSummary[]): string[] {
  if (units.length === 0) return ['_No Open WebUI deployment unit was found._', ''];
  const lines = ['| unit | file | release | database | OAuth key | findings |', '|---|---|---|---|---|---|'];
  for (const u of units) {
    const db = u.database ? `${u.database.scheme}://${u.database.user ? `${u.database.user}@` : ''}${u.database.host ?? ''}${u.database.port ? `:${u.database.port}` : ''}/${u.database.name ?? ''}` : '—';
    const key = u.keySource ? `${u.keySource}${u.keyFingerprint ? ` \`${u.keyFingerprint}\`` : ''}` : '—';
    const counts = [u.errors ? `${ICON.error} ${u.errors}` : '', u.warnings ? `${ICON.warning} ${u.warnings}` : '', u.notices ? `${ICON.notice} ${u.notices}` : ''].filter(Boolean).join(' ') || '✅';
    lines.push(`| ${escapeMarkdownCell(u.name)} | \`${escapeMarkdownCell(u.file)}${u.line ? `:${u.line}` : ''}\` | ${u.openwebuiVersion ?? 'unknown'} | ${escapeMarkdownCell(db)} | ${escapeMarkdownCell(key)} | ${counts} |`);
  }
  lines.push('');
  return lines;
}

function findingRow(f: Finding): string {
  const where = f.location ? `\`${escapeMarkdownCell(f.location.file)}${f.location.line ? `:${f.location.line}` : ''}\`` : '';
  return `| ${ICON[f.severity]} | [\`${f.ruleId}\`](${f.helpUri}) | ${where} | ${escapeMarkdownCell(f.unit ?? '')} | ${escapeMarkdownCell(f.message)} |`;
}

/** A section other checks add: Markdown lines, given in order. */
export type SummarySection = { title: string; lines: string[] };

export function renderSummary(report: Report, options: { notAnnotated?: number; sections?: SummarySection[]; limitBytes?: number } = {}): string {
  const limit = options.limitBytes ?? SUMMARY_LIMIT_BYTES;
  const head: string[] = [verdictLine(report), ''];
  if (options.notAnnotated) {
    head.push(`> GitHub shows at most 10 annotations of each type per step: ${options.notAnnotated} finding${options.notAnnotated === 1 ? ' is' : 's are'} only listed below.`, '');
  }
  head.push('#### Deployment units', '', ...unitTable(report.units));
  const tail: string[] = [];
  for (const s of options.sections ?? []) tail.push(`#### ${s.title}`, '', ...s.lines, '');
  tail.push(`<sub>${report.tool.name} ${report.tool.version} · rules: docs/rules.md · full details in the JSON report</sub>`, '');

  const findings = sortFindings(report.findings);
  const tableHead = ['#### Findings', '', '| | rule | where | unit | what to do |', '|---|---|---|---|---|'];
  const budget = limit - Buffer.byteLength([...head, ...tableHead, ...tail].join('\n')) - 200;
  const rows: string[] = [];
  let used = 0;
  for (const f of findings) {
    const row = findingRow(f);
    const size = Buffer.byteLength(row) + 1;
    if (used + size > budget) break;
    rows.push(row);
    used += size;
  }
  const body = findings.length ? [...tableHead, ...rows, ''] : ['#### Findings', '', 'Nothing to report.', ''];
  if (rows.length < findings.length) body.push(`_${findings.length - rows.length} more findings do not fit in a job summary; see the JSON report._`, '');
  return [...head, ...body, ...tail].join('\n');
}
