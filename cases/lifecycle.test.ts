/**
 * Box lifecycle and management (upstream §1.1: test_lifecycle, test_box_management,
 * test_lifecycle_comprehensive, test_shutdown). Box and runtime metrics are metrics.test.ts's.
 *
 * Upstream weaknesses fixed here: ids are checked against the real format (12-char base62,
 * not UUID), "not found" is the exact typed error instead of "no 500 in the message", and state
 * is asserted (not just "get() is non-null").
 */
import {
  createRuntime,
  createTrackedRuntime,
  runSdkExec,
  type SdkBox,
  runSdkSh as sh,
} from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, stateAfterCreate, test } from '../fixtures/index.ts';

const BOX_ID_RE = /^[0-9A-Za-z]{12}$/;
/** RFC 3339 date-time, as the clients parse `created_at` / `updated_at` (chrono `parse_from_rfc3339`). */
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Protocol §3.3: the status vocabulary the clients know (anything else reads as "unknown"). */
const STATUSES = ['configured', 'running', 'stopping', 'stopped', 'paused', 'failed'];
/** Well-formed ids that were never issued: one in the real format, one in upstream's UUID shape. */
const UNKNOWN_IDS = ['zzzzzzzzzzzz', '00000000-0000-0000-0000-000000000001'];

