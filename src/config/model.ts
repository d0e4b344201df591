/** What the configuration readers produce: deployment units and the environment each one sees. */
import type { Finding, SourceLocation } from '../findings/finding.ts';

export type EnvOrigin =
  | 'dotenv' // a .env file read for a unit (top-level .env or compose env_file / systemd EnvironmentFile)
  | 'compose-environment'
  | 'systemd-environment'
  | 'runner'; // the environment the checker runs in (workflow secrets arrive here)

export interface EnvValue {
  value: string;
  origin: EnvOrigin;
  /** Where the value is written. Absent for values that come from the runner. */
  location?: SourceLocation;
  /**
   * True when the value is written literally in a repository file, false when it is only a
   * reference (`${VAR}`) resolved from the runner's environment or missing.
   */
  literal: boolean;
  /**
   * Set when the value comes from a variable (`${VAR}` in compose, `- VAR` entries) that the
   * checking run does not have: it is supplied at deploy time and cannot be judged here.
   */
  unresolvedReference?: string;
}

export type UnitKind = 'compose-service' | 'systemd-unit' | 'dotenv';

export interface DeploymentUnit {
  /** Human name: `docker-compose.yml: open-webui`, `open-webui.service`, `.env`. */
  name: string;
  kind: UnitKind;
  /** Where the unit is declared (service key, unit file, .env). */
  location: SourceLocation;
  /** Units of one deployment (same compose project or same directory) should share a key. */
  deployment: string;
  image?: string;
  /** Release taken from the image tag when it names one (e.g. v0.6.41 → 0.6.41). */
  openwebuiVersion?: string;
  /** Number of processes/replicas if known (compose deploy.replicas, scale). */
  replicas?: number;
  /** The environment the Open WebUI process will see, after each tool's precedence rules. */
  env: Map<string, EnvValue>;
  /**
   * Sources of environment that exist for the unit but are not in the repository (an
   * EnvironmentFile= on the host, an env_file that is not committed): a variable missing from `env`
   * may still be set there.
   */
  unknownSources: string[];
}

export interface ConfigScan {
  units: DeploymentUnit[];
  findings: Finding[];
  /** Paths (relative) of every file that was read. */
  files: string[];
}
