/**
 * Quota enforcement (ports upstream §1.7 test_quota_enforcement, which was a module-level strict
 * xfail upstream: the API clamped or ignored over-quota values instead of refusing them).
 *
 * Every case runs in its own small org minted through the sim-only admin route
 * `POST /api/_sim/orgs` (sim/api/routes/root.ts), so the limits are known and tiny, no other
 * case's boxes count against them, and the values stay feasible for a real container (an
 * over-quota box that slips through really gets created — the leak this file exists to catch).
 *
 * The sim separates two upstream bugs: `create-oversize-clamped` clamps any value above the
 * org's per-box limit down to it and creates the box; `quota-not-enforced` skips the per-box
 * check and creates the box as asked. Both turn an over-limit create into a 201, so the
 * per-box cases claim both. Range errors (cpus=999 > 255) are errors.test.ts's business.
 */
import { createTrackedRuntime } from '../drivers/node-sdk/driver.ts';
import { createRestDriver, type RestDriver } from '../drivers/rest/driver.ts';
import { call, type RestResponse, type RestTarget } from '../drivers/rest/http.ts';
import { createBoxTracker } from '../harness/fixtures/box-tracker.ts';
import { instrument } from '../harness/fixtures/call-clock.ts';
import { test as base, describe, expect } from '../harness/fixtures/index.ts';
import { needs } from '../harness/fixtures/needs.ts';

interface Quotas {
  max_cpus: number;
  max_memory_mib: number;
  max_disk_gb: number;
  max_total_cpus: number;
  max_total_memory_mib: number;
  max_boxes: number;
}

interface Org {
  target: RestTarget;
  rest: RestDriver;
  quotas: Quotas;
  /** Names of the org's live boxes. */
  names(): Promise<string[]>;
  /** The real SDK pointed at this org (creates tracked like every other box). */
  sdk(): ReturnType<typeof createTrackedRuntime>;
}

interface OrgFixtures {
  orgs: { make(quotas: Partial<Quotas>): Promise<Org> };
}

/** Roomy defaults; each case tightens the one limit it is about. */
const BASE: Quotas = {
  max_cpus: 2,
  max_memory_mib: 512,
  max_disk_gb: 10,
  max_total_cpus: 64,
  max_total_memory_mib: 65536,
  max_boxes: 50,
};

/**
 * Boxes made in a small org are recorded with the case's tracker (so the path guard checks
 * them) and with one scoped to the org (the default tracker deletes through the admin key,
 * which cannot see them — it would take a 404 as "already gone" and leak the box).
 */
const test = base.extend<OrgFixtures>({
  orgs: async ({ stack, tracker, clock }, use) => {
    const made: ReturnType<typeof createBoxTracker>[] = [];
    const runtimes: { close(): void }[] = [];
    await use({
      async make(overrides) {
        const quotas = { ...BASE, ...overrides };
        const prefix = `e2e-quota-${Math.random().toString(36).slice(2, 10)}`;
        const res = await call<{ api_key: string; path_prefix: string; quotas: Quotas }>(
          stack,
          'POST',
          `${stack.apiUrl}/_sim/orgs`,
          { body: { path_prefix: prefix, quotas } },
        );
        expect(res.status, `sim admin route POST /api/_sim/orgs: ${res.text}`).toBe(201);
        expect(res.json!.quotas).toEqual(quotas);
        const target: RestTarget = {
          apiUrl: stack.apiUrl,
          apiKey: res.json!.api_key,
          pathPrefix: res.json!.path_prefix,
        };
        const own = createBoxTracker(target);
        made.push(own);
        const record = (id: string, via: string) => {
          tracker.record(id, via);
          own.record(id, via);
        };
        // Timed like the fixture drivers, so reports count its calls as stack time.
        const rest = instrument(createRestDriver(target, record), clock);
        return {
          target,
          rest,
          quotas,
          async names() {
            const list = await rest.tenant<{ boxes: { name?: string | null }[] }>('GET', '/boxes');
            expect(list.status).toBe(200);
            return list.json!.boxes.map((b) => b.name ?? '');
          },
          sdk() {
            const rt = createTrackedRuntime(target, record);
            runtimes.push(rt);
            return rt;
          },
        };
      },
    });
    for (const rt of runtimes) rt.close();
    const failed = (await Promise.all(made.map((t) => t.cleanup()))).flat();
    if (failed.length) throw new Error(`cleanup: could not remove org box(es) ${failed.join(', ')}`);
  },
});

