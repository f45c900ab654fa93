/**
 * Errors and HTTP error-code mapping (ports upstream §1.6 test_errors + test_error_code_mapping).
 *
 * Upstream asserted "some 4xx" and "no '500' in the message". Here every refusal must carry the
 * exact status AND the protocol envelope `{"error":{"message","type","code"}}` with a STRING code
 * whose status and type agree with the canonical table (protocol §6.2) — the SDK dispatches on
 * `code`, so a wrong or non-string code is a client-visible bug even when the status is right.
 */
import { attach, type UpgradeRejection } from '../drivers/rest/attach.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import type { RestResponse } from '../drivers/rest/http.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

/** Protocol §6.2: code → (status, accepted `type` names). */
const CANONICAL: Record<string, { status: number; types: string[] }> = {
  invalid_argument: { status: 400, types: ['InvalidArgumentError'] },
  unsupported: { status: 400, types: ['UnsupportedError'] },
  unauthenticated: { status: 401, types: ['AuthError', 'UnauthorizedError'] },
  permission_denied: { status: 403, types: ['AuthError'] },
  not_found: { status: 404, types: ['NotFoundError'] },
  already_exists: { status: 409, types: ['AlreadyExistsError'] },
  invalid_state: { status: 409, types: ['InvalidStateError'] },
  stopped: { status: 409, types: ['StoppedError'] },
  session_reaped: { status: 410, types: ['SessionReapedError'] },
  image_pull_failed: { status: 422, types: ['ImageError'] },
  execution_failed: { status: 422, types: ['ExecutionError'] },
  resource_exhausted: { status: 429, types: ['ResourceExhaustedError'] },
};

