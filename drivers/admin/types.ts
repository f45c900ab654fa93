/**
 * Stack administration through one interface: orgs with quotas and their API keys, whatever
 * the server is. Quotas are in the sim's units (MiB for memory); an implementation that cannot
 * express a value on its server says so instead of rounding it.
 */

/** Per-box limits and org totals (sim/api/db.ts `DEFAULT_QUOTAS` names). */
export interface OrgQuotas {
  max_cpus: number;
  max_memory_mib: number;
  max_disk_gb: number;
  max_total_cpus: number;
  max_total_memory_mib: number;
  max_boxes: number;
}

/** What server the admin talks to: our sim, the real BoxLite API, or `boxlite serve` (no orgs). */
export type AdminServer = 'sim' | 'boxlite-api' | 'serve';

export interface AdminTarget {
  /** Base URL ending in `/api` (sim and real API alike). */
  apiUrl: string;
  /** The stack's admin key (ADMIN_API_KEY). */
  adminKey: string;
  server: AdminServer;
}

export interface AdminOrg {
  id: string;
  name: string;
  /** The tenant segment of box URLs (`/v1/{pathPrefix}/boxes`); the org id on the real API. */
  pathPrefix: string;
  /** A key of this org (the one it was created with; the admin key for the admin org). */
  apiKey: string;
  /** The quotas as the server answered them (only those it reported). */
  quotas: Partial<OrgQuotas>;
}

export interface AdminKey {
  name: string;
  /** The plaintext key, answered once at creation. */
  value: string;
  permissions: string[];
  expiresAt: string | null;
}

export interface NewKeyOptions {
  name?: string;
  expiresAt?: Date;
  permissions?: string[];
}

export interface StackAdmin {
  server: AdminServer;
  /** The org the admin key belongs to. */
  adminOrg(): Promise<AdminOrg>;
  createOrg(opts?: { name?: string; quotas?: Partial<OrgQuotas> }): Promise<AdminOrg>;
  /** Sets the given quotas (others keep their value); answers what the server now reports. */
  setQuota(org: AdminOrg, quotas: Partial<OrgQuotas>): Promise<Partial<OrgQuotas>>;
  createApiKey(org: AdminOrg, opts?: NewKeyOptions): Promise<AdminKey>;
  revokeApiKey(org: AdminOrg, key: AdminKey | string): Promise<void>;
  /** Retires the org and its keys; it must hold no live box. */
  deleteOrg(org: AdminOrg): Promise<void>;
}

/** An admin call failed; `unsupported` = this server has no route for it (not a transient error). */
export class AdminError extends Error {
  readonly unsupported: boolean;
  constructor(message: string, unsupported = false) {
    super(message);
    this.name = 'AdminError';
    this.unsupported = unsupported;
  }
}