/** A quota refusal: 429 resource_exhausted envelope naming the resource, and nothing else in the body. */
function expectQuotaRefusal(res: RestResponse, resource: RegExp): void {
  const what = `HTTP ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, what).toBe(429);
  expect(res.envelope, what).toMatchObject({ code: 'resource_exhausted', type: 'ResourceExhaustedError' });
  expect(res.envelope!.message).toMatch(resource);
  // Upstream: an error body must not carry a leaked box id.
  expect(Object.keys(res.json as object), what).toEqual(['error']);
  expect(res.text).not.toMatch(/box_id/);
}

const sized = (image: string, name: string, cpus: number, memory_mib: number, disk_size_gb: number) => ({
  image,
  name,
  cpus,
  memory_mib,
  disk_size_gb,
});

describe('quota: per-box limits', needs('sim-admin'), () => {
  test('cpus above the org per-box limit → 429 resource_exhausted, no box leaked (REST and SDK)', {
    meta: {
      ports: [
        'test_cpus_above_per_box_limit_returns_4xx',
        'test_quota_violation_does_not_silently_create_box',
      ],
      detects: ['quota-not-enforced', 'create-oversize-clamped'],
    },
  }, async ({ orgs, stack, boxName }) => {
    const org = await orgs.make({ max_cpus: 1 });
    const name = boxName();
    const res = await org.rest.createBox(sized(stack.images.busybox, name, 2, 128, 1));
    expectQuotaRefusal(res, /cpu/);
    const sdkName = boxName();
    await expect(
      org.sdk().create({ image: stack.images.busybox, cpus: 2, memoryMib: 128, diskSizeGb: 1 }, sdkName),
    ).rejects.toThrow(/^resource exhausted: .*cpu/);
    expect(await org.names()).toEqual([]);
  });

  test('memory above the org per-box limit → 429 resource_exhausted, no box leaked', {
    meta: {
      ports: ['test_memory_above_per_box_limit_returns_4xx'],
      detects: ['quota-not-enforced', 'create-oversize-clamped'],
    },
  }, async ({ orgs, stack, boxName }) => {
    const org = await orgs.make({ max_memory_mib: 128 });
    const res = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 256, 1));
    expectQuotaRefusal(res, /memory/);
    expect(await org.names()).toEqual([]);
  });

  test('disk above the org per-box limit → 429 resource_exhausted, no box leaked', {
    meta: {
      ports: ['test_disk_above_per_box_limit_returns_4xx'],
      detects: ['quota-not-enforced', 'create-oversize-clamped'],
    },
  }, async ({ orgs, stack, boxName }) => {
    const org = await orgs.make({ max_disk_gb: 2 });
    const res = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 128, 3));
    expectQuotaRefusal(res, /disk/);
    expect(await org.names()).toEqual([]);
  });

  test('a box exactly at every per-box limit is created with those values (limits are inclusive)', async ({
    orgs,
    stack,
    boxName,
  }) => {
    const org = await orgs.make({ max_cpus: 1, max_memory_mib: 128, max_disk_gb: 2 });
    const name = boxName();
    const res = await org.rest.createBox(sized(stack.images.busybox, name, 1, 128, 2));
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ name, cpus: 1, memory_mib: 128 });
    expect(await org.names()).toEqual([name]);
  });
});

describe('quota: org totals', needs('sim-admin'), () => {
  test('boxes beyond max_boxes → 429 resource_exhausted; removing one frees the slot', async ({
    orgs,
    stack,
    boxName,
  }) => {
    const org = await orgs.make({ max_boxes: 2 });
    const body = () => sized(stack.images.busybox, boxName(), 1, 64, 1);
    const [a, b] = await Promise.all([org.rest.createBox(body()), org.rest.createBox(body())]);
    expect([a!.status, b!.status]).toEqual([201, 201]);
    const third = await org.rest.createBox(body());
    expectQuotaRefusal(third, /max_boxes|box count/);
    expect((await org.names()).sort()).toEqual([a!.json!.name, b!.json!.name].sort());
    const removed = await org.rest.tenant('DELETE', `/boxes/${a!.json!.box_id}`, {
      query: { force: 'true' },
    });
    expect(removed.status).toBe(204);
    const again = await org.rest.createBox(body());
    expect(again.status, again.text).toBe(201);
  });

  test('cpus summed over live boxes above max_total_cpus → 429; a box that still fits is created', async ({
    orgs,
    stack,
    boxName,
  }) => {
    const org = await orgs.make({ max_cpus: 2, max_total_cpus: 3 });
    const first = await org.rest.createBox(sized(stack.images.busybox, boxName(), 2, 64, 1));
    expect(first.status, first.text).toBe(201);
    expectQuotaRefusal(
      await org.rest.createBox(sized(stack.images.busybox, boxName(), 2, 64, 1)),
      /total cpus|max_total_cpus/,
    );
    const fits = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 64, 1));
    expect(fits.status, fits.text).toBe(201);
    expect(await org.names()).toHaveLength(2);
  });

  test('memory summed over live boxes above max_total_memory_mib → 429 resource_exhausted', async ({
    orgs,
    stack,
    boxName,
  }) => {
    const org = await orgs.make({ max_memory_mib: 256, max_total_memory_mib: 384 });
    const first = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 256, 1));
    expect(first.status, first.text).toBe(201);
    expectQuotaRefusal(
      await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 256, 1)),
      /total memory|max_total_memory_mib/,
    );
    expect(await org.names()).toHaveLength(1);
  });

  test('parallel creates cannot overshoot max_boxes: exactly the quota succeeds, the rest get 429', async ({
    orgs,
    stack,
    boxName,
  }) => {
    const org = await orgs.make({ max_boxes: 2 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 64, 1))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join('\n')).toEqual([201, 201, 429, 429, 429]);
    for (const r of results.filter((x) => x.status === 429)) expectQuotaRefusal(r, /max_boxes|box count/);
    const created = results.filter((r) => r.status === 201).map((r) => r.json!.name);
    expect((await org.names()).sort()).toEqual(created.sort());
  });
});
