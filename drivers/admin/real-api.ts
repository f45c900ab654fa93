/**
 * The real BoxLite API's admin, through the routes upstream's source serves an admin API key
 * (boxlite-ai/boxlite apps/api/src; the key's user has SystemRole.ADMIN, `CombinedAuthGuard`
 * accepts API keys):
 *
 *   GET /api/v1/me                                     path_prefix = the key's org id
 *                                                      (boxlite-rest/boxlite-me.controller.ts)
 *   GET|PATCH /api/admin/organizations/:id/quota       org totals: totalCpuQuota, totalMemoryQuota
 *                                                      (GB), totalDiskQuota, maxConcurrentBoxes
 *                                                      (admin/controllers/organization.controller.ts,
 *                                                      admin/dto/organization-quota.dto.ts)
 *   PATCH /api/organizations/:id/quota                 per-box maxCpuPerSandbox / maxMemoryPerSandbox
 *                                                      (GB) / maxDiskPerSandbox (organization/controllers/
 *                                                      organization.controller.ts at 68e7aec2; newer
 *                                                      versions dropped it and upstream's
 *                                                      apps/e2e/fixture_setup.py sets per-box limits in SQL)
 *   POST|DELETE /api/api-keys[/:name]                  keys of the calling key's org (api-keys.ts;
 *                                                      api-key/api-key.controller.ts:29,37,135)
 *
 * It follows the routes of the API it talks to: a route the server answers with Nest's
 * "Cannot METHOD /path" 404 is absent in that version (9c62d566 "remove organization quota
 * ownership (#1292)" dropped the quota routes), and the driver takes the next one or reports
 * the call unsupported with that answer as evidence.
 *
 * What an admin key cannot do there, it reports as unsupported: creating an org is
 * `POST /api/organizations` behind `AuthGuard('jwt')` (a signed-in user, not a key), and
 * `POST /api/users` makes a personal org no admin-key route hands a credential for; deleting
 * one is JWT + owner. Upstream's own cross-org cases take the second org's key from the
 * operator (apps/e2e/cases/test_cross_org_isolation.py `BOXLITE_E2E_CROSS_ORG_API_KEY`).
 */
import { mintKey, revokeKey } from './api-keys.ts';
import { type AdminCall, adminCall, describe, routeMissing } from './http.ts';
import { AdminError, type AdminTarget, type OrgQuotas, type StackAdmin } from './types.ts';

interface RealQuota {
  totalCpuQuota?: number;
  totalMemoryQuota?: number;
  totalDiskQuota?: number;
  maxConcurrentBoxes?: number;
}

const MIB_PER_GB = 1024;

/** MiB → the real API's GB, refusing what it cannot hold exactly. */
function gb(name: string, mib: number): number {
  if (mib % MIB_PER_GB !== 0)
    throw new AdminError(
      `${name}=${mib} MiB is not a whole number of GB; the real API keeps memory quotas in GB`,
      true,
    );
  return mib / MIB_PER_GB;
}

export function fromRealQuota(q: RealQuota): Partial<OrgQuotas> {
  const out: Partial<OrgQuotas> = {};
  if (q.totalCpuQuota !== undefined) out.max_total_cpus = q.totalCpuQuota;
  if (q.totalMemoryQuota !== undefined) out.max_total_memory_mib = q.totalMemoryQuota * MIB_PER_GB;
  if (q.maxConcurrentBoxes !== undefined) out.max_boxes = q.maxConcurrentBoxes;
  return out;
}

