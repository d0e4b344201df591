/**
 * Compose files, read with positions: for each service its image, replicas, env_file entries and
 * `environment:` (map or list), every value with the line and column it is written at. Interpolation
 * is left to the unit resolver, which knows the runner's environment and the project `.env`.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from 'yaml';

export interface ComposeEnvironmentEntry {
  key: string;
  /** Raw text before interpolation; undefined for `- KEY` / `KEY:` (taken from the shell). */
  raw: string | undefined;
  line: number;
  column: number;
}

export interface ComposeEnvFileRef {
  path: string;
  required: boolean;
  line: number;
  column: number;
}

export interface ComposeService {
  name: string;
  line: number;
  column: number;
  image?: { raw: string; line: number; column: number };
  replicas?: number;
  envFiles: ComposeEnvFileRef[];
  environment: ComposeEnvironmentEntry[];
}

export interface ComposeSyntaxError {
  message: string;
  line: number;
  column: number;
}

export interface ParsedCompose {
  services: ComposeService[];
  errors: ComposeSyntaxError[];
}

/** Aliases are resolved one level only; this cap stops "billion laughs" documents early. */
const MAX_ALIASES = 1000;

export function parseCompose(text: string): ParsedCompose {
  const lineCounter = new LineCounter();
  const errors: ComposeSyntaxError[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: false });
  } catch (error) {
    return { services: [], errors: [{ message: `cannot parse YAML: ${(error as Error).message}`, line: 1, column: 1 }] };
  }
  const pos = (node: { range?: [number, number, number] | null } | null | undefined) => {
    const p = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  for (const e of doc.errors) {
    const p = lineCounter.linePos(e.pos[0]);
    errors.push({ message: e.message.split('\n')[0]!, line: p.line, column: p.col });
  }
  if (errors.length) return { services: [], errors };

  let aliases = 0;
  const deref = (node: unknown): Node | null => {
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) throw new AliasLimitError();
      return (node.resolve(doc) as Node | undefined) ?? null;
    }
    return (node as Node | null) ?? null;
  };

  const services: ComposeService[] = [];
  try {
    const root = deref(doc.contents);
    if (!isMap(root)) return { services, errors };
    const servicesNode = deref(root.get('services', true));
    if (!isMap(servicesNode)) return { services, errors };
    for (const pair of servicesNode.items) {
      const nameNode = pair.key as Scalar;
      const body = deref(pair.value);
      if (!isScalar(nameNode) || !isMap(body)) continue;
      const service: ComposeService = { name: String(nameNode.value), ...pos(nameNode), envFiles: [], environment: [] };

      const image = deref(body.get('image', true));
      if (isScalar(image) && image.value != null) service.image = { raw: String(image.value), ...pos(image) };

      const deploy = deref(body.get('deploy', true));
      const replicas = isMap(deploy) ? deref(deploy.get('replicas', true)) : null;
      const scale = deref(body.get('scale', true));
      const count = isScalar(replicas) ? Number(replicas.value) : isScalar(scale) ? Number(scale.value) : undefined;
      if (count !== undefined && Number.isFinite(count)) service.replicas = count;

      const envFile = deref(body.get('env_file', true));
      const envFileItems = isSeq(envFile) ? envFile.items.map(deref) : envFile ? [envFile] : [];
      for (const item of envFileItems) {
        if (isScalar(item) && item.value != null) {
          service.envFiles.push({ path: String(item.value), required: true, ...pos(item) });
        } else if (isMap(item)) {
          const p = deref(item.get('path', true));
          const req = deref(item.get('required', true));
          if (isScalar(p) && p.value != null) {
            service.envFiles.push({ path: String(p.value), required: !(isScalar(req) && (req.value === false || req.value === 'false')), ...pos(p) });
          }
        }
      }

      const env = deref(body.get('environment', true));
      if (isMap(env)) {
        for (const item of env.items) {
          const k = deref(item.key);
          const v = deref(item.value);
          if (!isScalar(k)) continue;
          const at = isScalar(v) && v.value !== null ? pos(v) : pos(k);
          const raw = isScalar(v) && v.value !== null ? scalarText(v) : undefined;
          service.environment.push({ key: String(k.value), raw, ...at });
        }
      } else if (isSeq(env)) {
        for (const itemNode of env.items) {
          const item = deref(itemNode);
          if (!isScalar(item) || item.value == null) continue;
          const text = String(item.value);
          const eq = text.indexOf('=');
          const at = pos(item);
          // Quoted list items start one column later than their node.
          const quoteShift = item.type === 'QUOTE_DOUBLE' || item.type === 'QUOTE_SINGLE' ? 1 : 0;
          if (eq < 0) service.environment.push({ key: text, raw: undefined, ...at });
          else service.environment.push({ key: text.slice(0, eq), raw: text.slice(eq + 1), line: at.line, column: at.column + quoteShift + eq + 1 });
        }
      }
      services.push(service);
    }
  } catch (error) {
    if (error instanceof AliasLimitError) {
      return { services: [], errors: [{ message: `more than ${MAX_ALIASES} YAML aliases: refusing to expand (possible "billion laughs" document)`, line: 1, column: 1 }] };
    }
    throw error;
  }
  return { services, errors };
}

class AliasLimitError extends Error {}

/** YAML booleans and numbers in `environment:` become strings the way compose writes them. */
function scalarText(node: Scalar): string {
  const v = node.value;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return node.source ?? String(v);
  return String(v);
}

/** Open WebUI's image, with the release from a tag like `v0.6.41`, `0.6.41` or `v0.6.41-cuda`. */
export function openWebUIImage(image: string): { isOpenWebUI: boolean; version?: string } {
  const m = /^(?:[\w.-]+(?::\d+)?\/)?open-webui\/open-webui(?::([^@\s]+))?(?:@sha256:[0-9a-f]+)?$/i.exec(image.trim());
  if (!m) return { isOpenWebUI: false };
  const tag = m[1];
  const version = tag ? /^v?(\d+\.\d+\.\d+)(?:$|-)/.exec(tag)?.[1] : undefined;
  return version ? { isOpenWebUI: true, version } : { isOpenWebUI: true };
}

export function isComposeFileName(name: string): boolean {
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(name);
}
