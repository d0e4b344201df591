/**
 * Which key the OAuth checks verify: input `encryption-key`, else the resolved unit's key (with
 * Open WebUI's fallbacks for its release), else OAUTH_SESSION_TOKEN_ENCRYPTION_KEY / WEBUI_SECRET_KEY
 * of the runner. Previous keys come from `previous-keys`. Only derived keys and fingerprints leave
 * this module; every key text is registered as a secret.
 */
import type { DeploymentUnit } from '../config/model.ts';
import { deriveOpenWebUIKey, keyFingerprint, PUBLIC_DEFAULT_SECRET_KEY } from '../openwebui/encryption-key.ts';
import type { SecretRegistry } from '../report/secrets.ts';
import { viewOf } from '../rules/context.ts';
import { effectiveKeyText, resolveKeySource } from '../rules/oauth-key.ts';

export interface RunKey {
  key: Buffer;
  fingerprint: string;
  /** Where it came from, for the report: never the value. */
  source: string;
}

export interface KeySet {
  current?: RunKey;
  previous: RunKey[];
  /** The key derived from the public default `t0p-s3cr3t`. */
  publicDefault: Buffer;
  /** Why there is no current key, when there is none. */
  problem?: string;
}

export function resolveRunKeys(input: { encryptionKey?: string; previousKeys: string[]; units: readonly DeploymentUnit[]; runnerEnv: Readonly<Record<string, string | undefined>>; release?: string; secrets: SecretRegistry }): KeySet {
  const candidates: Array<{ text: string | undefined; source: string }> = [{ text: input.encryptionKey, source: 'input encryption-key' }];
  for (const unit of input.units) {
    const view = viewOf(unit, input.release ? { release: input.release } : {});
    const source = resolveKeySource(view);
    const text = effectiveKeyText(source);
    if (text !== undefined) candidates.push({ text, source: `${unit.name} (${source.kind === 'explicit' || source.kind === 'fallback' ? source.variable : source.kind})` });
  }
  candidates.push({ text: input.runnerEnv.OAUTH_SESSION_TOKEN_ENCRYPTION_KEY, source: 'runner OAUTH_SESSION_TOKEN_ENCRYPTION_KEY' });
  candidates.push({ text: input.runnerEnv.WEBUI_SECRET_KEY, source: 'runner WEBUI_SECRET_KEY' });
  const publicDefault = (deriveOpenWebUIKey(PUBLIC_DEFAULT_SECRET_KEY) as { key: Buffer }).key;
  const set: KeySet = { previous: [], publicDefault };
  const problems: string[] = [];
  for (const c of candidates) {
    if (!c.text) continue;
    input.secrets.add(c.text);
    const d = deriveOpenWebUIKey(c.text);
    if (!d.ok) {
      problems.push(`${c.source}: ${d.reason}`);
      continue;
    }
    input.secrets.add(d.key.toString('base64url'));
    set.current = { key: d.key, fingerprint: keyFingerprint(d.key), source: c.source };
    break;
  }
  for (const [i, text] of input.previousKeys.entries()) {
    input.secrets.add(text);
    const d = deriveOpenWebUIKey(text);
    if (d.ok) set.previous.push({ key: d.key, fingerprint: keyFingerprint(d.key), source: `previous-keys #${i + 1}` });
  }
  if (!set.current) set.problem = problems.length ? problems.join('; ') : 'no key was given (input encryption-key) and none is known from the repository or the runner environment';
  return set;
}
