/**
 * AutoStop (upstream test_auto_stop_interval; BoxLite 0.11 serve's idle sweep): the
 * interval given at create is what the box reports, on the wire and through the SDK, and a
 * running box idle for its whole interval is stopped — while one with AutoStop off keeps
 * running. The stop deadline is the contract here, so the waits are bounded by it.
 */
import { claims, describe, expect, pause, test, waitFor } from '../fixtures/index.ts';

describe.concurrent('auto-stop', claims({ needs: 'vm' }), () => {
  test(
    'the interval set at create is reported back: 0 stays 0 (off), 5 stays 5; unset is a non-negative integer',
    claims({
      pins: ['box.create.auto-stop', 'box.json.lifecycle-policy'],
      ports: ['test_auto_stop_interval_create_and_validation'],
    }),
    async ({ rt, rest, image, boxName }) => {
      for (const autoStop of [0, 5]) {
        const box = await rt.create({ image, autoStop }, boxName());
        expect((await rt.getInfo(box.id))?.autoStop).toBe(autoStop);
        const wire = await rest.tenant<{ auto_stop: number }>('GET', `/boxes/${box.id}`);
        expect(wire.json?.auto_stop).toBe(autoStop);
      }
      const plain = await rt.create({ image }, boxName());
      const unset = (await rt.getInfo(plain.id))?.autoStop;
      expect(Number.isInteger(unset) && (unset as number) >= 0).toBe(true);
    },
  );

  test(
    'an idle running box with auto_stop=2 is stopped; one with auto_stop=0 keeps running',
    claims({ pins: ['lifecycle.auto-stop.idle'] }),
    async ({ rt, image, boxName }) => {
      const [idle, kept] = await Promise.all([
        rt.create({ image, autoStop: 2 }, boxName()),
        rt.create({ image, autoStop: 0 }, boxName()),
      ]);
      // A box may be created at rest (0.11 serve: `configured`); both are started explicitly.
      await Promise.all([idle.start(), kept.start()]);
      // Polling getInfo is itself activity on the box, so poll the list instead.
      const listed = async (id: string) => (await rt.listInfo()).find((b) => b.id === id)?.state.status;
      await waitFor('the idle box to be auto-stopped', async () => (await listed(idle.id)) === 'stopped', {
        timeoutMs: 30_000,
        intervalMs: 500,
      });
      expect(await listed(kept.id)).toBe('running');
    },
  );

  test(
    'a box kept busy by execs past its interval keeps running',
    claims({ pins: ['lifecycle.auto-stop.busy'] }),
    async ({ rt, image, boxName }) => {
      const box = await rt.create({ image, autoStop: 4 }, boxName());
      await box.start();
      // An exec a second for three intervals: each is activity (serve's record_activity).
      const until = Date.now() + 12_000;
      while (Date.now() < until) {
        expect((await (await box.exec('true')).wait()).exitCode).toBe(0);
        await pause(1000);
      }
      const listed = (await rt.listInfo()).find((b) => b.id === box.id)?.state.status;
      expect(listed).toBe('running');
    },
  );
});
