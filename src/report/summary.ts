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
    lines.push(`| ${escapeMarkdownCell(u.name)} | \`${escapeMarkdownCell(u.file)}${u.line ? `:${u.line}` : ''}\` | ${u.openwebuiVersion ?? 'unknown'} | ${u.database ? `\`${escapeMarkdownCell(db)}\`` : db} | ${escapeMarkdownCell(key)} | ${counts} |`);
  }
  lines.push('');
  return lines;
}

function findingRow(f: Finding): string {
  const where = f.location ? `\`${escapeMarkdownCell(f.location.file)}${f.location.line ? `:${f.location.line}` : ''}\`` : '';
  return `| ${ICON[f.severity]} | [\`${f.ruleId}\`](${f.helpUri}) | ${where} | ${escapeMarkdownCell(f.unit ?? '')} | ${escapeMarkdownCell(f.message)} |`;
}

/** A section of the summary: a title and Markdown lines. */
export type SummarySection = { title: string; lines: string[] };

/** Mermaid flowchart of a pending chain; long chains keep their ends. */
export function chainDiagram(ids: readonly string[], failedAt?: string): string[] {
  if (ids.length === 0) return [];
  const shown = ids.length > 24 ? [...ids.slice(0, 11), '…', ...ids.slice(-12)] : [...ids];
  const lines = ['```mermaid', 'flowchart LR'];
  shown.forEach((id, i) => {
    const label = id === '…' ? `… ${ids.length - 23} more` : id.replace(/^(peewee|alembic):/, '');
    lines.push(`  m${i}["${label}"]${id === failedAt ? ':::failed' : ''}`);
    if (i > 0) lines.push(`  m${i - 1} --> m${i}`);
  });
  lines.push('  classDef failed fill:#fdd,stroke:#c00', '```');
  return lines;
}

type Json = Record<string, unknown>;

/** The sections the migration, drift and OAuth checks leave in the report, for people. */
export function reportSections(report: Report): SummarySection[] {
  const sections: SummarySection[] = [];
  const m = report.migrations as Json | undefined;
  if (m?.pending) {
    const pending = m.pending as { peewee: string[]; alembic: string[] };
    const ids = [...pending.peewee.map((n) => `peewee:${n}`), ...pending.alembic.map((r) => `alembic:${r}`)];
    const replay = m.replay as { result: string; sandbox?: string; failure?: { migration: string; sqlstate?: string; message: string }; remedies?: Array<{ id: string; sql: string[]; outcome: string; leavesDifferent: string[] }> } | undefined;
    const lines = [`${ids.length} pending on the ${m.database as string} (${pending.peewee.length} Peewee, ${pending.alembic.length} Alembic).`];
    if (replay?.result === 'clean start') lines.push(`✅ Replayed cleanly in ${replay.sandbox ?? 'the sandbox'}.`);
    if (replay?.failure) {
      lines.push(`❌ Replay fails at **${replay.failure.migration}** (${replay.failure.sqlstate ?? 'error'}): ${escapeMarkdownCell(replay.failure.message)}`);
      for (const r of replay.remedies ?? []) lines.push(`- Remedy ${r.id}: \`${r.sql.join(' ')}\` → ${r.outcome}${r.leavesDifferent?.length ? ` (leaves: ${escapeMarkdownCell(r.leavesDifferent.join('; '))})` : ''}`);
    }
    if (ids.length) lines.push('', ...chainDiagram(ids, replay?.failure?.migration));
    sections.push({ title: `Migrations to Open WebUI ${m.release as string}`, lines });
  }
  const d = report.drift as Json | undefined;
  if (d?.checked) {
    const groups = (d.groups as string[]) ?? [];
    sections.push({ title: `Schema drift against ${d.release as string}`, lines: groups.length ? groups.map((g) => `- ${escapeMarkdownCell(g)}`) : ['No drift: the schema is what its release and history should have produced.'] });
  }
  const audit = (report.oauth as Json | undefined)?.audit as { rows: number; sampled: boolean; classes: Record<string, number>; expired: number } | undefined;
  if (audit) {
    const lines = ['| valid | previous key | default key | plaintext | not Fernet | undecryptable | expired |', '|---|---|---|---|---|---|---|'];
    const c = audit.classes;
    lines.push(`| ${c.valid} | ${c['previous-key']} | ${c['default-key']} | ${c.plaintext} | ${c['not-fernet']} | ${c.undecryptable} | ${audit.expired} |`);
    sections.push({ title: `Stored OAuth tokens (${audit.rows}${audit.sampled ? ', a sample' : ''})`, lines });
  }
  return sections;
}

export function renderSummary(report: Report, options: { notAnnotated?: number; sections?: SummarySection[]; limitBytes?: number } = {}): string {
  const limit = options.limitBytes ?? SUMMARY_LIMIT_BYTES;
  const head: string[] = [verdictLine(report), ''];
  if (options.notAnnotated) {
    head.push(`> GitHub shows at most 10 annotations of each type per step: ${options.notAnnotated} finding${options.notAnnotated === 1 ? ' is' : 's are'} only listed below.`, '');
  }
  head.push('#### Deployment units', '', ...unitTable(report.units));
  for (const s of [...reportSections(report), ...(options.sections ?? [])]) head.push(`#### ${s.title}`, '', ...s.lines, '');
  const tail: string[] = [];
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
