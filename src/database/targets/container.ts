/**
 * A throw-away PostgreSQL in a container, through testcontainers. Uses the official image's
 * contract (POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB) and labels every container so the
 * action's post step and tests can find leftovers.
 */
import { randomBytes } from 'node:crypto';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { UrlSandbox } from './target.ts';

export const CONTAINER_LABEL = 'org.openwebui-preflight';
export const RUN_LABEL = 'org.openwebui-preflight.run';

export class ContainerSandbox extends UrlSandbox {
  readonly kind = 'container' as const;
  private constructor(
    private readonly container: StartedTestContainer,
    private readonly image: string,
    baseUrl: string,
  ) {
    super(baseUrl);
  }

  static async start(image: string, runId: string, onStarted?: (containerId: string) => void): Promise<ContainerSandbox> {
    const password = randomBytes(18).toString('base64url');
    const container = await new GenericContainer(image)
      .withEnvironment({ POSTGRES_USER: 'preflight', POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres' })
      .withExposedPorts(5432)
      .withLabels({ [CONTAINER_LABEL]: '1', [RUN_LABEL]: runId })
      .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
      // The official image logs readiness twice: once for its init server, once for the real one.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .withStartupTimeout(180_000)
      .start();
    onStarted?.(container.getId());
    const url = `postgresql://preflight:${password}@${container.getHost()}:${container.getMappedPort(5432)}/postgres?sslmode=disable`;
    return new ContainerSandbox(container, image, url);
  }

  describe(): string {
    return `container ${this.image} (${this.container.getId().slice(0, 12)})`;
  }

  async stop(): Promise<void> {
    await this.container.stop({ remove: true, removeVolumes: true, timeout: 5_000 });
  }
}
