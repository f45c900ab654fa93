/**
 * Self-tests of the two guards (path guard, leak guard) against a sim that misbehaves on
 * purpose (guard faults, harness/guard-faults.ts): the API answers stop without the runner (`stop-skips-runner`) and the runner answers remove
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
import type { StackHandle } from '../handle/handle.ts';
import { createPathGuard } from '../path-guard/guard.ts';
import { checkGoneOnRunner, checkRunLeftovers, removedPerApi } from './guard.ts';
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
  // The lifecycle is five operations; the API logs each once its response is closed, so the
  // guard waits for all five rather than checking whatever prefix is written yet.
  const path = await guard.verify([id], cursors, { timeoutMs: 10_000, minOps: 5 });
  const target: RestTarget = { apiUrl: sim.apiUrl, apiKey: sim.adminKey, pathPrefix: 'default' };
  const view = runnerView({ kind: 'sim', stack: {}, dockerHost: sim.stack.dockerHost } as StackHandle);
  const leak = await checkGoneOnRunner(view, await removedPerApi(target, [id]), { timeoutMs: 500 });
  // The end-of-run check over the same run: a box still listed by the API counts too.
  const kept = await req(sim, 'POST', `${P}/boxes`, {
    body: { image: TEST_IMAGE, name: 'e2e-leftover-kept' },
  });
  const leftovers = await checkRunLeftovers(target, view, [id, kept.json.box_id], 'e2e-leftover-');
  await req(sim, 'DELETE', `${P}/boxes/${kept.json.box_id}?force=true`);
  // What a leak left behind goes here, not at the end of the file.
  const docker = dockerClient(sim.stack.dockerHost, 10_000);
  const left = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL_BOX}=${id}`] }),
  });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  return { id, keptId: kept.json.box_id as string, path, leak, leftovers };
}

describe('guards against a sim that bypasses the runner and leaks', () => {
  const faulty = useSim({ bugs: ['stop-skips-runner'], runnerBugs: ['remove-leaves-container'] });

  it('the per-operation path guard names the stop; the leak guard names the container left', async () => {
    const { id, keptId, path, leak, leftovers } = await guardsOn(faulty.sim, lifecycle);
    expect(path.ok).toBe(false);
    expect(path.missing).toEqual({ runner: [], api: [] }); // the id-only check would have passed
    expect(path.ops).toMatchObject({ gaps: [{ box: id, op: 'stop', api: 1, runner: 0 }] });
    expect(path.message).toContain(`stop of ${id} (API served 1, runner journal shows 0)`);
    expect(leak.ok).toBe(false);
    expect(leak).toMatchObject({ checked: 1, leaked: [{ id }] });
    expect(leak.message).toMatch(
      new RegExp(`still on the runner side .*${id}: container [0-9a-f]{12} \\(running\\)`),
    );
    // End of run: the leaked container and the box the API still lists are both named.
    expect(leftovers.inApi).toEqual([keptId]);
    expect(leftovers.onRunner.map((l) => l.id).sort()).toEqual([id, keptId].sort());
    expect(leftovers.message).toMatch(/^end-of-run leak check: the API still lists /);
  });
});

describe('the same steps on a correct sim', () => {
  const correct = useSim();

  it('both guards pass, having checked every operation and the removal', async () => {
    const { keptId, path, leak, leftovers } = await guardsOn(correct.sim, lifecycle);
    expect(path.ok, path.message).toBe(true);
    expect(path.ops).toEqual({ checked: 5, gaps: [] });
    expect(leak).toMatchObject({ ok: true, checked: 1, leaked: [] });
    // Only the box deliberately kept alive is reported, in the API and on the runner.
    expect(leftovers.inApi).toEqual([keptId]);
    expect(leftovers.onRunner.map((l) => l.id)).toEqual([keptId]);
  });
});
