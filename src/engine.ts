/**
 * The one engine behind the action and the CLI. It runs the checks as steps in order; each step adds
 * findings and report sections, and an exception in a step becomes a `tool/internal-error` finding
 * rather than a stack trace. Cleanups (sandboxes, connections) always run, in reverse order.
 */
import path from 'node:path';
import type { ConfigScan, DeploymentUnit } from './config/model.ts';
import { scanConfiguration } from './config/units.ts';
import { countBySeverity, finding, SEVERITY_RANK, type Finding } from './findings/finding.ts';
import { parseDatabaseUrl, resolveDatabaseUrl, widestPasswordCandidate } from './openwebui/database-url.ts';
import { resolveRunKeys } from './oauth/key.ts';
import { deriveOpenWebUIKey, keyFingerprint } from './openwebui/encryption-key.ts';
import type { Report, UnitSummary } from './report/model.ts';
import type { Progress } from './report/progress.ts';
import { REPORT_SCHEMA_VERSION } from './report/model.ts';
import type { SecretRegistry } from './report/secrets.ts';
import { checkConfiguration } from './rules/index.ts';
import { effectiveKeyText, resolveKeySource } from './rules/oauth-key.ts';
import { viewOf } from './rules/context.ts';
import type { CheckName, Settings } from './settings/settings.ts';
import { TOOL_NAME, TOOL_VERSION } from './version.ts';
import { sandboxStep, targetStep } from './database/step.ts';
import { oauthStep } from './oauth/step.ts';
import { driftStep, migrationStep } from './migrations/step.ts';

export interface EngineIO {
  runnerEnv: Readonly<Record<string, string | undefined>>;
  progress: Progress;
  secrets: SecretRegistry;
  /** Print stack traces of internal errors (--debug, RUNNER_DEBUG=1). */
  debug?: boolean;
  /** Called when a step registers something the action's post step must clean up. */
  saveCleanupState?: (key: string, value: string) => void;
}

export interface RunContext {
  settings: Settings;
  io: EngineIO;
  root: string;
  findings: Finding[];
  report: Report;
  scan?: ConfigScan;
  /** The release checked against, once chosen. */
  release?: string;
  cleanup: CleanupStack;
}

export class CleanupStack {
  private readonly tasks: Array<{ name: string; run: () => Promise<void> }> = [];
  add(name: string, run: () => Promise<void>): void {
    this.tasks.push({ name, run });
  }
  /** Runs every task, newest first; failures are returned, never thrown. */
  async runAll(): Promise<Array<{ name: string; error: unknown }>> {
    const failures: Array<{ name: string; error: unknown }> = [];
    while (this.tasks.length) {
      const task = this.tasks.pop()!;
      try {
        await task.run();
      } catch (error) {
        failures.push({ name: task.name, error });
      }
    }
    return failures;
  }
}

export interface Step {
  name: string;
  /** The --checks names that need this step; it runs when any of them is asked for. */
  neededBy: readonly CheckName[];
  run(ctx: RunContext): Promise<void>;
}

const SECRET_NAME = /PASSWORD|SECRET|KEY|TOKEN|CREDENTIAL/i;

/** Registers every secret a unit's environment holds, and the password inside database URLs. */
export function registerUnitSecrets(units: readonly DeploymentUnit[], secrets: SecretRegistry): void {
  for (const unit of units) {
    for (const [name, v] of unit.env) {
      if (v.value === '') continue;
      if (SECRET_NAME.test(name)) secrets.add(v.value);
      if (/URL|DSN/.test(name)) registerUrlSecrets(v.value, secrets);
    }
  }
}

export function registerUrlSecrets(url: string, secrets: SecretRegistry): void {
  secrets.add(widestPasswordCandidate(url));
  const parsed = parseDatabaseUrl(url);
  if (!parsed.ok) return;
  secrets.add(parsed.url.password);
  secrets.add(parsed.url.rawPassword);
  for (const [k, v] of parsed.url.query) if (/password|secret|key|token/i.test(k)) secrets.add(v);
}

export const configStep: Step = {
  name: 'Read the deployment configuration',
  neededBy: ['config', 'database', 'migrations', 'drift', 'oauth'],
  async run(ctx) {
    const scan = await scanConfiguration(ctx.root, { extraFiles: ctx.settings.extraFiles, runnerEnv: ctx.io.runnerEnv });
    registerUnitSecrets(scan.units, ctx.io.secrets);
    ctx.scan = scan;
    ctx.findings.push(...scan.findings);
    const ruleCtx = ctx.settings.openwebuiVersion ? { release: ctx.settings.openwebuiVersion } : {};
    ctx.findings.push(...checkConfiguration(scan, ruleCtx));
    ctx.io.progress.info(`${scan.files.length} configuration files read, ${scan.units.length} deployment units found`);
  },
};

/** Steps other modules contribute, in order. Configuration always comes first. */
export const STEPS: Step[] = [configStep, targetStep, sandboxStep, migrationStep, driftStep, oauthStep];

