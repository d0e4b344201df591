/** The operator's database. Read-only unless an input asks for a rolled-back write. */
import { parseDatabaseUrl, redactUrl } from '../../openwebui/database-url.ts';
import type { SessionOptions } from '../connection.ts';
import { openConnection } from '../connection.ts';
import type { DatabaseTarget } from './target.ts';

export class RemoteTarget implements DatabaseTarget {
  readonly kind = 'remote' as const;
  constructor(
    private readonly rawUrl: string,
    private readonly session: SessionOptions,
  ) {}

  describe(): string {
    const p = parseDatabaseUrl(this.rawUrl.split('postgres://').join('postgresql://'));
    return p.ok ? redactUrl(p.url) : '(an unparseable URL)';
  }

  url(): string {
    return this.rawUrl;
  }

  connect(options: Partial<SessionOptions> = {}) {
    // Only the explicit rollback modes may turn read-only off, and only for their own session.
    return openConnection(this.rawUrl, { ...this.session, ...options });
  }

  async stop(): Promise<void> {
    // Nothing was started.
  }
}
