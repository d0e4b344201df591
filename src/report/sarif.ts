/** SARIF 2.1.0 for GitHub code scanning: one run, the rules used, one result per finding. */
import { RULES } from '../findings/rules.ts';
import { helpUriFor, type Finding } from '../findings/finding.ts';
import type { Report } from './model.ts';

const LEVEL = { error: 'error', warning: 'warning', notice: 'note' } as const;

export function renderSarif(report: Report): object {
  const ruleIds = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            informationUri: 'https://github.com/openwebui-preflight/openwebui-preflight',
            rules: ruleIds.map((id) => ({
              id,
              name: id.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
              shortDescription: { text: RULES[id].title },
              helpUri: helpUriFor(id),
              defaultConfiguration: { level: LEVEL[RULES[id].severity] },
            })),
          },
        },
        results: report.findings.map((f) => result(f, ruleIds.indexOf(f.ruleId))),
      },
    ],
  };
}

function result(f: Finding, ruleIndex: number): object {
  const r: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.unit ? `${f.unit}: ` : ''}${f.message}` },
  };
  if (f.location) {
    const region: Record<string, number> = {};
    if (f.location.line) region.startLine = f.location.line;
    if (f.location.column) region.startColumn = f.location.column;
    if (f.location.endLine) region.endLine = f.location.endLine;
    if (f.location.endColumn) region.endColumn = f.location.endColumn;
    r.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: f.location.file, uriBaseId: '%SRCROOT%' },
          ...(Object.keys(region).length ? { region } : {}),
        },
      },
    ];
  }
  return r;
}
