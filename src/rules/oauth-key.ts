/**
 * The OAuth session encryption key as Open WebUI resolves it: OAUTH_SESSION_TOKEN_ENCRYPTION_KEY,
 * unset → WEBUI_SECRET_KEY → WEBUI_JWT_SECRET_KEY → the public `t0p-s3cr3t` (≤0.9.5) or, under
 * start.sh / `open-webui serve`, a secret generated per container; set but empty → no start.
 */
import type { DeploymentUnit } from '../config/model.ts';
import { finding, type Finding, type SourceLocation } from '../findings/finding.ts';
import { deriveOpenWebUIKey, keyFingerprint, PUBLIC_DEFAULT_SECRET_KEY } from '../openwebui/encryption-key.ts';
import { hasFeature } from '../openwebui/releases.ts';
import { releaseLabel, type UnitView } from './context.ts';

export const OAUTH_KEY = 'OAUTH_SESSION_TOKEN_ENCRYPTION_KEY';

export type KeySource =
  | { kind: 'explicit'; variable: string; value: string; location: SourceLocation; literal: boolean }
  | { kind: 'fallback'; variable: 'WEBUI_SECRET_KEY' | 'WEBUI_JWT_SECRET_KEY'; value: string; location: SourceLocation; literal: boolean }
  | { kind: 'public-default'; value: string }
  | { kind: 'generated-per-container' }
  | { kind: 'empty'; variable: string; location: SourceLocation }
  | { kind: 'startup-abort' }
  /** Supplied at deploy time by a variable this run does not have, or by a file not in the repository. */
  | { kind: 'unknown'; reason: string; location?: SourceLocation };

/** Whether the unit is started through start.sh or `open-webui serve`, which generate WEBUI_SECRET_KEY. */
function generatesSecretKey(unit: DeploymentUnit): boolean {
  return unit.kind === 'compose-service' || unit.kind === 'systemd-unit';
}

export function resolveKeySource(view: UnitView): KeySource {
  const explicit = view.get(OAUTH_KEY);
  if (explicit) {
    if (explicit.unresolvedReference !== undefined) return { kind: 'unknown', reason: `it comes from \${${explicit.unresolvedReference}} at deploy time`, location: view.location(OAUTH_KEY) };
    if (explicit.value === '') return { kind: 'empty', variable: OAUTH_KEY, location: view.location(OAUTH_KEY) };
    return { kind: 'explicit', variable: OAUTH_KEY, value: explicit.value, location: view.location(OAUTH_KEY), literal: explicit.literal };
  }
  for (const variable of ['WEBUI_SECRET_KEY', 'WEBUI_JWT_SECRET_KEY'] as const) {
    const v = view.get(variable);
    if (!v) continue;
    if (v.unresolvedReference !== undefined) return { kind: 'unknown', reason: `it falls back to ${variable}, which comes from \${${v.unresolvedReference}} at deploy time`, location: view.location(variable) };
    // start.sh treats an empty WEBUI_SECRET_KEY like a missing one and generates a key.
    if (v.value === '') continue;
    return { kind: 'fallback', variable, value: v.value, location: view.location(variable), literal: v.literal };
  }
  if (view.unit.unknownSources.length > 0) return { kind: 'unknown', reason: `it may be set in ${view.unit.unknownSources.join(', ')}, which is not in the repository` };
  if (generatesSecretKey(view.unit)) return { kind: 'generated-per-container' };
  if (!view.release || hasFeature(view.release, 'publicDefaultSecretKey')) return { kind: 'public-default', value: PUBLIC_DEFAULT_SECRET_KEY };
  return { kind: 'startup-abort' };
}

/** The key text Open WebUI would use, when it is known here. */
export function effectiveKeyText(source: KeySource): string | undefined {
  return source.kind === 'explicit' || source.kind === 'fallback' || source.kind === 'public-default' ? source.value : undefined;
}

const PLACEHOLDER = /^(change[-_ ]?me.*|changeit|secret|password|your[-_ ]?.*|xxx+|todo|replace[-_ ]?me.*|example.*|test|default|<.*>|\{\{.*\}\}|\$\{.*\}|\$[A-Z_]+|t0p-s3cr3t|URL-ENCODED-PASSWORD)$/i;

