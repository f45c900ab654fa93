/**
 * The seed hook (upstream scripts/test/e2e/fixture_setup.py): after `/v1/me` passes,
 * give the admin org the per-box quotas the cases need and make sure the images they create
 * boxes from are there. Images: setup already pushed the guest images into the stack registry
 * (the newest upstream needs no snapshot registration). Quotas: through the stack admin
 * interface (drivers/admin). On the real API the admin key's own org gets the per-box quotas,
 * as upstream does; a failure is reported, not fatal, because the newest upstream sets them in
 * SQL and the cases that depend on quotas make their own orgs (need `orgs`). On a sim API (its
 * health says so) a separate org is upserted, because the sim's admin org is seeded with
 * larger quotas that other cases rely on.
 */
import { request } from 'undici';
import { openStackAdmin } from '../../drivers/admin/index.ts';

export interface SeedContext {
  apiUrl: string;
  adminKey: string;
  /** Guest images the stack registry holds (references). */
  images: string[];
}

/** Returns one line saying what it did. */
export type SeedHook = (ctx: SeedContext) => Promise<string>;

/** The per-box quotas upstream's fixture patch sets (4 CPUs, 8 GiB, 20 GB). */
export const SEED_QUOTAS = { max_cpus: 4, max_memory_mib: 8192, max_disk_gb: 20 } as const;
/** The org the hook upserts on a sim API (the sim's admin org is seeded with larger quotas). */
export const SEED_ORG_PREFIX = 'e2e-seed';

async function isSim(apiUrl: string): Promise<boolean> {
  const res = await request(`${apiUrl}/health`, { headersTimeout: 3000, bodyTimeout: 3000 });
  const body = (await res.body.json().catch(() => null)) as { version?: unknown } | null;
  return typeof body?.version === 'string' && body.version.startsWith('sim-api/');
}

export const defaultSeed: SeedHook = async (ctx) => {
  const images = `${ctx.images.length} guest image(s) in the stack registry`;
  if (!(await isSim(ctx.apiUrl))) {
    const admin = openStackAdmin({ apiUrl: ctx.apiUrl, adminKey: ctx.adminKey, server: 'boxlite-api' });
    try {
      const org = await admin.adminOrg();
      await admin.setQuota(org, SEED_QUOTAS);
      return `${images}; admin org quotas ${JSON.stringify(SEED_QUOTAS)} (real admin routes)`;
    } catch (err) {
      return `${images}; admin quota patch not applied: ${(err as Error).message}`;
    }
  }
  const res = await request(`${ctx.apiUrl}/_sim/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ path_prefix: SEED_ORG_PREFIX, quotas: SEED_QUOTAS }),
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 201)
    throw new Error(`POST ${ctx.apiUrl}/_sim/orgs answered ${res.statusCode}: ${text}`);
  return `${images}; org ${SEED_ORG_PREFIX} quotas ${JSON.stringify(SEED_QUOTAS)} (sim admin route)`;
};
