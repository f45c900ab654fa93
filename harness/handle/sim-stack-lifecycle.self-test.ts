/**
 * The sim as `pnpm e2e:setup --target sim` runs it: a box survives a full stop/start of the
 * stack (API rows in Postgres, runner re-adopts its container), `--wipe-data` removes it, and
 * setup repairing a dead sim keeps the API and runner on their ports (clients keep their URLs).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, tenantUrl } from '../../drivers/rest/http.ts';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { statePaths } from '../../kernel/paths.ts';
import { pidMatches } from '../../kernel/process/processes.ts';
import { isolatedConfig } from '../../kernel/self-test.ts';
import { readStackFile, type StackFile } from '../../kernel/stack-file.ts';
import { containerName } from '../../sim/runner/box-spec.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';
import { resolveStackHandle, type StackHandle, stackHandleOptions } from './handle.ts';

let config: BootstrapConfig;
const up = async () => {
  await setupStack({ config, quiet: true });
  return resolveStackHandle(
    stackHandleOptions({ BOXLITE_E2E_STATE_DIR: config.stateDir, DOCKER_HOST: config.dockerHost }),
  );
};
const down = (wipeData: boolean) => teardownStack({ config, wipeData, full: false, quiet: true });
const exists = (id: string) =>
  dockerClient(config.dockerHost)
    .getContainer(containerName(id))
    .inspect()
    .then(
      () => true,
      () => false,
    );
const stackFile = async (): Promise<StackFile> =>
  (await readStackFile(statePaths(config.stateDir).stackFile))!;

beforeAll(async () => {
  config = isolatedConfig(await mkdtemp(join(tmpdir(), 'e2e-simstack-')), { target: 'sim' });
});

afterAll(async () => {
  await teardownStack({ config, wipeData: true, full: true, quiet: true }).catch(() => {});
  await rm(config.stateDir, { recursive: true, force: true });
});

describe('sim stack lifecycle', () => {
  it('a box survives stack teardown + setup, and --wipe-data removes it', async () => {
    let stack: StackHandle = await up();
    const created = await call<{ box_id: string }>(stack, 'POST', tenantUrl(stack, '/boxes'), {
      body: { image: stack.images.busybox },
    });
    expect(created.status).toBe(201);
    const id = created.json!.box_id;
    expect(await exists(id)).toBe(true);

    expect(await down(false)).toMatch(/kept: data and secrets/);
    expect(await exists(id)).toBe(true);

    stack = await up();
    const got = await call<{ box_id: string; status: string }>(
      stack,
      'GET',
      tenantUrl(stack, `/boxes/${id}`),
    );
    expect(got.status).toBe(200);
    expect(got.json!.box_id).toBe(id);
    // The re-adopted container still runs commands through the new API + runner.
    const ex = await call<{ execution_id: string }>(stack, 'POST', tenantUrl(stack, `/boxes/${id}/exec`), {
      body: { command: 'true', tty: false },
    });
    expect(ex.status).toBe(201);

    expect(await down(true)).toMatch(/1 sim box\(es\) removed/);
    expect(await exists(id)).toBe(false);
  });

  it('setup repairing a killed sim API and runner keeps both on their ports', async () => {
    await up();
    const before = await stackFile();
    const killed: number[] = [];
    for (const c of [before.api, before.runner]) {
      // Supervisor first, so nothing restarts the child behind setup's back.
      if (c?.process.kind !== 'supervised') throw new Error('sim component is not supervised');
      for (const pid of [c.process.supervisorPid, c.process.pid]) {
        if (pid) process.kill(pid, 'SIGKILL');
        if (pid) killed.push(pid);
      }
    }
    await expect.poll(() => killed.filter((pid) => pidMatches(pid, config.stateDir)).length).toBe(0);

    const stack = await up();
    const after = await stackFile();
    expect(after.api?.process).not.toEqual(before.api?.process);
    expect(after.runner?.process).not.toEqual(before.runner?.process);
    expect(after.api?.endpoint).toEqual(before.api?.endpoint);
    expect(after.runner?.endpoint).toEqual(before.runner?.endpoint);
    expect((await call(stack, 'GET', tenantUrl(stack, '/boxes'))).status).toBe(200);
  });
});
