/**
 * GitHub workflow commands, byte for byte as @actions/core writes them
 * (`::error title=…,file=…,line=…,endLine=…,col=…,endColumn=…::message`). GitHub shows at most
 * 10 annotations of each type per step, so only the most important are emitted; the rest are
 * listed in the job summary.
 */
import { sortFindings, type Finding, type Severity } from '../findings/finding.ts';

export const ANNOTATIONS_PER_TYPE = 10;

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', notice: 'notice' };

export function formatAnnotation(f: Finding): string {
  // The same property order as @actions/core's toCommandProperties.
  const props: Array<[string, string | number | undefined]> = [
    ['title', `${f.title} [${f.ruleId}]`],
    ['file', f.location?.file],
    ['line', f.location?.line],
    ['endLine', f.location?.endLine],
    ['col', f.location?.column],
    ['endColumn', f.location?.endColumn],
  ];
  const text = props
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  const message = `${f.unit ? `${f.unit}: ` : ''}${f.message}\nSee ${f.helpUri}`;
  return `::${COMMAND[f.severity]}${text ? ` ${text}` : ''}::${escapeData(message)}`;
}

export interface AnnotationPlan {
  annotated: Finding[];
  /** Findings not annotated because of GitHub's limit; the summary lists them. */
  overflow: Finding[];
}

export function planAnnotations(findings: readonly Finding[], perType = ANNOTATIONS_PER_TYPE): AnnotationPlan {
  const annotated: Finding[] = [];
  const overflow: Finding[] = [];
  const used: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of sortFindings(findings)) {
    if (used[f.severity] < perType) {
      used[f.severity]++;
      annotated.push(f);
    } else overflow.push(f);
  }
  return { annotated, overflow };
}

/** All annotation lines for a run, most important first. */
export function renderGithub(findings: readonly Finding[]): { lines: string[]; plan: AnnotationPlan } {
  const plan = planAnnotations(findings);
  return { lines: plan.annotated.map(formatAnnotation), plan };
}
