/**
 * HTTP front: public routes, then bearer auth, then root routes, then tenant routes under
 * `/api/v1/{path_prefix}`. Every request ends in exactly one access-log line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { inScope, renameScope, SWITCH_PATH, serveSwitch } from '../shared/mutant-switch.ts';
import type { AccessLog } from './access-log.ts';
import { authenticate } from './auth.ts';
import { noteActivity, startAutoStopSweep } from './auto-stop.ts';
import { ApiError, foreignNamespace, toApiError } from './errors.ts';
import { API_VERSION_HEADER, type App, type Ctx, type Handler, SIM_API_VERSION, sendError } from './http.ts';
import { startLifecycleSweep } from './lifecycle.ts';
import { boxIdFromPath, type RouteMatch, Router, resolveTenantPath } from './router.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { boxRoutes } from './routes/boxes.ts';
import { cloneExportRoutes } from './routes/clone-export.ts';
import { imageRoutes } from './routes/images.ts';
import { previewRoutes } from './routes/preview.ts';
import { proxyRoutes, unsupportedRoutes } from './routes/proxy.ts';
import { publicRoutes, rootRoutes } from './routes/root.ts';
import { runnerAdminRoutes, runnerPublicRoutes } from './routes/runners.ts';
import { simAdminRoutes } from './routes/sim-admin.ts';
import { snapshotRoutes } from './routes/snapshots.ts';
import { tunnelRoutes } from './routes/tunnels.ts';
import { volumeRoutes } from './routes/volumes.ts';
import type { Principal } from './store.ts';
import { attachUpgradeHandler } from './ws-proxy.ts';

// The key routes authenticate themselves (routes/api-keys.ts), to refuse in Nest's error shape.
const publicRouter = new Router<Handler>()
  .addAll(publicRoutes)
  .addAll(apiKeyRoutes)
  .addAll(runnerPublicRoutes)
  .addAll(previewRoutes);
const rootRouter = new Router<Handler>().addAll(rootRoutes).addAll(runnerAdminRoutes).addAll(simAdminRoutes);
export const tenantRouter = new Router<Handler>()
  .addAll(boxRoutes)
  .addAll(imageRoutes)
  .addAll(proxyRoutes)
  .addAll(snapshotRoutes)
  .addAll(cloneExportRoutes)
  .addAll(volumeRoutes)
  .addAll(tunnelRoutes)
  .addAll(unsupportedRoutes);

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  app: App,
  ctxOut: { boxId?: string; route?: string },
): Promise<void> {
  const method = req.method ?? 'GET';
  const run = async ({ handler, params, route }: RouteMatch<Handler>, principal: Principal | null) => {
    ctxOut.route = route;
    renameScope(route);
    const ctx: Ctx = { req, res, url, params, principal: principal as Principal };
    // The box is known to the close handler as soon as a handler names it: a reply is often
    // sent (and 'close' emitted) before the handler returns, e.g. exec releasing its lock.
    Object.defineProperty(ctx, 'boxId', {
      get: () => ctxOut.boxId,
      set: (id: string | undefined) => {
        ctxOut.boxId = id;
      },
      enumerable: true,
    });
    await handler(ctx, app);
  };
  const pub = publicRouter.match(method, url.pathname);
  if ('handler' in pub) return run(pub, null);

  const principal = await authenticate(req, app.db, app.bugs);
  const root = rootRouter.match(method, url.pathname);
  if ('handler' in root) return run(root, principal);

  const routed = (rest: string) => {
    const m = tenantRouter.match(method, rest);
    return 'handler' in m || m.methodMismatch;
  };
  const at = resolveTenantPath(url.pathname, principal.org.path_prefix, routed);
  if (at && 'foreign' in at) throw foreignNamespace(at.foreign);
  if (at) {
    const m = tenantRouter.match(method, at.rest);
    if ('handler' in m) return run(m, principal);
    // Only a path that exists under another method is 405; an unknown path is 404 (NestJS's answer).
    if (m.methodMismatch)
      throw new ApiError('unsupported', `${method} is not allowed on ${url.pathname}`, 405);
  }
  throw new ApiError('not_found', `no route for ${method} ${url.pathname}`);
}

const switchAuth = (app: App) => ({
  bearer: app.cfg.adminApiKey,
  relay: { url: app.runner.baseUrl, token: app.cfg.runnerToken },
});

export function createApiServer(app: App, log: AccessLog): Server {
  const server = createServer({ keepAliveTimeout: 5000, requestTimeout: 0 }, (req, res) => {
    const start = performance.now();
    res.setHeader(API_VERSION_HEADER, SIM_API_VERSION);
    const url = new URL(req.url ?? '/', 'http://sim-api');
    // Stryker disable next-line all: the mutation check's own switch must survive every mutant
    if (url.pathname === `/api${SWITCH_PATH}`) return void serveSwitch(req, res, url, switchAuth(app));
    const out: { boxId?: string; route?: string } = {};
    res.once('close', () => {
      log.write({
        method: req.method ?? '?',
        path: url.pathname,
        status: res.headersSent ? res.statusCode : 499,
        route: out.route,
        box_id: out.boxId ?? boxIdFromPath(url.pathname),
        ms: performance.now() - start,
      });
      if (res.statusCode < 400) noteActivity(out.boxId);
    });
    // Coverage counts under 'http' until the router names the route (tools/mutation).
    inScope('http', () =>
      dispatch(req, res, url, app, out).catch((err: unknown) => {
        sendError(res, toApiError(err));
        // Drain an unread request body so keep-alive clients are not left mid-upload.
        if (!req.complete) req.resume();
      }),
    );
  });
  attachUpgradeHandler(server, app, log);
  const stopSweep = startLifecycleSweep(app);
  server.on('close', stopSweep);
  server.on('close', startAutoStopSweep(app));
  return server;
}
