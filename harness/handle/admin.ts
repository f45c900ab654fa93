/**
 * The admin interface for the stack under test (drivers/admin), chosen from what the handle
 * says the server is — our sim (its own stack, or a remote URL whose health says so), `boxlite
 * serve`, or else the real API — and the preflight's measurement of the `orgs` need.
 */
import { randomBytes } from 'node:crypto';
import { type AdminServer, openStackAdmin, type StackAdmin } from '../../drivers/admin/index.ts';
import type { StackHandle } from './handle.ts';

export function adminServerOf(stack: Pick<StackHandle, 'simulated' | 'kind'>): AdminServer {
  if (stack.simulated) return 'sim';
  return stack.kind === 'serve' ? 'serve' : 'boxlite-api';
}

/** The admin interface for this stack, acting with the handle's key as the admin key. */
export function stackAdmin(stack: StackHandle): StackAdmin {
  return openStackAdmin({ apiUrl: stack.apiUrl, adminKey: stack.apiKey, server: adminServerOf(stack) });
}

const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 400);

/**
 * Null when the admin interface can run the whole tenancy round on this stack — create an org
 * with a quota, mint and revoke a key in it, delete it — else the first failure, in the
 * server's words.
 */
export async function probeOrgs(stack: StackHandle): Promise<string | null> {
  const admin = stackAdmin(stack);
  const step = async <T>(what: string, f: () => Promise<T>): Promise<T | string> => {
    try {
      return await f();
    } catch (err) {
      return clip(`${admin.server} admin: ${what} failed: ${(err as Error).message}`);
    }
  };
  const org = await step('createOrg', () =>
    admin.createOrg({ name: `e2e-preflight-${randomBytes(3).toString('hex')}`, quotas: { max_boxes: 1 } }),
  );
  if (typeof org === 'string') return org;
  try {
    if (org.quotas.max_boxes !== 1)
      return clip(`createOrg answered quotas ${JSON.stringify(org.quotas)}, not max_boxes 1`);
    const key = await step('createApiKey', () => admin.createApiKey(org));
    if (typeof key === 'string') return key;
    const revoked = await step('revokeApiKey', () => admin.revokeApiKey(org, key));
    if (typeof revoked === 'string') return revoked;
    return null;
  } finally {
    await admin.deleteOrg(org).catch(() => {});
  }
}
