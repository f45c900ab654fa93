/**
 * Meta-tests of the two guards issue 13 added, against a sim that misbehaves on purpose:
 * the API answers stop without the runner (`stop-skips-runner`) and the runner answers remove
 * but keeps the container (`remove-leaves-container`). The guards must name exactly that
 * operation and that box — and pass the same steps on a sim without the switches.
 */
import { describe, expect, it } from 'vitest';
import type { RestTarget } from '../../drivers/rest/http.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { LABEL_BOX } from '../../sim/runner/box-spec.ts';
import { req } from '../../sim/testkit/client.ts';
import { TEST_IMAGE } from '../../sim/testkit/sdk.ts';
import { type Sim, useSim } from '../../sim/testkit/suites.ts';
import { createPathGuard } from '../path-guard/guard.ts';
import type { StackHandle } from '../stack/handle.ts';
import { checkGoneOnRunner, removedPerApi } from './guard.ts';
import { runnerView } from './runner-view.ts';

const P = '/v1/default';

/** create → exec → stop → start → remove through the API; answers the box id. */
async function lifecycle(sim: Sim): Promise<string> {
  const created = await req(sim, 'POST', `${P}/boxes`, { body: { image: TEST_IMAGE } });
  expect(created.status, created.text).toBe(201);
  const id = created.json.box_id as string;
  const ex = await req(sim, 'POST', `${P}/boxes/${id}/exec`, { body: { command: 'true' } });
  expect(ex.status, ex.text).toBe(201);
  expect((await req(sim, 'POST', `${P}/boxes/${id}/stop`)).status).toBe(200);
  expect((await req(sim, 'POST', `${P}/boxes/${id}/start`)).status).toBe(200);
  expect((await req(sim, 'DELETE', `${P}/boxes/${id}?force=true`)).status).toBe(204);
  return id;
}

async function guardsOn(sim: Sim, run: (sim: Sim) => Promise<string>) {
  const guard = createPathGuard({
    runner: sim.runner!.record.journal,
    api: sim.api.record.journal,
    perOp: { available: true },
  });
  const cursors = await guard.begin();
  const id = await run(sim);
  const path = await guard.verify([id], cursors, { timeoutMs: 1000 });
  const target: RestTarget = { apiUrl: sim.apiUrl, apiKey: sim.adminKey, pathPrefix: 'default' };
  const view = runnerView({ kind: 'sim', stack: {}, dockerHost: sim.stack.dockerHost } as StackHandle);
  const leak = await checkGoneOnRunner(view, await removedPerApi(target, [id]), { timeoutMs: 500 });
  // What a leak left behind goes here, not at the end of the file.
  const docker = dockerClient(sim.stack.dockerHost, 10_000);
  const left = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL_BOX}=${id}`] }),
  });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  return { id, path, leak };
}

describe('guards against a sim that bypasses the runner and leaks', () => {
  const faulty = useSim({ bugs: ['stop-skips-runner'], runnerBugs: ['remove-leaves-container'] });

  it('the per-operation path guard names the stop; the leak guard names the container left', async () => {
    const { id, path, leak } = await guardsOn(faulty.sim, lifecycle);
    expect(path.ok).toBe(false);
    expect(path.missing).toEqual({ runner: [], api: [] }); // the id-only check would have passed
    expect(path.ops).toMatchObject({ gaps: [{ box: id, op: 'stop', api: 1, runner: 0 }] });
    expect(path.message).toContain(`stop of ${id} (API served 1, runner journal shows 0)`);
    expect(leak.ok).toBe(false);
    expect(leak).toMatchObject({ checked: 1, leaked: [{ id }] });
    expect(leak.message).toMatch(
      new RegExp(`still on the runner side .*${id}: container [0-9a-f]{12} \\(running\\)`),
    );
  });
});

describe('the same steps on a correct sim', () => {
  const correct = useSim();

  it('both guards pass, having checked every operation and the removal', async () => {
    const { path, leak } = await guardsOn(correct.sim, lifecycle);
    expect(path.ok, path.message).toBe(true);
    expect(path.ops).toEqual({ checked: 5, gaps: [] });
    expect(leak).toMatchObject({ ok: true, checked: 1, leaked: [] });
  });
});
