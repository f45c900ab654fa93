/**
 * Quota enforcement (ports upstream §1.7 test_quota_enforcement, which was a module-level strict
 * xfail upstream: the API clamped or ignored over-quota values instead of refusing them).
 *
 * Every case runs in its own small org minted through the stack's admin interface
 * (drivers/admin: the sim's `/api/_sim/orgs` routes, the real API's admin routes), so the limits
 * are known and tiny, no other case's boxes count against them, and the values stay feasible
 * for a real container (an over-quota box that slips through really gets created — the leak
 * this file exists to catch). A stack whose admin cannot make orgs reports the cases not
 * runnable (need `orgs`, measured by the preflight).
 *
 * The sim separates two upstream bugs: `create-oversize-clamped` clamps any value above the
 * org's per-box limit down to it and creates the box; `quota-not-enforced` skips the per-box
 * check and creates the box as asked. Both turn an over-limit create into a 201, so the
 * per-box cases claim both. Range errors (cpus=999 > 255) are errors.test.ts's business.
 */
import type { OrgQuotas } from '../drivers/admin/index.ts';
import type { RestResponse } from '../drivers/rest/http.ts';
import { claims, describe, expect, type TenantOrg, test as withOrgs } from '../fixtures/index.ts';

/** Roomy defaults; each case tightens the one limit it is about. */
const BASE: OrgQuotas = {
  max_cpus: 2,
  max_memory_mib: 512,
  max_disk_gb: 10,
  max_total_cpus: 64,
  max_total_memory_mib: 65536,
  max_boxes: 50,
};

/** An org with exactly BASE + overrides as its quotas (checked: the admin answered them). */
const test = withOrgs.extend<{ quotaOrg: (overrides: Partial<OrgQuotas>) => Promise<TenantOrg> }>({
  quotaOrg: async ({ orgs }, use) =>
    use(async (overrides) => {
      const quotas = { ...BASE, ...overrides };
      const org = await orgs.make(quotas);
      expect(org.admin.quotas).toEqual(quotas);
      return org;
    }),
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

describe('quota: per-box limits', claims({ needs: 'orgs' }), () => {
  test(
    'cpus above the org per-box limit → 429 resource_exhausted, no box leaked (REST and SDK)',
    claims({
      pins: ['limits.box.cpus', 'http.code.resource-exhausted'],
      ports: [
        'test_cpus_above_per_box_limit_returns_4xx',
        'test_quota_violation_does_not_silently_create_box',
      ],
      detects: ['quota-not-enforced', 'create-oversize-clamped'],
    }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_cpus: 1 });
      const name = boxName();
      const res = await org.rest.createBox(sized(stack.images.busybox, name, 2, 128, 1));
      expectQuotaRefusal(res, /cpu/);
      const sdkName = boxName();
      await expect(
        org.sdk().create({ image: stack.images.busybox, cpus: 2, memoryMib: 128, diskSizeGb: 1 }, sdkName),
      ).rejects.toThrow(/^resource exhausted: .*cpu/);
      expect(await org.names()).toEqual([]);
    },
  );

  test(
    'memory above the org per-box limit → 429 resource_exhausted, no box leaked',
    claims({
      pins: ['limits.box.memory'],
      ports: ['test_memory_above_per_box_limit_returns_4xx'],
      detects: ['quota-not-enforced', 'create-oversize-clamped'],
    }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_memory_mib: 128 });
      const res = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 256, 1));
      expectQuotaRefusal(res, /memory/);
      expect(await org.names()).toEqual([]);
    },
  );

  test(
    'disk above the org per-box limit → 429 resource_exhausted, no box leaked',
    claims({
      pins: ['limits.box.disk'],
      ports: ['test_disk_above_per_box_limit_returns_4xx'],
      detects: ['quota-not-enforced', 'create-oversize-clamped'],
    }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_disk_gb: 2 });
      const res = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 128, 3));
      expectQuotaRefusal(res, /disk/);
      expect(await org.names()).toEqual([]);
    },
  );

  test(
    'a box exactly at every per-box limit is created with those values (limits are inclusive)',
    claims({ pins: ['limits.box.inclusive'] }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_cpus: 1, max_memory_mib: 128, max_disk_gb: 2 });
      const name = boxName();
      const res = await org.rest.createBox(sized(stack.images.busybox, name, 1, 128, 2));
      expect(res.status, res.text).toBe(201);
      expect(res.json).toMatchObject({ name, cpus: 1, memory_mib: 128 });
      expect(await org.names()).toEqual([name]);
    },
  );
});

describe('quota: org totals', claims({ needs: 'orgs' }), () => {
  test(
    'boxes beyond max_boxes → 429 resource_exhausted; removing one frees the slot',
    claims({ pins: ['limits.org.boxes'] }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_boxes: 2 });
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
    },
  );

  test(
    'cpus summed over live boxes above max_total_cpus → 429; a box that still fits is created',
    claims({ pins: ['limits.org.cpus'] }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_cpus: 2, max_total_cpus: 3 });
      const first = await org.rest.createBox(sized(stack.images.busybox, boxName(), 2, 64, 1));
      expect(first.status, first.text).toBe(201);
      expectQuotaRefusal(
        await org.rest.createBox(sized(stack.images.busybox, boxName(), 2, 64, 1)),
        /total cpus|max_total_cpus/,
      );
      const fits = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 64, 1));
      expect(fits.status, fits.text).toBe(201);
      expect(await org.names()).toHaveLength(2);
    },
  );

  test(
    'memory summed over live boxes above max_total_memory_mib → 429; a box that fills it exactly is created',
    claims({ pins: ['limits.org.memory'] }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_memory_mib: 256, max_total_memory_mib: 384 });
      const first = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 256, 1));
      expect(first.status, first.text).toBe(201);
      expectQuotaRefusal(
        await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 256, 1)),
        /total memory|max_total_memory_mib/,
      );
      expect(await org.names()).toHaveLength(1);
      // The total is inclusive like every limit: 256 + 128 = 384 still fits.
      const fills = await org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 128, 1));
      expect(fills.status, fills.text).toBe(201);
      expect(await org.names()).toHaveLength(2);
    },
  );

  test(
    'parallel creates cannot overshoot max_boxes: exactly the quota succeeds, the rest get 429',
    claims({ pins: ['limits.org.parallel'] }),
    async ({ quotaOrg, stack, boxName }) => {
      const org = await quotaOrg({ max_boxes: 2 });
      const results = await Promise.all(
        Array.from({ length: 5 }, () => org.rest.createBox(sized(stack.images.busybox, boxName(), 1, 64, 1))),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, results.map((r) => r.text).join('\n')).toEqual([201, 201, 429, 429, 429]);
      for (const r of results.filter((x) => x.status === 429)) expectQuotaRefusal(r, /max_boxes|box count/);
      const created = results.filter((r) => r.status === 201).map((r) => r.json!.name);
      expect((await org.names()).sort()).toEqual(created.sort());
    },
  );
});
