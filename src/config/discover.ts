/** Finds the configuration files of a deployment repository, reading each at most once. */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { finding, type Finding } from '../findings/finding.ts';
import { isComposeFileName } from './compose.ts';
import { decodeConfigText, MAX_CONFIG_FILE_BYTES } from './text.ts';

export type ConfigFileKind = 'compose' | 'systemd-unit' | 'systemd-dropin' | 'dotenv';

export interface DiscoveredFile {
  /** Relative to the root, forward slashes. */
  path: string;
  kind: ConfigFileKind;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.tox', '.cache']);
/** A deployment repository is small; this bounds the walk over a wrong `path` such as `/`. */
export const MAX_FILES_VISITED = 200_000;

export function classify(relPath: string): ConfigFileKind | undefined {
  const base = path.posix.basename(relPath);
  const dir = path.posix.basename(path.posix.dirname(relPath));
  if (isComposeFileName(base)) return 'compose';
  if (/\.service$/.test(base)) return 'systemd-unit';
  if (/\.service\.d$/.test(dir) && /\.conf$/.test(base)) return 'systemd-dropin';
  if (base === '.env' || /\.env$/.test(base) || /^\.env\./.test(base)) return 'dotenv';
  return undefined;
}

export interface Discovery {
  files: DiscoveredFile[];
  findings: Finding[];
  visited: number;
  /** Every regular file seen (relative paths), to find host paths such as EnvironmentFile=/etc/… by suffix. */
  allFiles: Set<string>;
}

export async function discoverConfigFiles(root: string, extraGlobs: readonly string[] = []): Promise<Discovery> {
  const files = new Map<string, DiscoveredFile>();
  const findings: Finding[] = [];
  const allFiles = new Set<string>();
  let visited = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const rel = toRel(root, dir) || '.';
      findings.push(finding('config/unreadable', { message: `Cannot list the directory '${rel}': ${describeFsError(error)}.`, location: { file: rel } }));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++visited > MAX_FILES_VISITED) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        const rel = toRel(root, full);
        allFiles.add(rel);
        const kind = classify(rel);
        if (kind) files.set(rel, { path: rel, kind });
      }
    }
  };
  await walk(root);
  if (visited > MAX_FILES_VISITED) {
    findings.push(finding('config/unreadable', { severity: 'warning', message: `Stopped after ${MAX_FILES_VISITED} files: is 'path' the deployment repository? Files after that were not read.` }));
  }
  for (const pattern of extraGlobs) {
    const regex = globToRegExp(pattern.replace(/^\.\//, ''));
    let matched = 0;
    for (const rel of allFiles) {
      if (!regex.test(rel)) continue;
      matched++;
      if (!files.has(rel)) files.set(rel, { path: rel, kind: classify(rel) ?? 'dotenv' });
    }
    if (matched === 0) findings.push(finding('config/unreadable', { severity: 'warning', message: `The extra-files pattern '${pattern}' matched no file under the checked directory.` }));
  }
  return { files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), findings, visited, allFiles };
}

export type ReadResult = { ok: true; text: string } | { ok: false; finding: Finding };

/** Reads a configuration file as text, refusing huge, binary and non-UTF-8 files with a finding. */
export async function readConfigFile(root: string, rel: string): Promise<ReadResult> {
  const full = path.join(root, rel);
  try {
    const info = await lstat(full);
    if (info.isSymbolicLink()) {
      return { ok: false, finding: finding('config/unreadable', { severity: 'warning', message: `'${rel}' is a symbolic link; links are not followed so the check stays inside the repository.`, location: { file: rel } }) };
    }
    if (info.size > MAX_CONFIG_FILE_BYTES) {
      return { ok: false, finding: finding('config/unreadable', { message: `'${rel}' is ${(info.size / 1048576).toFixed(1)} MB; configuration files over ${MAX_CONFIG_FILE_BYTES / 1048576} MB are not read.`, location: { file: rel } }) };
    }
    const decoded = decodeConfigText(await readFile(full));
    if (decoded.problem) {
      return { ok: false, finding: finding('config/unreadable', { message: `'${rel}' cannot be read as configuration: ${decoded.problem}.`, location: { file: rel } }) };
    }
    return { ok: true, text: decoded.text };
  } catch (error) {
    return { ok: false, finding: finding('config/unreadable', { message: `Cannot read '${rel}': ${describeFsError(error)}.`, location: { file: rel } }) };
  }
}

export function toRel(root: string, full: string): string {
  return path.relative(root, full).split(path.sep).join('/');
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? (error as Error)?.message ?? String(error);
  }
}

/** A glob over relative paths: `**` any directories, `*` and `?` within one path segment, `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, close).split(',').map((alt) => alt.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
