/**
 * The action's post step: removes whatever a sandbox left behind if the main step was killed
 * (containers labelled by this run, embedded data directories recorded in the action's state).
 */
import { rmSync } from 'node:fs';
import * as core from '@actions/core';
import { getExecOutput } from '@actions/exec';

export async function post(): Promise<void> {
  const runId = core.getState('run-id');
  const dataDirs = core.getState('embedded-data-dirs');
  if (runId) {
    try {
      const listed = await getExecOutput('docker', ['ps', '-aq', '--filter', `label=org.openwebui-preflight.run=${runId}`], { silent: true, ignoreReturnCode: true });
      const ids = listed.stdout.split(/\s+/).filter(Boolean);
      if (ids.length) {
        await getExecOutput('docker', ['rm', '-f', '-v', ...ids], { silent: true, ignoreReturnCode: true });
        core.info(`Removed ${ids.length} leftover sandbox container(s).`);
      }
    } catch {
      // No Docker on this runner: nothing can have been left there.
    }
  }
  for (const dir of dataDirs.split('\n').filter(Boolean)) {
    rmSync(dir, { recursive: true, force: true });
    core.info(`Removed leftover sandbox data directory ${dir}.`);
  }
}

await post();
