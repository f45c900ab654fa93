/** The OCI registry (Docker Distribution), plain HTTP on loopback. */
import { request } from 'undici';
import type { Endpoint } from '../../kernel/stack-file.ts';

export const registryUrl = (e: Endpoint) => `http://${e.host}:${e.port}`;
/** host:port form used in image references ("127.0.0.1:5000/boxlite-e2e/busybox:1"). */
export const registryHost = (e: Endpoint) => `${e.host}:${e.port}`;

/** Real health check: `GET /v2/` must answer 200 with the distribution API version header. */
export async function probeRegistry(e: Endpoint): Promise<string> {
  const res = await request(`${registryUrl(e)}/v2/`, { headersTimeout: 2000, bodyTimeout: 2000 });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`GET /v2/ answered ${res.statusCode}`);
  const api = res.headers['docker-distribution-api-version'];
  return typeof api === 'string' ? api : 'registry/2.0';
}