/** Exact status + string code + envelope whose type/status agree with protocol §6.2. */
function expectError(res: RestResponse, status: number, code: string | string[]): string {
  const what = `HTTP ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, what).toBe(status);
  expect(res.envelope, `not a string-code envelope: ${what}`).not.toBeNull();
  const env = res.envelope!;
  expect(Array.isArray(code) ? code : [code], what).toContain(env.code);
  const canon = CANONICAL[env.code];
  expect(canon, `code ${env.code} is not in the canonical table`).toBeDefined();
  expect(canon!.status, `code ${env.code} belongs with HTTP ${canon!.status}`).toBe(res.status);
  expect(canon!.types, `type ${env.type} for code ${env.code}`).toContain(env.type);
  expect(env.message.trim().length).toBeGreaterThan(0);
  expect(String(res.headers['content-type'] ?? '')).toMatch(/^application\/json/);
  return env.message;
}

/** The refused create left no box behind under that name. */
async function expectNoBoxNamed(rest: RestDriver, name: string): Promise<void> {
  const list = await rest.tenant<{ boxes: { name?: string | null }[] }>('GET', '/boxes');
  expect(list.status).toBe(200);
  expect(list.json!.boxes.map((b) => b.name)).not.toContain(name);
}

const BOGUS_ID = '00000000-0000-0000-0000-000000000000';
/** A bearer that is not even shaped like a key (the shape upstream saw answered with 500). */
const MALFORMED_TOKEN = 'not-a-key!@#';
/** Shaped like a sim key (hex) but never issued. */
const UNKNOWN_TOKEN = 'deadbeef'.repeat(8);

describe('errors: create', () => {
  test(
    'unknown image → 422 image_pull_failed (or 404) naming the image; no box row is left',
    claims({
      pins: ['box.create.image-unknown', 'http.code.image-pull-failed'],
      ports: ['test_image_pull_failed_returns_422'],
      needs: 'create-pulls',
    }),
    async ({ rest, boxName }) => {
      const name = boxName();
      const image = 'boxlite-e2e/no-such-image:404';
      const res = await rest.createBox({ image, name });
      const message = expectError(
        res,
        res.status === 404 ? 404 : 422,
        res.status === 404 ? 'not_found' : 'image_pull_failed',
      );
      expect(message).toContain('boxlite-e2e/no-such-image');
      expect(res.json, 'the refusal carries no box').not.toHaveProperty('box_id');
      await expectNoBoxNamed(rest, name);
    },
  );

  test(
    'unknown image via the SDK → a typed images error naming the image',
    claims({
      pins: ['box.create.image-unknown'],
      ports: ['test_create_with_unknown_image_returns_typed_error'],
      needs: 'create-pulls',
    }),
    async ({ rt, boxName }) => {
      const err = await rt.create({ image: 'boxlite-e2e/no-such-image:404' }, boxName()).then(
        () => null,
        (e: Error) => e,
      );
      expect(err, 'create of an unknown image must reject').not.toBeNull();
      expect(err!.message).toMatch(/^(images error|box not found): /);
      expect(err!.message).toContain('boxlite-e2e/no-such-image');
    },
  );

  test(
    'Node SDK errors are typed by prefix: unknown image → images error, unknown box → box not found',
    claims({
      pins: ['http.code.image-pull-failed', 'http.code.not-found'],
      ports: ['test_node_errors'],
      needs: 'create-pulls',
    }),
    async ({ rt, boxName }) => {
      const image = await rt
        .create({ image: 'boxlite-e2e/no-such-image:404' }, boxName())
        .catch((e: Error) => e);
      expect(String((image as Error).message)).toMatch(/^images error: /);
      expect(await rt.getInfo('zzzzzzzzzzzz')).toBeNull();
      const gone = await rt.remove('zzzzzzzzzzzz', true).catch((e: Error) => e);
      expect(String((gone as Error).message)).toMatch(/^box not found: /);
    },
  );

  test(
    'cpus=0 → 400 invalid_argument, nothing created',
    claims({
      pins: ['box.create.cpus-range', 'http.code.invalid-argument'],
      ports: ['test_invalid_argument_zero_cpu_returns_400', 'test_quota_zero_cpus_returns_4xx'],
      detects: ['create-invalid-accepted', 'rest-error-envelope'],
    }),
    async ({ rest, stack, boxName }) => {
      const name = boxName();
      const res = await rest.createBox({ image: stack.images.busybox, name, cpus: 0 });
      expect(expectError(res, 400, 'invalid_argument')).toMatch(/cpus/);
      await expectNoBoxNamed(rest, name);
    },
  );

  test(
    'memory_mib=-1 → 400 invalid_argument, nothing created',
    claims({
      pins: ['box.create.memory-range'],
      ports: ['test_invalid_argument_negative_memory_returns_400'],
      detects: ['serve-plain-rejection', 'create-invalid-accepted', 'rest-error-envelope'],
    }),
    async ({ rest, stack, boxName }) => {
      const name = boxName();
      const res = await rest.createBox({ image: stack.images.busybox, name, memory_mib: -1 });
      expect(expectError(res, 400, 'invalid_argument')).toMatch(/memory/);
      await expectNoBoxNamed(rest, name);
    },
  );

  test(
    'cpus=999 → refused with 400 / 422 / 429 and a matching canonical code, nothing created',
    claims({
      pins: ['box.create.cpus-range'],
      ports: ['test_resource_exhausted_over_cpu_quota_returns_429'],
      detects: ['serve-plain-rejection', 'create-oversize-clamped', 'rest-error-envelope'],
    }),
    async ({ rest, stack, boxName }) => {
      const name = boxName();
      const res = await rest.createBox({ image: stack.images.busybox, name, cpus: 999 });
      // Upstream accepts 400, 422 or 429; the code must be a canonical kind of that status.
      expect([400, 422, 429], `HTTP ${res.status} ${res.text}`).toContain(res.status);
      const codes = ['invalid_argument', 'image_pull_failed', 'execution_failed', 'resource_exhausted'];
      expect(expectError(res, res.status, codes)).toMatch(/cpu/);
      await expectNoBoxNamed(rest, name);
    },
  );

  test(
    'a host-path volume in create is refused with 400 (REST carries managed volumes only)',
    claims({ pins: ['box.create.volume-host-path'], detects: ['host-bind-honored', 'rest-error-envelope'] }),
    async ({ rest, stack, boxName }) => {
      // Both spellings a host path can take on the wire: explicit host_path, and a "managed"
      // volume that is really an absolute path (validate.ts treats both as host binds). No
      // read_only: the cloud API refuses `read_only: true` on its own (its VolumeSpecDto admits
      // only false), which would hide whether the host path is what got refused.
      for (const volume of [
        { host_path: '/etc', guest_path: '/mnt/host-etc' },
        { managed_volume: '/etc', guest_path: '/mnt/host-etc' },
      ]) {
        const name = boxName();
        const res = await rest.createBox({ image: stack.images.busybox, name, volumes: [volume] });
        expectError(res, 400, ['unsupported', 'invalid_argument']);
        await expectNoBoxNamed(rest, name);
      }
    },
  );

  test(
    'invalid JSON body → 400 invalid_argument (create and exec)',
    claims({
      pins: ['http.invalid-json'],
      detects: ['serve-plain-rejection', 'rest-error-envelope'],
      needs: ['create'],
    }),
    async ({ rest, stack, boxName }) => {
      expectError(await rest.tenant('POST', '/boxes', { raw: '{"image":' }), 400, 'invalid_argument');
      expectError(await rest.tenant('POST', '/boxes', { raw: '[1,2' }), 400, 'invalid_argument');
      const box = await rest.createBox({ image: stack.images.busybox, name: boxName() });
      expect(box.status).toBe(201);
      const exec = await rest.tenant('POST', `/boxes/${box.json!.box_id}/exec`, {
        raw: '{"command":"true",',
      });
      expectError(exec, 400, 'invalid_argument');
    },
  );
  test(
    'a taken name is refused (409 already_exists; serve 400 invalid_argument); the first box keeps it until it is removed',
    claims({
      pins: ['box.create.name-taken', 'box.create.name-freed', 'http.code.already-exists'],
      needs: 'create',
    }),
    async ({ rest, stack, boxName }) => {
      // Names are unique among an org's live boxes: the 0.11 core refuses a taken name
      // (boxlite runtime/rt_impl.rs create: "box with name ... already exists", InvalidArgument,
      // serve's 400), the cloud with a conflict. A 4xx with its canonical code either way, never
      // a 500 and never a second box under the name; once the box is removed the name is free.
      const name = boxName();
      const image = stack.images.busybox;
      const first = await rest.createBox({ image, name });
      expect(first.status, first.text).toBe(201);
      const firstId = first.json!.box_id;
      const dup = await rest.createBox({ image, name });
      if (dup.status === 400) expectError(dup, 400, 'invalid_argument');
      else expectError(dup, 409, 'already_exists');
      const list = await rest.tenant<{ boxes: { box_id: string; name?: string | null }[] }>('GET', '/boxes');
      expect(list.json!.boxes.filter((b) => b.name === name).map((b) => b.box_id)).toEqual([firstId]);
      expect((await rest.tenant<{ box_id: string }>('GET', `/boxes/${name}`)).json?.box_id).toBe(firstId);

      const removed = await rest.tenant('DELETE', `/boxes/${firstId}`, { query: { force: 'true' } });
      expect(removed.status, removed.text).toBe(204);
      const again = await rest.createBox({ image, name });
      expect(again.status, again.text).toBe(201);
      expect(again.json!.box_id).not.toBe(firstId);
    },
  );
});

describe('errors: auth', () => {
  test(
    'invalid bearer token → 401 unauthenticated (malformed and unknown keys, root and tenant routes)',
    claims({
      pins: ['auth.bearer.unknown', 'auth.unauthenticated.envelope'],
      ports: ['test_invalid_token_returns_401_not_500'],
      detects: ['bad-token-500', 'rest-error-envelope'],
    }),
    async ({ rest }) => {
      for (const token of [MALFORMED_TOKEN, UNKNOWN_TOKEN]) {
        expectError(await rest.root('GET', '/me', { auth: token }), 401, 'unauthenticated');
        expectError(await rest.tenant('GET', '/boxes', { auth: token }), 401, 'unauthenticated');
      }
    },
  );

  test(
    'missing Authorization header → 401 on HTTP and on the WebSocket upgrade',
    claims({
      pins: ['auth.bearer.missing', 'auth.ws.missing'],
      ports: ['test_missing_auth_header_returns_401_not_500'],
      needs: 'vm',
    }),
    async ({ rest, stack, boxName }) => {
      expectError(await rest.root('GET', '/me', { auth: false }), 401, 'unauthenticated');
      expectError(await rest.tenant('GET', '/boxes', { auth: false }), 401, 'unauthenticated');
      const created = await rest.tenant('POST', '/boxes', {
        auth: false,
        body: { image: stack.images.busybox, name: boxName() },
      });
      expectError(created, 401, 'unauthenticated');
      // The upgrade is refused before 101, with a plain status + envelope, for a real exec.
      const box = await rest.createBox({ image: stack.images.busybox, name: boxName() });
      expect(box.status).toBe(201);
      const id = box.json!.box_id;
      const started = await rest.startExec(id, { command: 'sleep', args: ['30'] });
      expect(started.status).toBe(201);
      const eid = started.json!.execution_id;
      const refused = (await attach(rest.target, id, eid, { auth: false }).then(
        (s) => {
          s.drop();
          return null;
        },
        (e: UpgradeRejection) => e,
      )) as UpgradeRejection | null;
      expect(refused, 'an unauthenticated upgrade must be refused').not.toBeNull();
      expect(refused!.status).toBe(401);
      expect(JSON.parse(refused!.body)).toMatchObject({ error: { code: 'unauthenticated' } });
      expect((await rest.tenant('DELETE', `/boxes/${id}/executions/${eid}`)).status).toBe(204);
    },
  );

  test(
    'an Authorization header of another scheme → 401 unauthenticated, never a 500',
    claims({ pins: ['auth.bearer.scheme'], detects: ['rest-error-envelope'] }),
    async ({ rest }) => {
      // The cloud's ApiKeyStrategy is passport-http-bearer (apps/api/src/auth/api-key.strategy.ts:9):
      // a header that is not "Bearer <token>" fails it, answered 401. The key itself rides along,
      // so only the scheme is wrong.
      const basic = { header: `Basic ${Buffer.from(`e2e:${rest.target.apiKey}`).toString('base64')}` };
      expectError(await rest.root('GET', '/me', { auth: basic }), 401, 'unauthenticated');
      expectError(await rest.tenant('GET', '/boxes', { auth: basic }), 401, 'unauthenticated');
    },
  );

  test(
    'GET /v1/config answers without a key: capability discovery is public',
    claims({ pins: ['auth.config.public', 'routing.root.config'] }),
    async ({ rest }) => {
      // serve README (boxlite-cli 0.11 `serve`): "every route except GET /v1/config requires
      // Authorization"; the cloud's BoxliteConfigController (apps/api/src/boxlite-rest) has no guard.
      const res = await rest.root<{ capabilities?: Record<string, unknown> }>('GET', '/config', {
        auth: false,
      });
      expect(res.status, res.text).toBe(200);
      expect(typeof res.json?.capabilities).toBe('object');
    },
  );
});

describe('errors: not found and state', () => {
  test(
    'unknown box → 404 not_found on GET, DELETE and exec; the SDK maps it to null / "box not found"',
    claims({
      pins: ['box.get.unknown', 'box.remove.unknown', 'exec.start.unknown-box', 'http.code.not-found'],
      ports: [
        'test_not_found_for_unknown_box_id_returns_404',
        'test_remove_unknown_box_id_returns_404',
        'test_get_info_returns_none_for_nonexistent',
        'test_remove_nonexistent_returns_not_found',
      ],
      detects: ['rest-error-envelope'],
    }),
    async ({ rest, rt }) => {
      expectError(await rest.tenant('GET', `/boxes/${BOGUS_ID}`), 404, 'not_found');
      expectError(
        await rest.tenant('DELETE', `/boxes/${BOGUS_ID}`, { query: { force: 'true' } }),
        404,
        'not_found',
      );
      expectError(await rest.startExec(BOGUS_ID, { command: 'true' }), 404, 'not_found');
      expect(await rt.getInfo(BOGUS_ID)).toBeNull();
      await expect(rt.remove(BOGUS_ID, true)).rejects.toThrow(/^box not found: /);
    },
  );

  test(
    'missing binary → 422 execution_failed naming it (raw), "Execution error" (SDK)',
    claims({
      pins: ['exec.start.binary-missing', 'http.code.execution-failed'],
      ports: ['test_execution_invalid_command_returns_422', 'test_nonexistent_command_returns_error'],
      needs: ['vm'],
      detects: ['exec-spawn-500'],
    }),
    async ({ rest, rt, stack, boxName }) => {
      const box = await rest.createBox({ image: stack.images.busybox, name: boxName() });
      expect(box.status).toBe(201);
      const id = box.json!.box_id;
      const res = await rest.startExec(id, { command: '/nonexistent/binary' });
      expect(expectError(res, 422, 'execution_failed')).toContain('/nonexistent/binary');
      const handle = await rt.get(id);
      expect(handle).not.toBeNull();
      await expect(handle!.exec('/nonexistent/binary')).rejects.toThrow(
        /^Execution error: .*\/nonexistent\/binary/,
      );
    },
  );

  test(
    'double stop, sequential: the first stop answers the stopped box (200); a stop of the already-stopped box is idempotent 200 or 409 invalid_state with the full protocol §6.2 envelope',
    claims({
      pins: ['box-state.stop.running', 'box-state.stop.stopped', 'box.stop.route'],
      ports: [
        'test_invalid_state_stop_already_stopped_returns_4xx',
        'test_double_stop_is_idempotent_or_typed_409',
      ],
      needs: 'vm',
    }),
    async ({ rest, stack, boxName }) => {
      const box = await rest.createBox({ image: stack.images.busybox, name: boxName() });
      expect(box.status).toBe(201);
      const id = box.json!.box_id;
      const first = await rest.tenant<{ box_id: string; status: string }>('POST', `/boxes/${id}/stop`);
      expect(first.status, first.text).toBe(200);
      expect(first.json).toMatchObject({ box_id: id, status: 'stopped' });
      const second = await rest.tenant<{ box_id: string; status: string }>('POST', `/boxes/${id}/stop`);
      if (second.status === 200) expect(second.json).toMatchObject({ box_id: id, status: 'stopped' });
      else expectError(second, 409, 'invalid_state');
    },
  );

  test(
    'signal: 204 while running, 409 invalid_state once the exec has finished',
    claims({
      pins: ['exec.signal.route', 'exec.signal.finished', 'http.code.invalid-state'],
      needs: ['vm'],
      detects: ['signal-after-exit-204'],
    }),
    async ({ rest, stack, boxName }) => {
      const box = await rest.createBox({ image: stack.images.busybox, name: boxName() });
      expect(box.status).toBe(201);
      const id = box.json!.box_id;
      const started = await rest.startExec(id, { command: 'sleep', args: ['30'] });
      expect(started.status).toBe(201);
      const eid = started.json!.execution_id;
      const session = await attach(rest.target, id, eid);
      const live = await rest.tenant('POST', `/boxes/${id}/executions/${eid}/signal`, {
        body: { signal: 15 },
      });
      expect(live.status, live.text).toBe(204);
      const result = await session.done;
      expect(result.exitCode, 'SIGTERM ends sleep').toBe(143);
      const late = await rest.tenant('POST', `/boxes/${id}/executions/${eid}/signal`, {
        body: { signal: 15 },
      });
      expect(expectError(late, 409, 'invalid_state')).toMatch(/finished|exited|not running/);
    },
  );
});

describe('errors: envelope', () => {
  test(
    'every refusal is the envelope with a string code whose status and type agree with protocol §6.2',
    claims({
      pins: [
        'http.envelope.shape',
        'http.envelope.code-string',
        'http.envelope.status-agrees',
        'routing.unknown-route',
        'exec.start.command-required',
      ],
      detects: ['serve-plain-rejection', 'rest-error-envelope'],
      needs: ['create'],
    }),
    async ({ rest, stack, boxName }) => {
      const box = await rest.createBox({ image: stack.images.busybox, name: boxName() });
      expect(box.status).toBe(201);
      const id = box.json!.box_id;
      const cases: Array<[string, Promise<RestResponse>, number, string]> = [
        ['unknown tenant route', rest.tenant('GET', '/no-such-route'), 404, 'not_found'],
        [
          'unknown execution status',
          rest.tenant('GET', `/boxes/${id}/executions/exec-bogus`),
          404,
          'not_found',
        ],
        [
          'unknown execution kill',
          rest.tenant('DELETE', `/boxes/${id}/executions/exec-bogus`),
          404,
          'not_found',
        ],
        ['metrics of unknown box', rest.tenant('GET', `/boxes/${BOGUS_ID}/metrics`), 404, 'not_found'],
        [
          'create without image',
          rest.tenant('POST', '/boxes', { body: { name: boxName() } }),
          400,
          'invalid_argument',
        ],
        [
          'create with string cpus',
          rest.tenant('POST', '/boxes', { body: { image: stack.images.busybox, cpus: '2' } }),
          400,
          'invalid_argument',
        ],
        [
          'exec without command',
          rest.tenant('POST', `/boxes/${id}/exec`, { body: { args: ['x'] } }),
          400,
          'invalid_argument',
        ],
        ['no credentials', rest.tenant('GET', `/boxes/${id}`, { auth: false }), 401, 'unauthenticated'],
      ];
      const results = await Promise.all(cases.map(([, p]) => p));
      // Every refusal is checked and all the wrong ones named together; one hard assertion at
      // the end (not expect.soft) so an expected failure on a target is seen as one.
      const wrong = results.flatMap((res, i) => {
        const [label, , status, code] = cases[i]!;
        try {
          expectError(res, status, code);
          return [];
        } catch (err) {
          return [`${label}: ${(err as Error).message.split('\n')[0]}`];
        }
      });
      expect(wrong).toEqual([]);
    },
  );
});
