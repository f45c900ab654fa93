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
 * - a list never shows another org's boxes, and box names are per org;
 * - a revoked or expired key is refused with the 401 envelope an unknown key gets.
 *
 * Checked through the raw REST driver and the real npm SDK. A target whose admin cannot make
 * orgs (serve; the real API with an admin key, drivers/admin/real-api.ts) reports the family not
 * runnable with the preflight's evidence.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createRuntime } from '../drivers/node-sdk/driver.ts';
import { type PyOp, runPythonOps } from '../drivers/python/driver.ts';
import { ensurePythonSdk } from '../drivers/python/venv.ts';
import { createRestDriver, type RestDriver } from '../drivers/rest/driver.ts';
import {
  authHeader,
  call,
  type RestResponse,
  type RestTarget,
  rootUrl,
  tenantUrl,
} from '../drivers/rest/http.ts';
import { claims, describe, expect, pause, runContext, type TenantOrg, test } from '../fixtures/index.ts';
import { createProgress } from '../kernel/progress.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A box id shaped like a real one that no org has. */
const ghostId = () => Array.from(randomBytes(12), (b) => BASE62[b % 62]).join('');
/** A well-formed key no server issued. */
const ghostKey = () => randomBytes(24).toString('hex');

interface Answer {
  status: number;
  text: string;
}

/** What a caller can observe of a refusal, with the probed identifiers masked. */
function shape(a: Answer, secrets: string[]) {
  const mask = (s: string) => secrets.reduce((acc, x) => acc.split(x).join('<X>'), s);
  let json: unknown = null;
  try {
    json = JSON.parse(a.text);
  } catch {}
  const err = (json as { error?: Record<string, unknown> } | null)?.error;
  return {
    status: a.status,
    keys: json && typeof json === 'object' ? Object.keys(json) : null,
    code: err?.code ?? null,
    type: err?.type ?? null,
    message: typeof err?.message === 'string' ? mask(err.message) : mask(a.text),
  };
}

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
      pins: ['auth.org.box-invisible'],
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
      pins: ['auth.org.tunnel'],
      ports: ['test_cross_org_cannot_tunnel_into_org_a_box'],
      needs: ['orgs', 'vm', 'tunnels'],
      detects: ['cross-org-box-lookup'],
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
      pins: ['routing.prefix.foreign'],
      ports: ['test_org_b_key_rejected_in_org_a_namespace', 'test_cross_org_delete_leaves_org_a_box_intact'],
      needs: ['orgs', 'vm'],
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
      pins: ['auth.org.list-isolated', 'auth.org.names-per-org'],
      ports: ['test_org_b_box_list_excludes_org_a'],
      needs: 'orgs',
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
    claims({ pins: ['auth.org.box-invisible'], needs: ['orgs', 'vm'], detects: ['cross-org-box-lookup'] }),
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
      { pins: ['auth.org.box-invisible'], needs: ['orgs', 'vm'], detects: ['cross-org-box-lookup'] },
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

describe('multi-tenant: keys', () => {
  /** GET /boxes and GET /v1/me as `key` in `org`'s namespace. */
  const as = async (org: TenantOrg, key: string) => {
    const t = { ...org.target, apiKey: key };
    return {
      list: await call(t, 'GET', tenantUrl(t, '/boxes')),
      me: await call<{ path_prefix?: string; expires_at?: string | null }>(t, 'GET', rootUrl(t, '/me')),
    };
  };
  const refusedLikeUnknown = async (org: TenantOrg, key: string) => {
    const [stale, unknown] = [await as(org, key), await as(org, ghostKey())];
    for (const k of ['list', 'me'] as const) {
      expect(stale[k].status, `${k}: ${stale[k].text}`).toBe(401);
      expect(stale[k].envelope?.code).toBe('unauthenticated');
      expect(shape(stale[k], []), `${k}: stale key vs a key never issued`).toEqual(shape(unknown[k], []));
    }
  };

  test(
    'a revoked key is refused with the 401 an unknown key gets (REST and SDK); the org keeps working',
    claims({
      pins: ['keys.mint.route', 'keys.revoke.route', 'keys.minted-works', 'keys.revoked'],
      needs: 'orgs',
      detects: ['stale-key-accepted'],
    }),
    async ({ orgs }) => {
      const b = await orgs.make();
      const key = await orgs.admin.createApiKey(b.admin);
      const before = await as(b, key.value);
      expect([before.list.status, before.me.status], before.me.text).toEqual([200, 200]);
      expect(before.me.json?.path_prefix).toBe(b.target.pathPrefix);
      await orgs.admin.revokeApiKey(b.admin, key);
      await refusedLikeUnknown(b, key.value);
      const sdkErr = (k: string) =>
        createRuntime(b.target, k)
          .listInfo()
          .then(
            () => 'accepted',
            (err: Error) => err.message,
          );
      const [revoked, unknown] = [await sdkErr(key.value), await sdkErr(ghostKey())];
      expect(revoked).not.toBe('accepted');
      expect(revoked).toBe(unknown);
      expect((await as(b, b.admin.apiKey)).list.status, "the org's other key").toBe(200);
    },
  );

  test(
    'an expired key is refused with the 401 an unknown key gets; a key cannot mint one that outlives it',
    claims({
      pins: ['keys.mint.route', 'keys.expired', 'keys.outlive'],
      needs: 'orgs',
      detects: ['stale-key-accepted'],
    }),
    async ({ orgs }) => {
      const b = await orgs.make();
      // The expiry is the contract here: a few seconds of validity, then refusal.
      const expiresAt = new Date(Date.now() + 3000);
      const key = await orgs.admin.createApiKey(b.admin, { expiresAt });
      expect(key.expiresAt).toBe(expiresAt.toISOString());
      const before = await as(b, key.value);
      expect([before.list.status, before.me.status], before.me.text).toEqual([200, 200]);
      expect(before.me.json?.expires_at).toBe(expiresAt.toISOString());
      const child = await call({ ...b.target, apiKey: key.value }, 'POST', rootUrl(b.target, '/api-keys'), {
        body: {
          name: `outlives-${randomBytes(3).toString('hex')}`,
          permissions: ['write:boxes'],
          expires_at: new Date(expiresAt.getTime() + 3_600_000).toISOString(),
        },
      });
      expect(child.status, child.text).toBe(403);
      expect(child.envelope?.code).toBe('permission_denied');
      await pause(Math.max(0, expiresAt.getTime() - Date.now()) + 500);
      await refusedLikeUnknown(b, key.value);
    },
  );
});
