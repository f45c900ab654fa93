/**
 * Runner registration as the real API's v2 pull model shows it (apps/api runner controller):
 *   POST /api/runners/healthcheck   runner token (RunnerAuthContextGuard): the runner reports
 *                                   domain, apiUrl, proxyUrl, version; its row turns `ready`
 *   GET  /api/admin/runners         admin key: the runners and their state (admin runner
 *                                   controller; upstream's GET /api/runners is org-scoped)
 * The sim still pushes box calls to `--runner-url` (it has no job queue); this is what lets a
 * recipe check "the runner registered and is ready" the same way against both APIs. One
 * runner row, named `default` (upstream's DEFAULT_RUNNER_NAME), held in memory: a restarted
 * API shows it once the runner's next healthcheck arrives, as a fresh real row would.
 */
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.ts';
import { type App, type Handler, readJson, sendJson } from '../http.ts';
import type { Route } from '../router.ts';

interface RunnerRow {
  name: string;
  state: 'ready' | 'unresponsive';
  domain: string | null;
  apiUrl: string | null;
  proxyUrl: string | null;
  version: string | null;
  lastChecked: string;
}

const rows = new WeakMap<App, RunnerRow>();
/** Upstream marks a runner unresponsive after missed healthchecks; 3 × its 30 s interval. */
const STALE_MS = 90_000;

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const healthcheck: Handler = async (ctx, app) => {
  const token = /^Bearer (.+)$/.exec(ctx.req.headers.authorization ?? '')?.[1] ?? '';
  if (!sameSecret(token, app.cfg.runnerToken))
    throw new ApiError('unauthenticated', 'runner token required', 401);
  const body = ((await readJson(ctx.req)) ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : null);
  rows.set(app, {
    name: 'default',
    state: 'ready',
    domain: str('domain'),
    apiUrl: str('apiUrl'),
    proxyUrl: str('proxyUrl'),
    version: str('version'),
    lastChecked: new Date().toISOString(),
  });
  sendJson(ctx.res, 200, {});
};

const list: Handler = async (ctx, app) => {
  if (!ctx.principal.org.is_admin)
    throw new ApiError('permission_denied', 'runners are listed with the admin key');
  const row = rows.get(app);
  if (!row) return sendJson(ctx.res, 200, []);
  const stale = Date.now() - Date.parse(row.lastChecked) > STALE_MS;
  sendJson(ctx.res, 200, [{ ...row, state: stale ? 'unresponsive' : row.state }]);
};

/** Authenticated by the runner token, not an API key: served before API-key auth. */
export const runnerPublicRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/api/runners/healthcheck', handler: healthcheck },
];

export const runnerAdminRoutes: Route<Handler>[] = [
  { method: 'GET', pattern: '/api/admin/runners', handler: list },
];
