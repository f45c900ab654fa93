/**
 * The API awaits its OIDC issuer's discovery document at start-up
 * (apps/api/src/auth/auth.module.ts → OidcMetadataService.getMetadata, from
 * OIDC_ISSUER_BASE_URL). The cases authenticate with API keys, never a JWT, so unless the user
 * names an issuer (`--oidc-issuer`) the harness serves a local one: a discovery document whose
 * `jwks_uri` lists no keys (every JWT is rejected), supervised like the components so a
 * restarted API finds it again.
 */
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { SetupError } from '../../kernel/errors.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import { inspectSupervised, launchSupervised, stopSupervised } from '../../kernel/process/supervised.ts';

export const OIDC_NAME = 'boxlite-oidc';
export const OIDC_SERVER = fileURLToPath(new URL('./oidc-discovery.ts', import.meta.url));

export interface OidcPlan {
  issuer: string;
  /** true: the harness serves it on `port`. */
  served: boolean;
  port: number | null;
}

export const userIssuer = (issuer: string): OidcPlan => ({
  issuer: issuer.replace(/\/+$/, ''),
  served: false,
  port: null,
});
export const localIssuer = (port: number): OidcPlan => ({
  issuer: `http://127.0.0.1:${port}`,
  served: true,
  port,
});

export function oidcAction(o: OidcPlan, log: string): string {
  return o.served
    ? `serve ${o.issuer}/.well-known/openid-configuration (issuer + jwks_uri → {"keys":[]}), supervised as ${OIDC_NAME}, log ${log}`
    : `use the issuer you gave: ${o.issuer}`;
}

export async function probeDiscovery(issuer: string): Promise<void> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const res = await request(url, { headersTimeout: 3000, bodyTimeout: 3000 });
  const body = (await res.body.json().catch(() => null)) as { issuer?: unknown } | null;
  if (res.statusCode !== 200 || body?.issuer !== issuer)
    throw new Error(`GET ${url} answered ${res.statusCode} without issuer ${issuer}`);
}

/** Starts (or keeps) the local discovery server; nothing for a user-given issuer. */
export async function ensureOidc(o: OidcPlan, paths: StatePaths, log: string): Promise<'ran' | 'reused'> {
  if (!o.served || o.port === null) return 'reused';
  const alive = (await inspectSupervised(paths.runDir, OIDC_NAME, OIDC_SERVER)).childAlive;
  if (
    alive &&
    (await probeDiscovery(o.issuer).then(
      () => true,
      () => false,
    ))
  )
    return 'reused';
  await stopSupervised(paths.runDir, OIDC_NAME, OIDC_SERVER);
  await launchSupervised({
    name: OIDC_NAME,
    runDir: paths.runDir,
    argv: [process.execPath, OIDC_SERVER, String(o.port)],
    logFile: log,
    stopSignal: 'SIGTERM',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const err = await probeDiscovery(o.issuer).then(
      () => null,
      (e: Error) => e,
    );
    if (!err) return 'ran';
    if (Date.now() > deadline)
      throw new SetupError(`OIDC discovery server did not answer: ${err.message}; see ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const stopOidc = (paths: StatePaths) => stopSupervised(paths.runDir, OIDC_NAME, OIDC_SERVER);
