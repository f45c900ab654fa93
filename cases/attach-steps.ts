/**
 * Steps the attach cases share over raw REST: a box, an exec started without a socket, the
 * exec's status probe. Raw, not the SDK, so statuses and frames stay visible.
 */
import type { RestDriver } from '../drivers/rest/driver.ts';
import { expect, waitFor } from '../fixtures/index.ts';

export async function newBox(rest: RestDriver, image: string, name: string): Promise<string> {
  const res = await rest.createBox({ image, name });
  expect(res.status, res.text).toBe(201);
  return res.json!.box_id;
}

export async function startExec(rest: RestDriver, boxId: string, script: string): Promise<string> {
  const res = await rest.startExec(boxId, { command: 'sh', args: ['-c', script] });
  expect(res.status, res.text).toBe(201);
  return res.json!.execution_id;
}

/** Waits until the exec's status probe reports it finished (`completed`). */
export async function execFinished(rest: RestDriver, boxId: string, eid: string): Promise<void> {
  await waitFor('the exec to finish', async () => {
    const probe = await rest.tenant<{ status: string }>('GET', `/boxes/${boxId}/executions/${eid}`);
    return probe.json?.status === 'completed';
  });
}
