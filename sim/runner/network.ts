/**
 * Where a box's services listen, for the API's tunnels (sim/api/tunnels.ts): the box
 * container's address on its Docker network, and whether it is running. BoxLite reaches a
 * guest port through its VM's network stack; the sim's "VM" is reachable at this address.
 */
import type { BoxService } from './boxes.ts';
import { sendJson } from './http-util.ts';
import type { Route } from './routes.ts';

export function networkRoutes(boxes: BoxService): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/boxes\/(?<id>[^/]+)\/network$/,
      op: 'network',
      handler: async ({ res, params }) => {
        const info = await boxes.require(params.id as string);
        const nets = Object.values(info.NetworkSettings?.Networks ?? {});
        const ip = nets.map((n) => n.IPAddress).find((a) => !!a) ?? null;
        sendJson(res, 200, { box_id: params.id, running: info.State.Running === true, ip });
      },
    },
  ];
}
