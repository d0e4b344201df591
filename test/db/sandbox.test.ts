import { describe, expect, it } from 'vitest';
import { dockerAnswers, startSandbox } from '../../src/database/targets/factory.ts';
import { countContainers, dockerAvailable, TEST_IMAGE } from '../support/docker.ts';

const hasDocker = await dockerAvailable();

describe.runIf(hasDocker)('container sandbox (testcontainers)', () => {
  it('starts the image with the official contract, answers queries, and leaves no container behind', async () => {
    const runId = `test-${Date.now()}`;
    const label = `org.openwebui-preflight.run=${runId}`;
    const started = await startSandbox({ mode: 'container', image: TEST_IMAGE, runId });
    if (!started.ok) throw new Error(started.finding.message);
    try {
      expect(started.sandbox.kind).toBe('container');
      expect(countContainers(label)).toBe(1);
      const db = await started.sandbox.freshDatabase();
      await db.client.query('CREATE TABLE t (id int primary key)');
      expect((await db.client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
      await db.drop();
      expect(await started.sandbox.majorVersion()).toBeGreaterThanOrEqual(15);
    } finally {
      await started.sandbox.stop();
    }
    expect(countContainers(label)).toBe(0);
  });

  it('an image that cannot be had is reported as sandbox/unavailable, nothing left behind', async () => {
    const before = countContainers();
    // busybox-free: the test image with a command that exits at once never logs readiness.
    const started = await startSandbox({ mode: 'container', image: 'no-such-image-here:1', runId: `test-bad-${Date.now()}` });
    expect(started.ok).toBe(false);
    if (!started.ok) expect(started.finding.ruleId).toBe('sandbox/unavailable');
    expect(countContainers()).toBe(before);
  });
});

describe('without Docker', () => {
  const noDocker = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

  it('reports that no engine answers', async () => {
    expect(await dockerAnswers(noDocker)).toMatchObject({ ok: false, reason: 'no socket at /nonexistent/docker.sock' });
  });

  it('container mode gives sandbox/unavailable saying what was tried and how to fix it', async () => {
    const r = await startSandbox({ mode: 'container', runId: 'nodocker', env: noDocker });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.finding.ruleId).toBe('sandbox/unavailable');
      expect(r.finding.message).toMatch(/no Docker engine at unix:\/\/\/nonexistent\/docker.sock.*sandbox: embedded/s);
    }
  });

  it('auto mode falls back to an embedded PostgreSQL and removes its data directory on stop', async () => {
    const dirs: string[] = [];
    const r = await startSandbox({ mode: 'auto', runId: 'nodocker', env: noDocker, onResource: (kind, id) => kind === 'data-dir' && dirs.push(id) });
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.sandbox.kind).toBe('embedded');
    expect(r.tried[0]).toMatch(/no Docker engine/);
    try {
      const db = await r.sandbox.freshDatabase();
      expect((await db.client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await db.drop();
    } finally {
      await r.sandbox.stop();
    }
    const { existsSync } = await import('node:fs');
    expect(dirs).toHaveLength(1);
    expect(existsSync(dirs[0]!)).toBe(false);
  }, 180_000);
});
