/**
 * The sim's admin: its own routes (sim/api/routes/root.ts `POST /api/_sim/orgs`,
 * sim/api/routes/sim-admin.ts `PATCH …/quotas`, `DELETE /api/_sim/orgs/:id`) with the admin
 * key; keys through the API's own `/api/api-keys`, which the sim serves as upstream does (api-keys.ts).
 */
import { randomBytes } from 'node:crypto';
import { mintKey, revokeKey } from './api-keys.ts';
import { adminCall } from './http.ts';
import type { AdminOrg, AdminTarget, OrgQuotas, StackAdmin } from './types.ts';

interface SimOrg {
  org_id: string;
  name: string;
  path_prefix: string;
  quotas: OrgQuotas;
  api_key: string;
}

export function simAdmin(t: AdminTarget): StackAdmin {
  const base = t.apiUrl;
  return {
    server: 'sim',
    async adminOrg() {
      const me = await adminCall<{
        org_id: string;
        path_prefix: string;
        quotas: OrgQuotas;
        display_name?: string;
      }>(base, { method: 'GET', path: '/v1/me', key: t.adminKey });
      const m = me.json!;
      return { id: m.org_id, name: 'admin', pathPrefix: m.path_prefix, apiKey: t.adminKey, quotas: m.quotas };
    },
    async createOrg(opts = {}) {
      const prefix = `e2e-org-${randomBytes(5).toString('hex')}`;
      const res = await adminCall<SimOrg>(base, {
        method: 'POST',
        path: '/_sim/orgs',
        key: t.adminKey,
        body: { path_prefix: prefix, name: opts.name ?? prefix, quotas: opts.quotas ?? {} },
      });
      const o = res.json!;
      return { id: o.org_id, name: o.name, pathPrefix: o.path_prefix, apiKey: o.api_key, quotas: o.quotas };
    },
    async setQuota(org, quotas) {
      const res = await adminCall<{ quotas: OrgQuotas }>(base, {
        method: 'PATCH',
        path: `/_sim/orgs/${encodeURIComponent(org.id)}/quotas`,
        key: t.adminKey,
        body: { quotas },
      });
      return res.json!.quotas;
    },
    createApiKey: (org: AdminOrg, opts) => mintKey(base, org, opts),
    revokeApiKey: (org, key) => revokeKey(base, org, key),
    async deleteOrg(org) {
      await adminCall(base, {
        method: 'DELETE',
        path: `/_sim/orgs/${encodeURIComponent(org.id)}`,
        key: t.adminKey,
      });
    },
  };
}
