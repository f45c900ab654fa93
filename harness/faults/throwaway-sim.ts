/**
 * A throw-away sim stack whose processes a fault test may kill. Its own
 * state dir, so its own Postgres, Redis, registry, sim API and runner, each under its own
 * supervisor: killing one never disturbs the shared stack other cases run against. Faults are
 * real: SIGKILL of the process from the supervisor's state file; recovery goes through the
 * supervisor (it restarts a crashed child with the same argv and port) or, for a service kept
 * down on purpose, through setup itself (it repairs a dead service on its previous port).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Boxlite } from '@boxlite-ai/boxlite';
import { createRuntime } from '../../drivers/node-sdk/driver.ts';
import { createRestDriver, type RestDriver } from '../../drivers/rest/driver.ts';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { type StatePaths, statePaths } from '../../kernel/paths.ts';
import { readSupervisorState } from '../../kernel/process/processes.ts';
import { supervisedFiles } from '../../kernel/process/supervised.ts';
import { isolatedConfig } from '../../kernel/self-test.ts';
import { LABEL_RUNNER } from '../../sim/runner/box-spec.ts';
import { runnerIdFor } from '../../sim/runner/config.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';
import { resolveStackHandle, type StackHandle, stackHandleOptions } from '../handle/handle.ts';

/** Supervised process names: the host provider's services and setup's sim components. */
export type Victim = 'postgres' | 'redis' | 'registry' | 'sim-api' | 'sim-runner';

export interface ThrowawaySim {
  config: BootstrapConfig;
  paths: StatePaths;
  handle: StackHandle;
  rest: RestDriver;
  rt: Boxlite;
  /** Ids of the boxes the API lists now. */
  listedIds(): Promise<string[]>;
  /** Containers this stack's runner owns (its "VMs"), by box id label. */
  containerCount(): Promise<number>;
  /** Runs setup again: a dead service or sim component comes back on its previous port. */
  repair(): Promise<void>;
  close(): Promise<void>;
}

export async function upThrowawaySim(): Promise<ThrowawaySim> {
  const config = isolatedConfig(await mkdtemp(join(tmpdir(), 'e2e-faults-')), { target: 'sim' });
  const up = async () => {
    await setupStack({ config, quiet: true });
    return resolveStackHandle(
      stackHandleOptions({ BOXLITE_E2E_STATE_DIR: config.stateDir, DOCKER_HOST: config.dockerHost }),
    );
  };
  const handle = await up();
  const rest = createRestDriver(handle, () => {});
  const rt = createRuntime(handle);
  const docker = dockerClient(config.dockerHost, 10_000);
  const runnerId = runnerIdFor(config.stateDir);
  return {
    config,
    paths: statePaths(config.stateDir),
    handle,
    rest,
    rt,
    async listedIds() {
      const res = await rest.tenant<{ boxes: Array<{ box_id: string }> }>('GET', '/boxes');
      if (res.status !== 200) throw new Error(`GET /boxes → HTTP ${res.status} ${res.text}`);
      return res.json!.boxes.map((b) => b.box_id).sort();
    },
    async containerCount() {
      const list = await docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`${LABEL_RUNNER}=${runnerId}`] }),
      });
      return list.length;
    },
    async repair() {
      await up();
    },
    async close() {
      rt.close();
      await teardownStack({ config, wipeData: true, full: true, quiet: true }).catch(() => {});
      await rm(config.stateDir, { recursive: true, force: true });
    },
  };
}

/** The supervisor's view of `victim`: its pid and its child's. */
async function supervised(paths: StatePaths, victim: Victim) {
  const state = await readSupervisorState(supervisedFiles(paths.runDir, victim).state);
  if (!state) throw new Error(`no supervisor state for ${victim} in ${paths.runDir}`);
  return state;
}

/** SIGKILLs `victim`'s process; its supervisor restarts it. Answers the killed pid. */
export async function crash(paths: StatePaths, victim: Victim): Promise<number> {
  const { childPid } = await supervised(paths, victim);
  if (!childPid) throw new Error(`${victim} has no running process to kill`);
  process.kill(childPid, 'SIGKILL');
  return childPid;
}

/** SIGKILLs `victim`'s supervisor, then the process: it stays down until `repair()`. */
export async function killForGood(paths: StatePaths, victim: Victim): Promise<void> {
  const { supervisorPid, childPid } = await supervised(paths, victim);
  process.kill(supervisorPid, 'SIGKILL');
  if (childPid) process.kill(childPid, 'SIGKILL');
}

/** Resolves once the supervisor runs a new process for `victim` (not `oldPid`). */
export async function restartedPid(
  paths: StatePaths,
  victim: Victim,
  oldPid: number,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await supervised(paths, victim).catch(() => null);
    if (s?.childPid && s.childPid !== oldPid && s.status === 'running') return s.childPid;
    if (s?.status === 'gave-up') throw new Error(`the supervisor gave up on ${victim}`);
    if (Date.now() > deadline) throw new Error(`${victim} was not restarted within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
