/** One place that turns a report into the text of each --format. */
import type { Report } from './model.ts';
import { renderGithub } from './github.ts';
import { renderSarif } from './sarif.ts';
import { renderText } from './text.ts';
import type { OutputFormat } from '../settings/settings.ts';

export function renderReport(report: Report, format: OutputFormat, options: { color: boolean }): { text: string; notAnnotated: number } {
  switch (format) {
    case 'json':
      return { text: JSON.stringify(report, null, 2) + '\n', notAnnotated: 0 };
    case 'sarif':
      return { text: JSON.stringify(renderSarif(report), null, 2) + '\n', notAnnotated: 0 };
    case 'github': {
      const { lines, plan } = renderGithub(report.findings);
      return { text: lines.map((l) => l + '\n').join(''), notAnnotated: plan.overflow.length };
    }
    case 'text':
      return { text: renderText(report, options) + '\n', notAnnotated: 0 };
  }
}
