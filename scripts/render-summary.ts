/**
 * Renders a job summary (Markdown) to HTML with GitHub-like styles and takes a screenshot with
 * headless Chromium, to look at what people will see.
 *   npx tsx scripts/render-summary.ts summary.md out.png
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { marked } from 'marked';

const [input, output = 'summary.png'] = process.argv.slice(2);
if (!input) {
  console.error('usage: render-summary.ts SUMMARY.md OUT.png');
  process.exitCode = 2;
} else {
  const body = await marked.parse(readFileSync(input, 'utf8'));
  const html = `<!doctype html><meta charset="utf-8"><style>
body{font:14px -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:24px auto;color:#1f2328}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d9e0;padding:6px 12px;vertical-align:top}
th{background:#f6f8fa}code{background:#eff1f3;padding:2px 4px;border-radius:4px;font-size:12px}
pre{background:#f6f8fa;padding:12px;border-radius:6px;font-size:12px}blockquote{color:#59636e;border-left:4px solid #d1d9e0;margin:0;padding:0 12px}
</style>${body}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'summary-'));
  const file = path.join(dir, 'summary.html');
  writeFileSync(file, html);
  execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, 'profile')}`, '--hide-scrollbars', '--window-size=1100,1600', `--screenshot=${path.resolve(output)}`, `file://${file}`], { stdio: 'ignore', timeout: 60_000 });
  console.log(`Wrote ${output}`);
}