export async function runPreflight(settings: Settings, io: EngineIO, steps: readonly Step[] = STEPS): Promise<Report> {
  for (const k of [settings.encryptionKey, ...settings.previousKeys]) io.secrets.add(k);
  if (settings.databaseUrl) registerUrlSecrets(settings.databaseUrl, io.secrets);

  const ctx: RunContext = {
    settings,
    io,
    root: path.resolve(settings.path),
    findings: [],
    report: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      summary: { errors: 0, warnings: 0, notices: 0, verdict: 'pass', failOn: settings.failOn },
      findings: [],
      units: [],
    },
    cleanup: new CleanupStack(),
  };
  // A cancelled job (SIGINT/SIGTERM) still removes its sandbox before the process ends.
  const onSignal = (signal: NodeJS.Signals) => {
    io.progress.info(`Received ${signal}: cleaning up before exiting.`);
    void ctx.cleanup.runAll().finally(() => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.kill(process.pid, signal);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const step of steps) {
      if (!step.neededBy.some((c) => settings.checks.has(c))) continue;
      const end = io.progress.step(step.name);
      try {
        await step.run(ctx);
      } catch (error) {
        ctx.findings.push(internalError(step.name, error, io));
      } finally {
        end();
      }
    }
  } finally {
    for (const failure of await ctx.cleanup.runAll()) ctx.findings.push(internalError(`clean up ${failure.name}`, failure.error, io));
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return finishReport(ctx);
}

export function internalError(stepName: string, error: unknown, io: EngineIO): Finding {
  const message = io.secrets.mask(error instanceof Error ? error.message : String(error));
  if (io.debug && error instanceof Error && error.stack) io.progress.info(io.secrets.mask(error.stack));
  return finding('tool/internal-error', {
    message: `The step "${stepName}" could not complete: ${message}. The other checks still ran. Run with --debug (or RUNNER_DEBUG=1) for details, and report it if it persists.`,
  });
}

function finishReport(ctx: RunContext): Report {
  const { settings, report } = ctx;
  // The configuration step also runs for later checks; its findings are kept only when asked for.
  const wanted = ctx.findings.filter((f) => checkOf(f) !== 'config' || settings.checks.has('config') || f.ruleId === 'tool/internal-error');
  report.findings = ctx.io.secrets.maskDeep(wanted);
  const counts = countBySeverity(report.findings);
  const threshold = settings.failOn === 'never' ? Infinity : SEVERITY_RANK[settings.failOn];
  const failed = report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold);
  report.summary = { ...counts, verdict: failed ? 'fail' : 'pass', failOn: settings.failOn };
  report.units = (ctx.scan?.units ?? []).map((u) => unitSummary(u, report.findings, ctx));
  if (ctx.release) report.openwebuiVersion ??= { version: ctx.release, source: settings.openwebuiVersion ? 'input' : 'image-tag' };
  const fingerprint = report.keyFingerprint ?? runKeyFingerprint(ctx);
  if (fingerprint) report.keyFingerprint = fingerprint;
  return ctx.io.secrets.maskDeep(report);
}

function checkOf(f: Finding): CheckName {
  const prefix = f.ruleId.split('/')[0]!;
  if (f.ruleId === 'schema/drift') return 'drift';
  if (prefix === 'migrations' && f.ruleId !== 'migrations/disabled') return 'migrations';
  if (prefix === 'oauth-session') return 'oauth';
  if (prefix === 'database' || prefix === 'sandbox') return 'database';
  return 'config';
}

function unitSummary(unit: DeploymentUnit, findings: readonly Finding[], ctx: RunContext): UnitSummary {
  const own = findings.filter((f) => f.unit === unit.name);
  const counts = countBySeverity(own);
  const summary: UnitSummary = { name: unit.name, kind: unit.kind, file: unit.location.file, errors: counts.errors, warnings: counts.warnings, notices: counts.notices };
  if (unit.location.line) summary.line = unit.location.line;
  const release = unit.openwebuiVersion ?? ctx.release;
  if (release) summary.openwebuiVersion = release;
  const resolved = resolveDatabaseUrl((n) => unit.env.get(n)?.value);
  const parsed = parseDatabaseUrl(resolved.url);
  if (parsed.ok && resolved.source !== 'default-sqlite') {
    const db: NonNullable<UnitSummary['database']> = { scheme: parsed.url.scheme, source: resolved.source };
    if (parsed.url.host) db.host = parsed.url.host;
    if (parsed.url.port) db.port = parsed.url.port;
    if (parsed.url.database) db.name = parsed.url.database;
    if (parsed.url.user) db.user = parsed.url.user;
    summary.database = db;
  }
  const view = viewOf(unit, ctx.release ? { release: ctx.release } : {});
  const source = resolveKeySource(view);
  summary.keySource = source.kind === 'explicit' || source.kind === 'fallback' ? source.variable : source.kind;
  const text = effectiveKeyText(source);
  const derived = text === undefined ? undefined : deriveOpenWebUIKey(text);
  if (derived?.ok) summary.keyFingerprint = keyFingerprint(derived.key);
  return summary;
}

/** The fingerprint of the key the run verifies (the same choice the OAuth check makes). */
function runKeyFingerprint(ctx: RunContext): string | undefined {
  return resolveRunKeys({
    ...(ctx.settings.encryptionKey ? { encryptionKey: ctx.settings.encryptionKey } : {}),
    previousKeys: [],
    units: ctx.scan?.units ?? [],
    runnerEnv: ctx.io.runnerEnv,
    secrets: ctx.io.secrets,
  }).current?.fingerprint;
}
