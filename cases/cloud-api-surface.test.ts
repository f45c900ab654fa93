/**
 * Parts of the cloud API's contract that upstream's own e2e suite leans on and our other
 * families did not pin: the version stamp on every answer, the preview service's public
 * check, tunnels that are decided per connection, and an exec whose process exists by the
 * time its create is answered (so a resize or signal right after the create reaches it).
 * Each expectation cites the upstream source it follows.
 */
import { attach } from '../drivers/rest/attach.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import { call, rootUrl } from '../drivers/rest/http.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';
import { apiVersionHeader, servesPreview } from '../harness/handle/target-facts.ts';

/** `GET {apiUrl}/preview/{id}/public` with no credentials: its status. */
async function previewStatus(rest: RestDriver, boxId: string): Promise<number> {
  const url = rootUrl(rest.target, '').replace(/\/v1$/, `/preview/${boxId}/public`);
  return (await call(rest.target, 'GET', url, { auth: false })).status;
}

describe('cloud API surface', () => {
  test('every answer carries the API version header, errors included', async ({ rest, stack }) => {
    const expected = apiVersionHeader(stack);
    const answers = [
      await rest.root('GET', '/config'),
      await rest.tenant('GET', '/boxes'),
      await rest.tenant('GET', '/boxes/00000000-0000-0000-0000-000000000000'),
      await rest.tenant('GET', '/boxes', { auth: false }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 401]);
    for (const a of answers) {
      const value = a.headers[expected.name.toLowerCase()];
      if (expected.present) expect(String(value ?? ''), `${expected.why}`).not.toBe('');
      else expect(value, expected.why).toBeUndefined();
    }
  });

  test(
    "the preview service's public check follows the box's inbound mode; unknown ids look private",
    claims({ needs: ['vm'] }),
    async ({ rest, stack, image }) => {
      const make = async (mode: 'enabled' | 'disabled') => {
        const res = await rest.createBox({
          image,
          network: { outbound: { mode: 'enabled' }, inbound: { mode } },
        });
        expect(res.status, res.text).toBeLessThan(300);
        return res.json!.box_id;
      };
      const [open, closed] = [await make('enabled'), await make('disabled')];
      const facts = servesPreview(stack);
      const statuses = [
        await previewStatus(rest, open),
        await previewStatus(rest, closed),
        await previewStatus(rest, 'noSuchBox000'),
      ];
      expect(statuses, facts.why).toEqual(facts.served ? [200, 404, 404] : [404, 404, 404]);
    },
  );
});

describe('exec readiness', claims({ needs: ['vm'] }), () => {
  test('a signal sent the moment the execution id arrives reaches the process', async ({ box, rest }) => {
    for (let round = 0; round < 5; round++) {
      const started = await rest.startExec(box.id, { command: 'sleep', args: ['30'] });
      expect(started.status, started.text).toBe(201);
      const eid = started.json!.execution_id;
      const sent = await rest.tenant('POST', `/boxes/${box.id}/executions/${eid}/signal`, {
        body: { signal: 15 },
      });
      expect(sent.status, sent.text).toBe(204);
      const session = await attach(rest.target, box.id, eid, { timeoutMs: 20_000 });
      const done = await session.done;
      // The SDKs report death by signal as -N; the shell convention is 128+N.
      expect([-15, 143], `round ${round}`).toContain(done.exitCode);
    }
  });

  test('a tty resize sent the moment the execution id arrives reaches the terminal', async ({
    box,
    rest,
  }) => {
    for (let round = 0; round < 3; round++) {
      const started = await rest.startExec(box.id, {
        command: 'sh',
        args: ['-c', 'sleep 1; stty size'],
        tty: true,
      });
      expect(started.status, started.text).toBe(201);
      const eid = started.json!.execution_id;
      const resized = await rest.tenant('POST', `/boxes/${box.id}/executions/${eid}/resize`, {
        body: { cols: 100, rows: 40 },
      });
      expect(resized.status, resized.text).toBe(204);
      const done = await (await attach(rest.target, box.id, eid, { timeoutMs: 20_000 })).done;
      expect(done.stdout.trim(), `round ${round}`).toBe('40 100');
    }
  });
});

describe('tunnels are decided per connection', claims({ needs: ['vm', 'tunnels'] }), () => {
  test('preparing a tunnel to a stopped box names a route; connecting through it is refused', async ({
    box,
    rest,
  }) => {
    await box.stop();
    // apps/api/src/box/services/box.service.ts getNetworkTunnelUrl looks the box up only.
    const prepared = await rest.tenant<{ uri?: string }>('POST', `/boxes/${box.id}/network/tunnel`, {
      query: { port: '18080' },
    });
    expect(prepared.status, prepared.text).toBe(200);
    expect(prepared.json?.uri).toMatch(/^https?:\/\//);
    // The runner dials the guest per connection: a box that is not running answers 502
    // (apps/runner/pkg/api/controllers/network_tunnel.go:34-38).
    const connect = async () => (await box.network.tunnel(18080)).connect();
    await expect(connect()).rejects.toThrow(/\b502\b/);
  });
});