/** Why a key is weak, or undefined when it looks strong enough. */
export function weakness(value: string): string | undefined {
  if (value === PUBLIC_DEFAULT_SECRET_KEY) return `it is Open WebUI's public default '${PUBLIC_DEFAULT_SECRET_KEY}'`;
  if (PLACEHOLDER.test(value.trim())) return /^\$\{.*\}$|^\$[A-Z_]+$/.test(value.trim()) ? 'it is an unexpanded variable reference (systemd and .env files read by systemd do not expand ${…}), so the literal text is the key' : 'it is a placeholder';
  const derived = deriveOpenWebUIKey(value);
  if (derived.ok && derived.path === 'as-is') {
    return new Set(derived.key).size < 12 ? 'its 32 bytes repeat a few values: it was not generated randomly' : undefined;
  }
  if (value.length < 16) return `it has only ${value.length} characters`;
  const bits = entropyBits(value);
  if (bits < 96) return `its estimated entropy is about ${Math.round(bits)} bits (less than 96)`;
  return undefined;
}

/** A conservative estimate: length × log2(size of the character classes used), capped by distinct characters. */
export function entropyBits(value: string): number {
  let pool = 0;
  if (/[a-z]/.test(value)) pool += 26;
  if (/[A-Z]/.test(value)) pool += 26;
  if (/[0-9]/.test(value)) pool += 10;
  if (/[^A-Za-z0-9]/.test(value)) pool += 33;
  const distinct = new Set(value).size;
  return value.length * Math.log2(Math.max(2, Math.min(pool, distinct * 2)));
}

const GENERATE = `python3 -c "import secrets,base64;print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"`;

export function checkOAuthKey(view: UnitView): Finding[] {
  const findings: Finding[] = [];
  const source = resolveKeySource(view);
  const unit = view.unit.name;
  const label = releaseLabel(view.release);
  const deletes = !view.release || hasFeature(view.release, 'deletesUndecryptableSessions');
  const consequence = deletes
    ? 'Sessions written under one key are deleted as soon as another key reads them (Open WebUI 0.8.2+ deletes undecryptable sessions when a user logs in), so users are logged out and MCP tool-server tokens are lost.'
    : 'Sessions written under one key can no longer be read under another, so users must log in again.';

  switch (source.kind) {
    case 'empty':
      findings.push(
        finding('oauth-key/empty', {
          message: `${OAUTH_KEY} is set to an empty string. Open WebUI does not fall back to WEBUI_SECRET_KEY in that case: the OAuth session table raises "${OAUTH_KEY} is not set" at import and ${label} does not start. Remove the empty assignment or give it a key (${GENERATE}).`,
          location: source.location,
          unit,
        }),
      );
      return findings;
    case 'fallback':
      findings.push(
        finding('oauth-key/not-set', {
          severity: 'warning',
          message: `${OAUTH_KEY} is not set, so Open WebUI encrypts OAuth sessions with ${source.variable}. Rotating ${source.variable} (it also signs login tokens) will then make every stored session undecryptable. ${consequence} Set ${OAUTH_KEY} to its own secret, the same on every replica.`,
          location: view.unit.location,
          unit,
        }),
      );
      break;
    case 'generated-per-container':
      findings.push(
        finding('oauth-key/not-set', {
          message: `Neither ${OAUTH_KEY} nor WEBUI_SECRET_KEY is set. ${view.unit.kind === 'compose-service' ? "The image's start.sh" : '`open-webui serve`'} then generates a random WEBUI_SECRET_KEY into .webui_secret_key${view.unit.kind === 'compose-service' ? ' in /app/backend, outside the data volume: every recreated container and every replica gets a different key' : ' in the working directory'}${view.release && !hasFeature(view.release, 'publicDefaultSecretKey') ? '' : "; started any other way, releases up to 0.9.5 use the public default 't0p-s3cr3t'"}. ${consequence} Set ${OAUTH_KEY} from a secret (${GENERATE}).`,
          location: view.unit.location,
          unit,
        }),
      );
      break;
    case 'public-default':
      findings.push(
        finding('oauth-key/not-set', {
          message: `Neither ${OAUTH_KEY} nor WEBUI_SECRET_KEY is set, so ${label} encrypts OAuth sessions with the public default '${PUBLIC_DEFAULT_SECRET_KEY}': anyone who can read the database can decrypt the tokens. Set ${OAUTH_KEY} from a secret (${GENERATE}).`,
          location: view.unit.location,
          unit,
        }),
      );
      break;
    case 'startup-abort':
      findings.push(
        finding('oauth-key/not-set', {
          message: `Neither ${OAUTH_KEY} nor WEBUI_SECRET_KEY is set. ${label} stops at start when WEBUI_SECRET_KEY is empty and authentication is on. Set both from secrets (${GENERATE}).`,
          location: view.unit.location,
          unit,
        }),
      );
      return findings;
    case 'unknown':
    case 'explicit':
      break;
  }

  const text = effectiveKeyText(source);
  if (text === undefined) return findings;
  const variable = source.kind === 'explicit' || source.kind === 'fallback' ? source.variable : 'WEBUI_SECRET_KEY';
  const location = source.kind === 'explicit' || source.kind === 'fallback' ? source.location : view.unit.location;
  const derived = deriveOpenWebUIKey(text);
  if (!derived.ok) {
    findings.push(
      finding('oauth-key/invalid-fernet', {
        message: `${variable}${source.kind === 'fallback' ? ` (used as ${OAUTH_KEY}, which is not set)` : ''} has exactly 44 characters, so Open WebUI hands it to Fernet as it is; it is not urlsafe base64 of 32 bytes, so ${label} stops with "Error initializing Fernet". The checklist's "44 characters are used as is" leaves this out. Generate a real Fernet key (${GENERATE}) or use a passphrase of another length.`,
        location,
        unit,
      }),
    );
  } else if (source.kind !== 'public-default') {
    const weak = weakness(text);
    if (weak) {
      findings.push(
        finding('oauth-key/weak', {
          message: `The OAuth session encryption key from ${variable} is weak: ${weak}. Any value that is not 44 characters is only hashed with SHA-256, which adds no entropy, so a guessable value means decryptable tokens. Use 32 random bytes (${GENERATE}).`,
          location,
          unit,
        }),
      );
    }
  }
  if ((source.kind === 'explicit' || source.kind === 'fallback') && source.literal) {
    findings.push(
      finding('oauth-key/committed', {
        message: `${variable} is written literally in ${source.location.file}: whoever can read the repository can decrypt the stored OAuth tokens. Move it to a secret (e.g. \${${variable}} filled from the CI/CD secret store), rotate it, and pass the old value in previous-keys to track the rotation.`,
        location,
        unit,
      }),
    );
  }
  return findings;
}

