/**
 * Multi-tenant isolation: two orgs, each with its own key, minted through the stack's admin
 * interface (fixtures/orgs.ts → drivers/admin). Ports upstream's cross-org cases
 * (apps/e2e/cases/test_pol257_cross_org_isolation.py, test_cross_org_isolation.py):
 *
 * - org B's key in its own namespace on org A's box id: every box operation answers exactly as
 *   for an id that never existed — same status (404), envelope code and type, same message once
 *   the id is masked — so B cannot tell A's ids from random strings; A's box is untouched;
 * - org B's key in org A's namespace is refused (403, upstream's org guard; the sim too) exactly as in a
 *   namespace that belongs to no org;
 * - a list never shows another org's boxes, and box names are per org.
 *
 * Keys (revoked, expired, what a key may pass on) are in keys.test.ts.
 *
 * Checked through the raw REST driver and the real npm SDK. A target whose admin cannot make
 * orgs (serve; the real API with an admin key, drivers/admin/real-api.ts) reports the family not
 * runnable with the preflight's evidence.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { type PyOp, runPythonOps } from '../drivers/python/driver.ts';
import { ensurePythonSdk } from '../drivers/python/venv.ts';
import { createRestDriver, type RestDriver } from '../drivers/rest/driver.ts';
import { authHeader, type RestResponse, type RestTarget, tenantUrl } from '../drivers/rest/http.ts';
import { claims, describe, expect, runContext, type TenantOrg, test } from '../fixtures/index.ts';
import { createProgress } from '../kernel/progress.ts';
import { type Answer, ghostId, shape } from './tenant-steps.ts';

/** A WebSocket upgrade's refusal (status + body), or status 101 when it was accepted. */
function upgrade(url: string, t: RestTarget): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: authHeader(t, undefined), perMessageDeflate: false });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, text: '' });
    });
    ws.once('error', reject);
  });
}

const wsUrl = (t: RestTarget, path: string) => tenantUrl(t, path).replace(/^http/, 'ws');
const EMPTY_TAR = Buffer.alloc(1024);

/** Every box operation a tenant has, as org `rest` would call it on `id` (execution `eid`). */
const BOX_OPS: { op: string; call: (rest: RestDriver, id: string, eid: string) => Promise<Answer> }[] = [
  { op: 'get', call: (r, id) => r.tenant('GET', `/boxes/${id}`) },
  { op: 'exec', call: (r, id) => r.tenant('POST', `/boxes/${id}/exec`, { body: { command: 'id' } }) },
  { op: 'execution status', call: (r, id, eid) => r.tenant('GET', `/boxes/${id}/executions/${eid}`) },
  {
    op: 'attach (execution)',
    call: (r, id, eid) => upgrade(wsUrl(r.target, `/boxes/${id}/executions/${eid}/attach`), r.target),
  },
  { op: 'attach (box)', call: (r, id) => upgrade(wsUrl(r.target, `/boxes/${id}/attach`), r.target) },
  {
    op: 'files upload',
    call: (r, id) =>
      r.tenant('PUT', `/boxes/${id}/files`, {
        query: { path: '/tmp' },
        raw: EMPTY_TAR,
        contentType: 'application/x-tar',
      }),
  },
  {
    op: 'files download',
    call: (r, id) => r.tenant('GET', `/boxes/${id}/files`, { query: { path: '/etc/hostname' } }),
  },
  { op: 'metrics', call: (r, id) => r.tenant('GET', `/boxes/${id}/metrics`) },
  { op: 'stop', call: (r, id) => r.tenant('POST', `/boxes/${id}/stop`) },
  { op: 'start', call: (r, id) => r.tenant('POST', `/boxes/${id}/start`) },
  { op: 'remove', call: (r, id) => r.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }) },
];

/** A running box in `org` with a live execution; the positive control that it is reachable. */
async function runningBox(org: TenantOrg, image: string, name: string) {
  const created = await org.rest.createBox({ image, name });
  expect(created.status, created.text).toBe(201);
  const id = created.json!.box_id;
  const started = await org.rest.tenant('POST', `/boxes/${id}/start`, { timeoutMs: 180_000 });
  expect(started.status, started.text).toBeLessThan(300);
  const exec = await org.rest.startExec(id, { command: 'sleep', args: ['300'] });
  expect(exec.status, exec.text).toBeLessThan(300);
  expect(exec.json?.execution_id, exec.text).toEqual(expect.any(String));
  return { id, name, eid: exec.json!.execution_id };
}

/** Org A's box is as it was: found by its owner, same name, running, and it still runs commands. */
async function expectIntact(org: TenantOrg, box: { id: string; name: string }) {
  const got = await org.rest.tenant<{ name: string; status: string }>('GET', `/boxes/${box.id}`);
  expect(got.status, `org A lost its box: ${got.text}`).toBe(200);
  expect(got.json).toMatchObject({ name: box.name, status: 'running' });
  const ran = await org.rest.exec(box.id, { command: 'echo', args: ['still-mine'] });
  expect({ exit: ran.exitCode, out: ran.stdout }).toEqual({ exit: 0, out: 'still-mine\n' });
}

