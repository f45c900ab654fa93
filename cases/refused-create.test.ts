/**
 * What a create the runner refused leaves behind (protocol §6.2). The API accepted the body,
 * the runner could not make the box: the caller gets an error, and no usable box is left. The
 * sim lists no row and frees the name at once (protocol §6.2 Sim note); the cloud API keeps the
 * ERROR row, shown as `unknown`, until DELETE removes it (target-facts `refusedCreateListed`).
 * Either way nothing answers as running, and the name can be used again once the row is gone.
 *
 * The refusals cases/errors.test.ts walks through (cpus=0, memory_mib=-1, a host path) are the
 * API's own, before any runner is asked; this one comes from the runner. It runs in a fresh org
 * so its list and its runtime metrics hold only what the case did.
 */
import {
  claims,
  describe,
  expect,
  RUNNER_REFUSED_CREATE,
  refusedCreateListed,
  test,
} from '../fixtures/index.ts';

interface Listed {
  box_id: string;
  name?: string | null;
  status: string;
}

describe('a create the runner refuses', claims({ needs: ['vm', 'orgs', 'runner-refusal'] }), () => {
  test(
    'answers an error and leaves no usable box: nothing running, the name free again, no running count',
    claims({ pins: ['box.create.runner-refused'] }),
    async ({ orgs, stack, boxName }) => {
      const org = await orgs.make();
      const name = boxName();
      const image = stack.images.busybox;
      const res = await org.rest.createBox({ image, name, ...RUNNER_REFUSED_CREATE });
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.envelope?.code, `an error envelope: ${res.text}`).toEqual(expect.any(String));

      const list = await org.rest.tenant<{ boxes: Listed[] }>('GET', '/boxes');
      expect(list.status, list.text).toBe(200);
      const left = list.json!.boxes.filter((b) => b.name === name || b.box_id === res.json?.box_id);
      if (refusedCreateListed(stack)) {
        for (const b of left) {
          expect(['unknown', 'failed'], `the refused box ${b.box_id}`).toContain(b.status);
          const removed = await org.rest.tenant('DELETE', `/boxes/${b.box_id}`);
          expect(removed.status, removed.text).toBe(204);
        }
      } else expect(left, 'a refused create is not listed').toEqual([]);
      expect((await org.rest.tenant('GET', `/boxes/${name}`)).status).toBe(404);

      const rt = org.sdk();
      expect(await rt.getInfo(name)).toBeNull();
      expect((await rt.listInfo()).filter((i) => i.name === name)).toEqual([]);
      const metrics = await org.rest.tenant<Record<string, number>>('GET', '/metrics');
      if (metrics.status === 200) {
        // The SDK computes running = created − failed − stopped (protocol §3.4).
        const m = metrics.json!;
        expect(
          m.boxes_created_total! - m.boxes_failed_total! - m.boxes_stopped_total!,
          JSON.stringify(m),
        ).toBe(0);
      }

      const again = await org.rest.createBox({ image, name });
      expect(again.status, `the name is free again: ${again.text}`).toBe(201);
      expect((await org.rest.exec(again.json!.box_id, { command: 'true' })).exitCode).toBe(0);
    },
  );
});
