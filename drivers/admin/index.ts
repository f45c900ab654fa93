/**
 * `openStackAdmin(target)`: the admin interface for the server the target names. The harness
 * derives the target from its stack handle (harness/handle/admin.ts); bootstrap code can build
 * one from a stack file and its secrets: `{ apiUrl: stack.api.url, adminKey: ADMIN_API_KEY,
 * server: 'boxlite-api' }`.
 */
import { realApiAdmin } from './real-api.ts';
import { serveAdmin } from './serve.ts';
import { simAdmin } from './sim.ts';
import type { AdminTarget, StackAdmin } from './types.ts';

export function openStackAdmin(target: AdminTarget): StackAdmin {
  switch (target.server) {
    case 'sim':
      return simAdmin(target);
    case 'boxlite-api':
      return realApiAdmin(target);
    case 'serve':
      return serveAdmin(target);
  }
}

export { SERVE_HAS_NO_ORGS } from './serve.ts';
export * from './types.ts';