describe('multi-tenant: nothing crosses orgs', () => {
  test(
    "org B's key on org A's box: every box operation answers as for an id that never existed (REST)",
    claims({
      ports: [
        'test_org_b_read_denied',
        'test_org_b_exec_denied',
        'test_org_b_stop_denied',
        'test_org_b_delete_denied',
        'test_existence_is_indistinguishable',
        'test_org_a_box_is_not_found_in_org_b_namespace',
      ],
      needs: ['orgs', 'vm'],
      detects: ['cross-org-box-lookup'],
      pins: ['auth.org.box-invisible', 'auth.org.ws'],
    }),
    async ({ orgs, stack, boxName }) => {
      const [a, b] = await Promise.all([orgs.make(), orgs.make()]);
      const box = await runningBox(a, stack.images.busybox, boxName());
      const ghost = { id: ghostId(), eid: randomUUID() };
      const seen: Record<string, { onA: unknown; onGhost: unknown }> = {};
      for (const { op, call: run } of BOX_OPS) {
        const onA = shape(await run(b.rest, box.id, box.eid), [box.id, box.eid]);
        const onGhost = shape(await run(b.rest, ghost.id, ghost.eid), [ghost.id, ghost.eid]);
        seen[op] = { onA, onGhost };
      }
      // By name too: A's box name means nothing in B's namespace.
      seen['get by name'] = {
        onA: shape(await b.rest.tenant('GET', `/boxes/${box.name}`), [box.name]),
        onGhost: shape(await b.rest.tenant('GET', `/boxes/${box.name}-ghost`), [`${box.name}-ghost`]),
      };
      for (const [op, { onA, onGhost }] of Object.entries(seen)) {
        expect(onA, `${op}: org B on org A's box vs a ghost id`).toEqual(onGhost);
        expect((onA as { status: number }).status, `${op} on org A's box with org B's key`).toBe(404);
      }
      await expectIntact(a, box);
    },
  );

  test(
    "org B cannot prepare a tunnel into org A's box: answered as for an id that never existed",
    claims({
      ports: ['test_cross_org_cannot_tunnel_into_org_a_box'],
      needs: ['orgs', 'vm', 'tunnels'],
      detects: ['cross-org-box-lookup'],
      pins: ['auth.org.tunnel'],
    }),
    async ({ orgs, stack, boxName }) => {
      const [a, b] = await Promise.all([orgs.make(), orgs.make()]);
      const box = await runningBox(a, stack.images.busybox, boxName());
      const tunnel = (org: TenantOrg, id: string) =>
        org.rest.tenant('POST', `/boxes/${id}/network/tunnel`, { query: { port: '8080' } });
      // Positive control: the owner gets a tunnel uri for the same request.
      const own = await tunnel(a, box.id);
      expect(own.status, own.text).toBeLessThan(300);
      expect((own.json as { uri?: unknown } | null)?.uri, own.text).toEqual(expect.any(String));
      const ghost = ghostId();
      const onA = shape(await tunnel(b, box.id), [box.id]);
      expect(onA).toEqual(shape(await tunnel(b, ghost), [ghost]));
      expect(onA.status).toBe(404);
      await expectIntact(a, box);
    },
  );

  test(
    "org B's key in org A's namespace is refused as in a namespace of no org, and changes nothing",
    claims({
      ports: ['test_org_b_key_rejected_in_org_a_namespace', 'test_cross_org_delete_leaves_org_a_box_intact'],
      needs: ['orgs', 'vm'],
      pins: ['routing.prefix.foreign'],
    }),
    async ({ orgs, stack, boxName }) => {
      const [a, b] = await Promise.all([orgs.make(), orgs.make()]);
      const box = await runningBox(a, stack.images.busybox, boxName());
      const ghostPrefix = `e2e-no-org-${randomBytes(4).toString('hex')}`;
      const bIn = (pathPrefix: string) => createRestDriver({ ...b.target, pathPrefix }, () => {});
      const probes: [string, (r: RestDriver) => Promise<RestResponse>][] = [
        ['list', (r) => r.tenant('GET', '/boxes')],
        ['get', (r) => r.tenant('GET', `/boxes/${box.id}`)],
        ['exec', (r) => r.tenant('POST', `/boxes/${box.id}/exec`, { body: { command: 'id' } })],
        ['stop', (r) => r.tenant('POST', `/boxes/${box.id}/stop`)],
        ['remove', (r) => r.tenant('DELETE', `/boxes/${box.id}`, { query: { force: 'true' } })],
      ];
      for (const [op, probe] of probes) {
        const inA = shape(await probe(bIn(a.target.pathPrefix)), [a.target.pathPrefix]);
        const inNowhere = shape(await probe(bIn(ghostPrefix)), [ghostPrefix]);
        // Upstream's own case accepts either refusal (the auth layer's call); never a 404 that
        // would read as "no such box" inside a namespace the key has no business in.
        expect([401, 403], `${op} in org A's namespace with org B's key: ${inA.message}`).toContain(
          inA.status,
        );
        expect(inA, `${op}: org A's namespace vs a namespace of no org`).toEqual(inNowhere);
      }
      await expectIntact(a, box);
    },
  );

  test(
    "a list never shows another org's boxes, and names are per org",
    claims({
      ports: ['test_org_b_box_list_excludes_org_a'],
      needs: 'orgs',
      pins: ['auth.org.list-isolated', 'auth.org.names-per-org'],
    }),
    async ({ orgs, rest, stack, boxName }) => {
      const [a, b] = await Promise.all([orgs.make(), orgs.make()]);
      const name = boxName();
      const inA = await a.rest.createBox({ image: stack.images.busybox, name });
      // The same name in B is no conflict: a 409 would tell B that A has a box of that name.
      const inB = await b.rest.createBox({ image: stack.images.busybox, name });
      expect([inA.status, inB.status], `${inA.text} ${inB.text}`).toEqual([201, 201]);
      const [aId, bId] = [inA.json!.box_id, inB.json!.box_id];
      expect(await a.ids()).toEqual([aId]);
      expect(await b.ids()).toEqual([bId]);
      const own = await rest.tenant<{ boxes: { box_id: string }[] }>('GET', '/boxes');
      expect(own.status).toBe(200);
      expect(own.json!.boxes.map((x) => x.box_id)).not.toEqual(expect.arrayContaining([aId]));
      expect(own.json!.boxes.map((x) => x.box_id)).not.toEqual(expect.arrayContaining([bId]));
      const byName = await b.rest.tenant<{ box_id: string }>('GET', `/boxes/${name}`);
      expect(byName.json?.box_id).toBe(bId);
    },
  );

  test(
    "the npm SDK as org B cannot see, get or remove org A's box",
    claims({ needs: ['orgs', 'vm'], detects: ['cross-org-box-lookup'], pins: ['auth.org.box-invisible'] }),
    async ({ orgs, stack, boxName }) => {
      const [a, b] = await Promise.all([orgs.make(), orgs.make()]);
      const box = await runningBox(a, stack.images.busybox, boxName());
      const rtB = b.sdk();
      const ghost = ghostId();
      expect(await rtB.getInfo(box.id)).toBeNull();
      expect(await rtB.get(box.id)).toBeNull();
      expect(await rtB.getInfo(box.name)).toBeNull();
      expect((await rtB.listInfo()).map((i) => i.id)).not.toContain(box.id);
      const refusal = (id: string) =>
        rtB.remove(id, true).then(
          () => 'removed',
          (err: Error) => err.message.split(id).join('<ID>'),
        );
      const [onA, onGhost] = [await refusal(box.id), await refusal(ghost)];
      expect(onA).toBe(onGhost);
      expect(onA).toMatch(/not found/i);
      const rtA = a.sdk();
      expect((await rtA.getInfo(box.id))?.name).toBe(box.name);
      await expectIntact(a, box);
    },
  );
});

