/**
 * Regenerates src/openwebui/data/features.json: for each feature, which catalogued releases match its
 * probe (a pattern in a source file). `since` moves to the first matching release unless the feature
 * is older than the catalog; `until` is the last matching release when newer ones no longer match.
 *
 *   npx tsx tools/catalog/features.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git, OPENWEBUI_GIT } from './sources.ts';

const FEATURES = path.resolve(import.meta.dirname, '../../src/openwebui/data/features.json');
const RELEASES = path.resolve(import.meta.dirname, '../../src/migrations/catalog/releases.json');

interface Feature {
  description: string;
  since: string;
  until?: string;
  probe: { file: string; pattern: string };
}

function matches(commit: string, probe: Feature['probe']): boolean {
  const dir = path.posix.dirname(probe.file);
  const base = new RegExp(`^${path.posix.basename(probe.file).replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
  let files: string[];
  try {
    files = git(OPENWEBUI_GIT, ['ls-tree', '--name-only', commit, `${dir}/`]).split('\n').filter((f) => base.test(path.posix.basename(f)));
  } catch {
    return false;
  }
  return files.some((f) => git(OPENWEBUI_GIT, ['show', `${commit}:${f}`]).includes(probe.pattern));
}

const data = JSON.parse(readFileSync(FEATURES, 'utf8')) as { $comment: string; features: Record<string, Feature> };
const releases = (JSON.parse(readFileSync(RELEASES, 'utf8')) as { releases: Array<{ version: string; commit: string }> }).releases;
for (const [name, feature] of Object.entries(data.features)) {
  const hits = releases.map((r) => ({ version: r.version, hit: matches(r.commit, feature.probe) }));
  const first = hits.findIndex((h) => h.hit);
  if (first < 0) throw new Error(`feature ${name}: the probe matches no catalogued release`);
  const last = hits.map((h) => h.hit).lastIndexOf(true);
  if (first > 0) feature.since = hits[first]!.version;
  if (last < hits.length - 1) feature.until = hits[last]!.version;
  else delete feature.until;
  console.log(`${name.padEnd(30)} since ${feature.since}${feature.until ? ` until ${feature.until}` : ''}  (${hits.filter((h) => h.hit).length}/${hits.length} releases match)`);
}
writeFileSync(FEATURES, JSON.stringify(data, null, 2) + '\n');
