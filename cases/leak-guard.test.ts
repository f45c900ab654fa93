/**
 * The leak guard's teeth: a box the API reports removed must be gone on the runner
 * side too. The guard runs after every case by itself (fixtures/index.ts); this case asks it
 * directly so that, with the runner leaving containers behind (`remove-leaves-container`), the
 * case itself fails — an xfail while that switch is on — and cleans up the leak it provoked.
 */

import { claims, describe, expect, test } from '../fixtures/index.ts';
import { checkGoneOnRunner, removedPerApi } from '../harness/leaks/guard.ts';
import { runnerView } from '../harness/leaks/runner-view.ts';
import { dockerClient } from '../kernel/docker.ts';
import { LABEL_BOX } from '../sim/runner/box-spec.ts';

describe('leak guard', () => {
  test(
    'meta: a removed box is gone on the runner side too',
    claims({ needs: ['vm', 'runner-view'], detects: ['remove-leaves-container'] }),
    async ({ rt, image, boxName, stack }) => {
      const box = await rt.create({ image }, boxName());
      expect((await (await box.exec('true')).wait()).exitCode).toBe(0);
      await rt.remove(box.id, true);
      expect(await removedPerApi(stack, [box.id])).toEqual([box.id]);
      const verdict = await checkGoneOnRunner(runnerView(stack), [box.id]);
      try {
        expect(verdict.ok, verdict.message).toBe(true);
        expect(verdict).toMatchObject({ checked: 1, leaked: [] });
      } finally {
        // The fault leaves a real container: this case removes what it provoked (sim only).
        if (!verdict.ok && stack.kind === 'sim') {
          const docker = dockerClient(stack.dockerHost, 10_000);
          const left = await docker.listContainers({
            all: true,
            filters: JSON.stringify({ label: [`${LABEL_BOX}=${box.id}`] }),
          });
          await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
        }
      }
    },
  );
});