describe('multi-tenant: the PyPI SDK', () => {
  test(
    "the Python SDK as org B cannot see, get, stop or remove org A's box",
    claims(
      { needs: ['orgs', 'vm'], detects: ['cross-org-box-lookup'], pins: ['auth.org.box-invisible'] },
      { timeout: 600_000 },
    ),
    async ({ orgs, stack, boxName, tracker, clock }) => {
      const python = await ensurePythonSdk({ cacheDir: runContext().cacheDir, progress: createProgress() });
      const [a, b] = await Promise.all([orgs.make(), orgs.make()]);
      const box = await runningBox(a, stack.images.busybox, boxName());
      const ghost = ghostId();
      const probes = (id: string): PyOp[] => [
        { op: 'get_info', box: id },
        { op: 'get', box: id },
        { op: 'stop', box: id },
        { op: 'remove', box: id, force: true },
      ];
      const results = await clock.time(
        runPythonOps(python, b.target, [{ op: 'list' }, ...probes(box.id), ...probes(ghost)], tracker.record),
      );
      const [list, ...rest] = results;
      expect(list!.error).toBeNull();
      expect((list!.result as { id: string }[]).map((i) => i.id)).not.toContain(box.id);
      const seen = (r: (typeof results)[number], id: string) => ({
        op: r.op,
        result: r.result,
        error: r.error?.split(id).join('<ID>') ?? null,
        error_type: r.error_type,
        error_code: r.error_code,
      });
      const onA = rest.slice(0, 4).map((r) => seen(r, box.id));
      const onGhost = rest.slice(4).map((r) => seen(r, ghost));
      expect(onA).toEqual(onGhost);
      expect(onA.slice(0, 2).map((r) => r.result)).toEqual([null, null]);
      // stop on an id it cannot find is quiet in the 0.10 SDK — for A's box exactly as for a ghost.
      expect(onA[3]!.error_code).toBe('not_found');
      await expectIntact(a, box);
    },
  );
});
