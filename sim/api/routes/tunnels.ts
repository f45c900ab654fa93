/**
 * `POST /boxes/:id/network/tunnel?port=N` → `{uri, is_public}` (protocol §5.5; BoxLite 0.11
 * `prepare_box_tunnel`): prepares a tunnel to guest port N of a box. Public only: the sim
 * advertises `private_tunnels_enabled: false`, so a client never asks for a private one (a
 * `{"isPublic": false}` body is refused as unsupported rather than published).
 *
 * As the cloud API does, preparing only names the route (apps/api/src/box/services/
 * box.service.ts getNetworkTunnelUrl: the box is looked up, its state is not checked); whether
 * the guest is there is decided per connection, where the runner dials the guest port and a
 * box that is not running answers 502 "guest tunnel unavailable"
 * (apps/runner/pkg/api/controllers/network_tunnel.go:34-38).
 */
import { ApiError } from '../errors.ts';
import { type Handler, readJson, sendJson } from '../http.ts';
import type { Route } from '../router.ts';
import { findBox } from '../store.ts';
import { openTunnel } from '../tunnel-proxy.ts';
import { loadBox } from './boxes.ts';

const prepare: Handler = async (ctx, app) => {
  const box = await loadBox(ctx, app);
  const raw = ctx.url.searchParams.get('port') ?? '';
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw new ApiError('invalid_argument', `port must be an integer in 1..65535, got ${JSON.stringify(raw)}`);
  const body = (await readJson(ctx.req)) as { isPublic?: unknown; is_public?: unknown } | undefined;
  if (body?.isPublic === false || body?.is_public === false)
    throw new ApiError('unsupported', 'private tunnels are not supported by this server');
  const orgId = ctx.principal.org.id;
  const { uri } = await openTunnel(
    {
      async resolve() {
        const row = await findBox(app.db, orgId, box.id);
        if (!row) return { status: 404, reason: `box ${box.id} not found` };
        const reply = await app.runner.call('GET', `/v1/boxes/${box.id}/network`);
        const net = reply.json as { running?: boolean; ip?: string | null } | null;
        if (reply.status === 404) return { status: 404, reason: `box ${box.id} not found` };
        if (reply.status >= 300 || !net) return { status: 502, reason: `runner answered ${reply.status}` };
        if (!net.running || !net.ip) return { status: 502, reason: 'guest tunnel unavailable' };
        return { host: net.ip, port };
      },
      halfCloseDrops: app.bugs.has('tunnel-half-close-drops-response'),
    },
    '127.0.0.1',
    box.id,
  );
  sendJson(ctx.res, 200, { uri, is_public: true });
};

export const tunnelRoutes: Route<Handler>[] = [
  { method: 'POST', pattern: '/boxes/:id/network/tunnel', handler: prepare },
];
