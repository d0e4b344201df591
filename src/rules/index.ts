/** All configuration rules: pure functions from deployment units to findings. */
import type { ConfigScan } from '../config/model.ts';
import type { Finding } from '../findings/finding.ts';
import { viewOf, type RuleContext } from './context.ts';
import { checkDatabase } from './database-url.ts';
import { checkKeyConsistency, checkOAuthKey, checkSecretKeyPersistence } from './oauth-key.ts';

export type { RuleContext } from './context.ts';

export function checkConfiguration(scan: ConfigScan, ctx: RuleContext = {}): Finding[] {
  const views = scan.units.map((u) => viewOf(u, ctx));
  const findings: Finding[] = [];
  for (const view of views) {
    findings.push(...checkOAuthKey(view), ...checkSecretKeyPersistence(view), ...checkDatabase(view));
  }
  findings.push(...checkKeyConsistency(views));
  return findings;
}
