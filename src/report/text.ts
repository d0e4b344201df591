/** Output for people at a terminal: verdict first, findings grouped by file, colour only on a TTY. */
import { sortFindings, type Finding } from '../findings/finding.ts';
import type { Report } from './model.ts';

export interface TextOptions {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, green: 32, dim: 2, bold: 1 } as const;

export function renderText(report: Report, options: TextOptions): string {
  const paint = (code: keyof typeof CODES, s: string) => (options.color ? `\u001b[${CODES[code]}m${s}\u001b[0m` : s);
  const sev = (f: Finding) => (f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'notice '));
  const { errors, warnings, notices, verdict } = report.summary;
  const out: string[] = [];
  const verdictText = verdict === 'pass' ? paint('green', '✔ PASS') : paint('red', '✖ FAIL');
  out.push(`${paint('bold', verdictText)}  ${errors} errors, ${warnings} warnings, ${notices} notices${report.openwebuiVersion ? `  (Open WebUI ${report.openwebuiVersion.version}, ${report.openwebuiVersion.source})` : ''}`);
  out.push('');
  if (report.units.length) {
    out.push(paint('bold', 'Deployment units'));
    for (const u of report.units) {
      const db = u.database ? ` → ${u.database.scheme}://${u.database.host ?? ''}${u.database.port ? `:${u.database.port}` : ''}/${u.database.name ?? ''}` : '';
      out.push(`  ${u.name} (${u.openwebuiVersion ?? 'release unknown'})${db}${u.keyFingerprint ? `  key ${u.keyFingerprint}` : ''}`);
    }
    out.push('');
  }
  const groups = new Map<string, Finding[]>();
  for (const f of sortFindings(report.findings)) {
    const key = f.location?.file ?? '(no file)';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [file, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(paint('bold', file));
    for (const f of list) {
      const pos = f.location?.line ? `${f.location.line}:${f.location.column ?? 1}` : '';
      out.push(`  ${paint('dim', pos.padEnd(7))} ${sev(f)}  ${f.message}  ${paint('dim', f.ruleId)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