/** Units of one deployment must derive the same Fernet key. Compares derived keys, never strings. */
export function checkKeyConsistency(views: readonly UnitView[]): Finding[] {
  const findings: Finding[] = [];
  const byDeployment = new Map<string, UnitView[]>();
  for (const v of views) byDeployment.set(v.unit.deployment, [...(byDeployment.get(v.unit.deployment) ?? []), v]);
  for (const [deployment, group] of byDeployment) {
    const keyed = group.flatMap((v) => {
      const text = effectiveKeyText(resolveKeySource(v));
      const derived = text === undefined ? undefined : deriveOpenWebUIKey(text);
      return derived?.ok ? [{ view: v, fingerprint: keyFingerprint(derived.key) }] : [];
    });
    const distinct = new Set(keyed.map((k) => k.fingerprint));
    if (distinct.size > 1) {
      const listing = keyed.map((k) => `${k.view.unit.name} (${k.fingerprint})`).join(', ');
      for (const k of keyed.slice(1).filter((x) => x.fingerprint !== keyed[0]!.fingerprint)) {
        findings.push(
          finding('oauth-key/inconsistent', {
            message: `The units of ${deployment} derive ${distinct.size} different OAuth session keys: ${listing}. A session written by one cannot be read by another; Open WebUI then deletes it and the user is logged out. Give every unit the same ${OAUTH_KEY}.`,
            location: resolveLocation(k.view),
            unit: k.view.unit.name,
          }),
        );
      }
    }
  }
  return findings;
}

function resolveLocation(view: UnitView): SourceLocation {
  const s = resolveKeySource(view);
  return s.kind === 'explicit' || s.kind === 'fallback' ? s.location : view.unit.location;
}

/** WEBUI_SECRET_KEY generated per container: logins and OAuth client data break on every recreate. */
export function checkSecretKeyPersistence(view: UnitView): Finding[] {
  if (view.unit.kind !== 'compose-service' || view.unit.unknownSources.length > 0) return [];
  const secret = view.get('WEBUI_SECRET_KEY') ?? view.get('WEBUI_JWT_SECRET_KEY');
  if (secret && (secret.value !== '' || secret.unresolvedReference !== undefined)) return [];
  return [
    finding('secret-key/not-persisted', {
      message: `WEBUI_SECRET_KEY is not set, so the image's start.sh generates one into /app/backend/.webui_secret_key, outside the /app/backend/data volume. Recreating the container logs everybody out and makes stored OAuth client information undecryptable (open-webui/docs#822); replicas disagree. Set WEBUI_SECRET_KEY from a secret.`,
      location: view.unit.location,
      unit: view.unit.name,
    }),
  ];
}
