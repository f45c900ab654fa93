/**
 * The sim as `pnpm e2e:setup --target sim` runs it: a box survives a full stop/start of the
 * stack (API rows in Postgres, runner re-adopts its container), and `--wipe-data` removes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, tenantUrl } from '../../drivers/rest/http.ts';
import { containerName } from '../../sim/runner/box-spec.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';
import { resolveStackHandle, type StackHandle } from './handle.ts';

let env: Record<string, string>;
let stateDir: string;
const docker = new Docker();
const up = async () => {
  await setupStack({ env, overrides: { target: 'sim' }, quiet: true });
  return resolveStackHandle(env);
};
const exists = (id: string) =>
  docker
    .getContainer(containerName(id))
    .inspect()
    .then(
      () => true,
      () => false,
    );

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'e2e-simstack-'));
  env = { BOXLITE_E2E_STATE_DIR: stateDir, PATH: process.env.PATH ?? '' };
});

afterAll(async () => {
  await teardownStack({ env, wipeData: true, full: true, quiet: true }).catch(() => {});
  await rm(stateDir, { recursive: true, force: true });
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

    expect(await teardownStack({ env, wipeData: false, full: false, quiet: true })).toMatch(
      /kept: data and secrets/,
    );
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

    expect(await teardownStack({ env, wipeData: true, full: false, quiet: true })).toMatch(
      /1 sim box\(es\) removed/,
    );
    expect(await exists(id)).toBe(false);
  });
});
