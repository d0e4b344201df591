/** Engine step for checklist section 3: the probe write and the audit of stored tokens. */
import { connectionFinding, classifyError } from '../database/errors.ts';
import { sandboxOf, targetOf } from '../database/step.ts';
import type { Step } from '../engine.ts';
import { releaseFor, sandboxAtRelease } from '../migrations/step.ts';
import { featureDescription, featureRange, hasFeature } from '../openwebui/releases.ts';
import { auditTokens } from './audit.ts';
import { resolveRunKeys, type RunKey } from './key.ts';
import { randomBytes } from 'node:crypto';
import { keyFingerprint } from '../openwebui/encryption-key.ts';
import { runProbe } from './probe.ts';

export const oauthStep: Step = {
  name: 'Verify OAuth session encryption',
  neededBy: ['oauth'],
  async run(ctx) {
    const keys = resolveRunKeys({
      ...(ctx.settings.encryptionKey ? { encryptionKey: ctx.settings.encryptionKey } : {}),
      previousKeys: ctx.settings.previousKeys,
      units: ctx.scan?.units ?? [],
      runnerEnv: ctx.io.runnerEnv,
      ...(ctx.release ? { release: ctx.release } : {}),
      secrets: ctx.io.secrets,
    });
    releaseFor(ctx);
    const section: Record<string, unknown> = { key: keys.current ? { fingerprint: keys.current.fingerprint, source: keys.current.source } : { problem: keys.problem }, previousKeys: keys.previous.map((k) => k.fingerprint) };
    ctx.report.oauth = section;
    if (keys.current) ctx.report.keyFingerprint = keys.current.fingerprint;
    const target = targetOf(ctx);
    const release = ctx.release;
    if (release && !hasFeature(release, 'oauthSessionTable')) {
      ctx.io.progress.info(`Open WebUI ${release} keeps OAuth tokens in the browser session, not in oauth_session (${featureDescription('oauthSessionTable')}: since ${featureRange('oauthSessionTable').since}); nothing to probe or audit.`);
      section.storesSessions = false;
      return;
    }
    // Without a configured key (a pull request from a fork has no secrets) the sandbox probe still
    // proves the table and the encryption path, with a throwaway key, and says so.
    const probeKey = keys.current ?? throwawayKey();
    if (!keys.current) ctx.io.progress.info(`No OAuth key to verify (${keys.problem}); the sandbox probe uses a throwaway key.`);
    // Checklist section 3 in the sandbox: the schema the release will have, then a probe session.
    const db = await sandboxAtRelease(ctx);
    if (db) {
      Object.assign(section, (await collect(runProbe(db.client, { key: probeKey, where: 'sandbox', statementTimeoutMs: 60_000, lockTimeoutMs: 10_000 }), ctx)).section);
    } else if (sandboxOf(ctx)) {
      ctx.io.progress.info('The probe write in the sandbox was skipped: the migrations did not reach the release (see migrations/conflict).');
    }
    if (target && keys.current && ctx.settings.verifyWrite === 'rollback') {
      try {
        Object.assign(section, { targetProbe: (await collect(runProbe(target.client, { key: keys.current, where: 'target', statementTimeoutMs: ctx.settings.statementTimeoutMs, lockTimeoutMs: ctx.settings.lockTimeoutMs }), ctx)).section.probe });
      } catch (error) {
        ctx.findings.push(connectionFinding(classifyError(error), target.target.describe()));
      }
    }
    if (target && target.snapshot.tables.some((t) => t.name === 'oauth_session')) {
      const audit = await auditTokens(target.client, {
        keys,
        sample: ctx.settings.sample,
        onProgress: (rows) => {
          if (rows % 10_000 === 0) ctx.io.progress.info(`audited ${rows} tokens…`);
        },
      });
      ctx.findings.push(...audit.findings);
      section.audit = audit.section;
    } else if (target) {
      const { finding } = await import('../findings/finding.ts');
      ctx.findings.push(finding('oauth-session/table-missing', { message: `The target has no oauth_session table in schema ${target.snapshot.schema}: Open WebUI creates it in Alembic revision 38d63c18f30f (0.6.27+). Until it exists, OAuth logins of releases that store sessions server-side fail.` }));
    }
  },
};

async function collect<T extends { findings: import('../findings/finding.ts').Finding[] }>(promise: Promise<T>, ctx: { findings: import('../findings/finding.ts').Finding[] }): Promise<T> {
  const result = await promise;
  ctx.findings.push(...result.findings);
  return result;
}

function throwawayKey(): RunKey {
  const key = randomBytes(32);
  return { key, fingerprint: keyFingerprint(key), source: 'a throwaway key (none configured)' };
}