describe.concurrent('box lifecycle', () => {
  test(
    'listInfo / getInfo / get describe a created box',
    claims({
      pins: ['box.create.route', 'box.list.route', 'box.get.route'],
      ports: [
        'test_runtime_initialization_creates_empty_list',
        'test_get_info_returns_box_metadata',
        'test_list_info_includes_created_box',
      ],
      needs: ['create'],
    }),
    async ({ rt, box, image, stack }) => {
      const state = stateAfterCreate(stack);
      const list = await rt.listInfo();
      // The org is shared with other workers: assert on our box and on the shape of all.
      for (const entry of list) {
        expect(entry.id).toMatch(BOX_ID_RE);
        expect(typeof entry.state.status).toBe('string');
      }
      const mine = list.filter((i) => i.id === box.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        id: box.id,
        name: box.name,
        image,
        state,
      });

      const info = await rt.getInfo(box.id);
      expect(info).toMatchObject({
        id: box.id,
        name: box.name,
        image,
        state,
      });
      expect(Number.isNaN(Date.parse(info!.createdAt))).toBe(false);
      const handle = await rt.get(box.id);
      expect(handle?.id).toBe(box.id);
      expect((await handle!.info()).id).toBe(box.id);
    },
  );

  test(
    'create → exec → remove through the Node SDK',
    claims({
      pins: ['box.create.route', 'exec.start.route', 'box.remove.route'],
      ports: ['test_node_sdk_create_exec_remove', 'test_node_exec'],
      needs: 'vm',
    }),
    async ({ rt, stack, boxName }) => {
      const b = await rt.create({ image: stack.images.busybox }, boxName());
      expect(b.id).toMatch(BOX_ID_RE);
      const [hello, code] = await Promise.all([
        runSdkExec(b, { command: 'echo', args: ['HELLO-FROM-NODE'] }),
        sh(b, 'exit 42'),
      ]);
      expect(hello).toMatchObject({ stdout: 'HELLO-FROM-NODE\n', stderr: '', exitCode: 0 });
      expect(code.exitCode).toBe(42);
      await rt.remove(b.id, true);
      expect(await rt.getInfo(b.id)).toBeNull();
    },
  );

  test(
    "a client with no path prefix (the canonical routes) works in its key's org",
    claims({ pins: ['routing.prefix.canonical', 'routing.prefix.tenant'], needs: 'vm' }),
    async ({ rt, stack, tracker, boxName }) => {
      // upstream mounts every box route twice, `v1/boxes` and `v1/:prefix/boxes`
      // (boxlite-box.controller.ts): a user who never sets pathPrefix must not get 404s.
      const bare = createTrackedRuntime({ ...stack, pathPrefix: '' }, tracker.record);
      const b = await bare.create({ image: stack.images.busybox }, boxName());
      expect((await runSdkExec(b, { command: 'echo', args: ['no-prefix'] })).stdout).toBe('no-prefix\n');
      // The same org: the prefixed runtime sees the box, and vice versa.
      expect((await rt.getInfo(b.id))?.id).toBe(b.id);
      expect((await bare.listInfo()).map((i) => i.id)).toContain(b.id);
      await bare.remove(b.id, true);
      expect(await rt.getInfo(b.id)).toBeNull();
    },
  );

  test(
    'getInfo / get return null for an unknown id',
    claims({
      pins: ['box.get.unknown'],
      ports: ['test_get_info_returns_none_for_nonexistent'],
      detects: ['rest-error-envelope'],
    }),
    async ({ rt, rest }) => {
      for (const id of UNKNOWN_IDS) {
        expect(await rt.getInfo(id)).toBeNull();
        expect(await rt.get(id)).toBeNull();
        const res = await rest.tenant('GET', `/boxes/${id}`);
        expect(res.status).toBe(404);
        expect(res.envelope?.code).toBe('not_found');
      }
    },
  );

  test(
    'Box JSON on the wire: the required core, typed, with RFC 3339 timestamps, alike from create, get and list',
    claims({
      pins: [
        'box.json.box-id',
        'box.json.status',
        'box.json.timestamps',
        'box.json.image',
        'box.json.cpus',
        'box.json.memory',
        'box.json.alike',
      ],
      needs: 'create',
    }),
    async ({ rest, stack, boxName }) => {
      // Protocol §3.3 (boxlite rest/types.rs BoxResponse): box_id, status, created_at, updated_at,
      // image, cpus and memory_mib are required. The SDK turns an unparseable timestamp into
      // "now" without a word (to_box_info), so only the wire shows a server that breaks them.
      const name = boxName();
      const created = await rest.createBox({ image: stack.images.busybox, name });
      expect(created.status, created.text).toBe(201);
      const id = created.json!.box_id;
      const [one, list] = await Promise.all([
        rest.tenant<Record<string, unknown>>('GET', `/boxes/${id}`),
        rest.tenant<{ boxes: Record<string, unknown>[] }>('GET', '/boxes'),
      ]);
      const doors: Array<[string, Record<string, unknown> | undefined]> = [
        ['POST /boxes', created.json as unknown as Record<string, unknown>],
        ['GET /boxes/{id}', one.json ?? undefined],
        ['GET /boxes', list.json?.boxes.find((b) => b.box_id === id)],
      ];
      for (const [door, b] of doors) {
        expect(b, door).toMatchObject({
          box_id: id,
          name,
          status: expect.any(String),
          image: expect.any(String),
          cpus: expect.any(Number),
          memory_mib: expect.any(Number),
        });
        expect(STATUSES, `${door} status`).toContain(b!.status);
        expect(b!.created_at, `${door} created_at`).toMatch(RFC3339_RE);
        expect(b!.updated_at, `${door} updated_at`).toMatch(RFC3339_RE);
        expect(Number.isInteger(b!.cpus) && Number.isInteger(b!.memory_mib), door).toBe(true);
      }
      // One box, one creation instant, whichever door is asked.
      expect(new Set(doors.map(([, b]) => Date.parse(String(b!.created_at)))).size).toBe(1);
    },
  );

  test(
    'creates get unique server-issued 12-char base62 ids',
    claims({
      pins: ['box.create.unique-ids', 'box.json.id-format'],
      ports: ['test_create_generates_unique_ids'],
      needs: ['create'],
    }),
    async ({ boxFactory }) => {
      const boxes = await boxFactory.make(2);
      for (const b of boxes) expect(b.id).toMatch(BOX_ID_RE);
      expect(new Set(boxes.map((b) => b.id)).size).toBe(2);
    },
  );

  test(
    'a named box keeps its name and is addressable by it',
    claims({
      pins: ['box.create.name', 'routing.path.name-addressable'],
      ports: ['test_create_named_box'],
      needs: ['create'],
    }),
    async ({ rt, image, boxName }) => {
      const name = boxName();
      const b = await rt.create({ image }, name);
      expect(b.name).toBe(name);
      expect((await b.info()).name).toBe(name);
      expect((await rt.getInfo(b.id))?.name).toBe(name);
      expect((await rt.getInfo(name))?.id).toBe(b.id);
      expect((await rt.get(name))?.id).toBe(b.id);
    },
  );

  test(
    'box env option reaches every exec',
    claims({
      pins: ['box.create.env'],
      ports: ['test_box_options_env_propagates_through_rest'],
      needs: 'vm',
    }),
    async ({ rt, image, boxName }) => {
      const b = await rt.create(
        { image, env: [{ key: 'BOXLITE_E2E_MARKER', value: 'yes-its-there' }] },
        boxName(),
      );
      const r = await sh(b, 'echo "$BOXLITE_E2E_MARKER"');
      expect(r).toMatchObject({ stdout: 'yes-its-there\n', stderr: '', exitCode: 0, error: null });
    },
  );

  test(
    'stop / start preserves the rootfs',
    claims({ pins: ['lifecycle.disk.persists'], ports: ['test_stop_start_preserves_rootfs'], needs: 'vm' }),
    async ({ box }) => {
      const w = await sh(box, 'echo persisted-across-restart > /workspace/marker.txt');
      expect(w.exitCode).toBe(0);
      await box.stop();
      await box.start();
      const r = await sh(box, 'cat /workspace/marker.txt');
      expect(r).toMatchObject({ stdout: 'persisted-across-restart\n', exitCode: 0 });
    },
  );

  test(
    'info reflects running / stopped state',
    claims({ pins: ['box-state.info-follows'], ports: ['test_box_info_reflects_state'], needs: 'vm' }),
    async ({ rt, box }) => {
      expect((await box.info()).state).toMatchObject({ status: 'running', running: true });
      await box.stop();
      expect((await box.info()).state).toMatchObject({ status: 'stopped', running: false });
      expect((await rt.getInfo(box.id))?.state).toMatchObject({ status: 'stopped', running: false });
      const handle = await rt.get(box.id);
      expect(handle?.id).toBe(box.id);
      await box.start();
      expect((await box.info()).state).toMatchObject({ status: 'running', running: true });
    },
  );

  test(
    'rapid create / remove leaves nothing behind',
    claims({
      pins: ['lifecycle.rapid-create-remove'],
      ports: ['test_rapid_create_remove_no_leak'],
      needs: ['create'],
    }),
    async ({ rt, stack, boxName, rest }) => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const b = await rt.create({ image: stack.images.busybox }, boxName());
        ids.push(b.id);
        await rt.remove(b.id, true);
      }
      expect(new Set(ids).size).toBe(5);
      const listed = new Set((await rt.listInfo()).map((i) => i.id));
      expect(ids.filter((id) => listed.has(id))).toEqual([]);
      for (const id of ids) {
        expect(await rt.getInfo(id)).toBeNull();
        expect((await rest.tenant('GET', `/boxes/${id}`)).status).toBe(404);
      }
    },
  );

  test(
    'a running box goes with a plain remove, and with force',
    claims({ pins: ['box-state.remove.running'], ports: ['test_force_remove_running_box'], needs: 'vm' }),
    async ({ rt, stack, boxName }) => {
      // Both REST servers remove a running box without force: the cloud API takes no force
      // (boxlite-box.controller.ts removeBox → BoxService.destroy) and serve defaults it to
      // true (handlers/boxes.rs); the REST client sends `?force=true` only when asked.
      const running = async () => {
        const b = await rt.create({ image: stack.images.busybox, cmd: ['sleep', '600'] }, boxName());
        await b.start();
        expect((await rt.getInfo(b.id))?.state.status).toBe('running');
        return b;
      };
      for (const force of [false, true]) {
        const b = await running();
        await rt.remove(b.id, force);
        expect(await rt.getInfo(b.id), `force=${force}`).toBeNull();
        expect(await rt.get(b.id)).toBeNull();
        expect((await rt.listInfo()).map((i) => i.id)).not.toContain(b.id);
      }
    },
  );

  test(
    'removing a removed or unknown box is a typed not-found',
    claims({
      pins: ['box.remove.unknown'],
      ports: ['test_remove_already_removed_returns_not_found', 'test_remove_nonexistent_returns_not_found'],
      needs: ['create'],
    }),
    async ({ rt, box, rest }) => {
      await rt.remove(box.id, true);
      await expect(rt.remove(box.id, true)).rejects.toThrow(/^box not found: /);
      // A removed box cannot be started or stopped back into view either (serve handlers/boxes.rs
      // start_box / stop_box: get_or_fetch_box → 404; the cloud: findOneByIdOrName → 404).
      await expect(box.stop()).rejects.toThrow(/^box not found: /);
      for (const verb of ['start', 'stop']) {
        const res = await rest.tenant('POST', `/boxes/${box.id}/${verb}`);
        expect(res.status, `${verb} of a removed box: ${res.text}`).toBe(404);
        expect(res.envelope?.code).toBe('not_found');
      }
      for (const id of UNKNOWN_IDS) await expect(rt.remove(id, true)).rejects.toThrow(/^box not found: /);
      const res = await rest.tenant('DELETE', `/boxes/${box.id}`, { query: { force: 'true' } });
      expect(res.status).toBe(404);
      expect(res.envelope).toMatchObject({ code: 'not_found', type: 'NotFoundError' });
    },
  );

  test(
    'two runtimes on the same profile share one world',
    claims({
      pins: ['lifecycle.clients-share-world'],
      ports: ['test_two_runtimes_share_world'],
      needs: 'vm',
    }),
    async ({ stack, box }) => {
      const rt2 = createRuntime(stack);
      try {
        expect((await rt2.listInfo()).map((i) => i.id)).toContain(box.id);
        expect((await rt2.getInfo(box.id))?.name).toBe(box.name);
        const other = await rt2.get(box.id);
        expect(other).not.toBeNull();
        const r = await sh(other!, 'echo via-second-runtime');
        expect(r).toMatchObject({ stdout: 'via-second-runtime\n', exitCode: 0 });
      } finally {
        rt2.close();
      }
    },
  );

  test(
    'closing a runtime twice is harmless',
    claims({ ports: ['test_close_is_idempotent'] }),
    async ({ stack }) => {
      const rt2 = createRuntime(stack);
      expect(Array.isArray(await rt2.listInfo())).toBe(true);
      expect(() => {
        rt2.close();
        rt2.close();
      }).not.toThrow();
    },
  );

  test(
    'two boxes have separate filesystems',
    claims({ pins: ['lifecycle.isolation.filesystem'], ports: ['test_two_boxes_are_isolated'], needs: 'vm' }),
    async ({ boxFactory }) => {
      const [a, b] = (await boxFactory.make(2)) as [SdkBox, SdkBox];
      await Promise.all(
        [a, b].map(async (x) => expect((await sh(x, `echo ${x.id} > /workspace/who.txt`)).exitCode).toBe(0)),
      );
      expect((await sh(a, 'touch /workspace/only-in-a')).exitCode).toBe(0);
      const [ra, rb, probe] = await Promise.all([
        sh(a, 'cat /workspace/who.txt'),
        sh(b, 'cat /workspace/who.txt'),
        sh(b, 'test -e /workspace/only-in-a'),
      ]);
      expect(ra.stdout).toBe(`${a.id}\n`);
      expect(rb.stdout).toBe(`${b.id}\n`);
      expect(probe.exitCode).toBe(1);
    },
  );
});
