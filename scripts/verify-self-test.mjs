#!/usr/bin/env node
// Checks the action's JSON report in the self-test workflow: verdict, error count, expected rules.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    expect: { type: 'string' },
    errors: { type: 'string' },
    report: { type: 'string' },
    fingerprint: { type: 'string' },
    rule: { type: 'string', multiple: true, default: [] },
  },
});

const problems = [];
let report;
try {
  report = JSON.parse(readFileSync(values.report ?? '', 'utf8'));
} catch (error) {
  console.error(`Cannot read the report '${values.report}': ${error.message}`);
  process.exitCode = 1;
}
if (report) {
  if (values.expect && report.summary?.verdict !== values.expect) {
    problems.push(`verdict is '${report.summary?.verdict}', expected '${values.expect}'`);
  }
  if (values.errors !== undefined && report.summary?.errors !== Number(values.errors)) {
    problems.push(`errors is ${report.summary?.errors}, expected ${values.errors}`);
  }
  const found = new Set((report.findings ?? []).map((f) => f.ruleId));
  for (const rule of values.rule) if (!found.has(rule)) problems.push(`rule ${rule} was not reported`);
  if (values.fingerprint !== undefined && !/^sha256:[0-9a-f]{16}$/.test(values.fingerprint)) {
    problems.push(`key-fingerprint '${values.fingerprint}' is not of the form sha256:<16 hex>`);
  }
  for (const p of problems) console.error(`✗ ${p}`);
  if (problems.length) process.exitCode = 1;
  else console.log(`✓ report ${values.report}: verdict ${report.summary.verdict}, ${report.summary.errors} errors`);
}
