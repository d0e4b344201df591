/** Docker for the container tests: required in CI, skipped with a reason elsewhere. */
import { execFileSync } from 'node:child_process';
import { dockerAnswers } from '../../src/database/targets/factory.ts';

export async function dockerAvailable(): Promise<boolean> {
  const r = await dockerAnswers(process.env);
  if (!r.ok && process.env.PREFLIGHT_REQUIRE_SERVICES === '1') throw new Error(`Docker is required in CI but does not answer: ${r.reason}`);
  return r.ok;
}

export const TEST_IMAGE = process.env.PREFLIGHT_TEST_POSTGRES_IMAGE ?? 'openwebui-preflight/postgres:15';

/** Containers carrying the tool's label: of one run (`org.openwebui-preflight.run=<id>`), or of all runs. */
export function countContainers(label = 'org.openwebui-preflight'): number {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', `label=${label}`], { encoding: 'utf8' });
  return out.split(/\s+/).filter(Boolean).length;
}
