/**
 * Path verification (ports P+C:test_path_verification). Unlike upstream, the guard runs
 * after every case automatically; these cases prove it has teeth: a fake id and a box that
 * bypassed the API must both be caught.
 */
import { claims, describe, expect, test } from '../fixtures/index.ts';

describe('path verification', () => {
  test(
    'SDK runtime is REST against the stack API',
    claims({ ports: ['test_sdk_runtime_is_rest_against_local_api'] }),
    async ({ stack, rest }) => {
      // The cloud API (and the sim) sit under NestJS's global `/api` prefix; `boxlite serve`
      // serves `/v1/...` at its root. Either way the base must answer the capability route.
      expect(stack.apiUrl).toMatch(stack.kind === 'serve' ? /^https?:\/\/[^/]+$/ : /^https?:\/\/.+\/api$/);
      const config = await rest.root<{ capabilities?: object }>('GET', '/config');
      expect(config.status, config.text).toBe(200);
      expect(typeof config.json?.capabilities).toBe('object');
    },
  );

  test(
    'exec reaches the runner journal and the API access log',
    claims({ ports: ['test_exec_reaches_runner_journal'], needs: ['vm', 'path-guard'] }),
    async ({ box, journal, tracker, stack }) => {
      const ex = await box.exec('cat', ['/etc/os-release']);
      expect((await ex.wait()).exitCode).toBe(0);
      expect(stack.pathGuard.enabled, stack.pathGuard.reason).toBe(true);
      const verdict = await journal.guard.verify(tracker.ids, journal.cursors);
      expect(verdict.ok, verdict.message).toBe(true);
      expect(verdict.checked).toBe(1);
    },
  );

  test(
    'meta: an id that never travelled the path fails the guard, naming it',
    claims({ needs: 'path-guard' }),
    async ({ stack, journal }) => {
      expect(stack.pathGuard.enabled, stack.pathGuard.reason).toBe(true);
      const verdict = await journal.guard.verify(['fakeBox00000'], journal.cursors, { timeoutMs: 300 });
      expect(verdict.ok).toBe(false);
      expect(verdict.missing.runner).toEqual(['fakeBox00000']);
      expect(verdict.missing.api).toEqual(['fakeBox00000']);
      expect(verdict.message).toMatch(
        /runner journal \(file .+\) lacks fakeBox00000; API access log \(file .+\) lacks fakeBox00000/,
      );
    },
  );

  test(
    'meta: a box created straight on the runner (bypassing the API) fails the guard',
    claims({ needs: ['runner-direct', 'path-guard'] }),
    async ({ stack, journal }) => {
      expect(stack.runner, 'needs direct runner access (sim)').not.toBeNull();
      const runner = stack.runner!;
      const registry = stack.stack!.services.registry!.endpoint;
      // A client pointed at the runner instead of the API: the box exists, but the API never saw it.
      const res = await fetch(`${runner.url}/boxes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          box_id: `bypass${Math.random().toString(36).slice(2, 8)}`,
          image: `${registry.host}:${registry.port}/${stack.images.busybox}`,
          cpus: 1,
          memory_mib: 128,
        }),
      });
      const body = (await res.json()) as { box_id: string };
      expect(res.status).toBe(201);
      try {
        const verdict = await journal.guard.verify([body.box_id], journal.cursors, { timeoutMs: 500 });
        expect(verdict.ok).toBe(false);
        expect(verdict.missing.runner).toEqual([]);
        expect(verdict.missing.api).toEqual([body.box_id]);
      } finally {
        await fetch(`${runner.url}/boxes/${body.box_id}?force=true`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${runner.token}` },
        });
      }
    },
  );
});

describe('path verification: each operation', () => {
  test(
    'meta: create, exec, stop, start and remove each reach the runner journal as that operation',
    claims({ needs: ['vm', 'path-guard'], detects: ['stop-skips-runner'] }),
    async ({ rt, image, boxName, journal, tracker, stack }) => {
      const box = await rt.create({ image }, boxName());
      expect((await (await box.exec('true')).wait()).exitCode).toBe(0);
      await box.stop();
      await box.start();
      await rt.remove(box.id, true);
      const verdict = await journal.guard.verify(tracker.ids, journal.cursors, {
        timeoutMs: 5000,
        minOps: stack.simulated ? 5 : 0,
      });
      expect(verdict.ok, verdict.message).toBe(true);
      // Where the logs carry operations (the sim), all five were matched one by one.
      if (stack.simulated) expect(verdict.ops).toMatchObject({ gaps: [] });
      if (stack.simulated) expect('checked' in verdict.ops && verdict.ops.checked).toBeGreaterThanOrEqual(5);
    },
  );
});