/** Our quotas as the two upstream bodies: org totals and per-box limits (either may be empty). */
export function toRealBodies(q: Partial<OrgQuotas>): { totals: RealQuota; perBox: Record<string, number> } {
  const totals: RealQuota = {};
  if (q.max_total_cpus !== undefined) totals.totalCpuQuota = q.max_total_cpus;
  if (q.max_total_memory_mib !== undefined)
    totals.totalMemoryQuota = gb('max_total_memory_mib', q.max_total_memory_mib);
  if (q.max_boxes !== undefined) totals.maxConcurrentBoxes = q.max_boxes;
  const perBox: Record<string, number> = {};
  if (q.max_cpus !== undefined) perBox.maxCpuPerSandbox = q.max_cpus;
  if (q.max_memory_mib !== undefined) perBox.maxMemoryPerSandbox = gb('max_memory_mib', q.max_memory_mib);
  if (q.max_disk_gb !== undefined) perBox.maxDiskPerSandbox = q.max_disk_gb;
  return { totals, perBox };
}

export const CREATE_ORG_UNSUPPORTED =
  'the real API creates orgs only for a signed-in user (POST /api/organizations, AuthGuard(jwt), ' +
  'apps/api/src/organization/controllers/organization.controller.ts) and mints keys only in the calling ' +
  "key's org (POST /api/api-keys, api-key/api-key.controller.ts:59-71 with the key's organizationId): " +
  'an admin API key cannot make a second org';

/** The org quota routes are absent: unsupported, with the server's answer. */
const noQuotaRoute = (c: AdminCall, res: Parameters<typeof describe>[1]) =>
  new AdminError(
    `${describe(c, res)}: this API has no org quota route (removed upstream by 9c62d566, #1292)`,
    true,
  );

export function realApiAdmin(t: AdminTarget): StackAdmin {
  const base = t.apiUrl;
  const quotaPath = (id: string) => `/admin/organizations/${encodeURIComponent(id)}/quota`;
  return {
    server: 'boxlite-api',
    async adminOrg() {
      const me = await adminCall<{ path_prefix: string | null }>(base, {
        method: 'GET',
        path: '/v1/me',
        key: t.adminKey,
      });
      const id = me.json?.path_prefix;
      if (!id)
        throw new AdminError(
          `GET /v1/me answered no path_prefix for the admin key: ${me.text.slice(0, 200)}`,
        );
      const q = await adminCall<RealQuota>(base, {
        method: 'GET',
        path: quotaPath(id),
        key: t.adminKey,
        accept: [404],
      });
      const quotas = routeMissing(q) ? {} : fromRealQuota(q.json ?? {});
      return { id, name: 'admin', pathPrefix: id, apiKey: t.adminKey, quotas };
    },
    async createOrg() {
      throw new AdminError(CREATE_ORG_UNSUPPORTED, true);
    },
    async setQuota(org, quotas) {
      const { totals, perBox } = toRealBodies(quotas);
      let answered: Partial<OrgQuotas> = { ...org.quotas };
      if (Object.keys(totals).length) {
        const c = { method: 'PATCH', path: quotaPath(org.id), key: t.adminKey, body: totals, accept: [404] };
        const res = await adminCall<RealQuota>(base, c);
        if (routeMissing(res)) throw noQuotaRoute(c, res);
        answered = { ...answered, ...fromRealQuota(res.json ?? {}) };
      }
      if (Object.keys(perBox).length) {
        const c = {
          method: 'PATCH',
          path: `/organizations/${encodeURIComponent(org.id)}/quota`,
          key: t.adminKey,
          body: perBox,
          accept: [404],
        };
        const res = await adminCall(base, c);
        if (res.status === 404)
          throw new AdminError(
            `${describe(c, res)}: this API has no per-box quota route (upstream fixture_setup.py sets ` +
              'max_cpu_per_box / max_memory_per_box / max_disk_per_box in SQL)',
            true,
          );
        for (const k of ['max_cpus', 'max_memory_mib', 'max_disk_gb'] as const)
          if (quotas[k] !== undefined) answered[k] = quotas[k];
      }
      return answered;
    },
    createApiKey: (org, opts) => mintKey(base, org, opts),
    revokeApiKey: (org, key) => revokeKey(base, org, key),
    async deleteOrg() {
      throw new AdminError(
        'the real API deletes an org only for its signed-in owner (DELETE /api/organizations/:id, AuthGuard(jwt) + OWNER)',
        true,
      );
    },
  };
}
