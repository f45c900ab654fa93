/**
 * `openStackAdmin(target)`: the admin interface for the server the target names. The harness
 * derives the target from its stack handle (harness/stack/admin.ts); bootstrap code can build
 * one from a stack file and its secrets: `{ apiUrl: stack.api.url, adminKey: ADMIN_API_KEY,
 * server: 'boxlite-api' }`.
 */
import { realApiAdmin } from './real-api.ts';
import { simAdmin } from './sim.ts';
import { AdminError, type AdminTarget, type StackAdmin } from './types.ts';

export const SERVE_HAS_NO_ORGS =
  'boxlite serve has one static bearer key and no organizations, quotas or key routes (boxlite-cli 0.11 serve)';

function serveAdmin(): StackAdmin {
  const no = async (): Promise<never> => {
    throw new AdminError(SERVE_HAS_NO_ORGS, true);
  };
  return {
    server: 'serve',
    adminOrg: no,
    createOrg: no,
    setQuota: no,
    createApiKey: no,
    revokeApiKey: no,
    deleteOrg: no,
  };
}

export function openStackAdmin(target: AdminTarget): StackAdmin {
  switch (target.server) {
    case 'sim':
      return simAdmin(target);
    case 'boxlite-api':
      return realApiAdmin(target);
    case 'serve':
      return serveAdmin();
  }
}

export * from './types.ts';
