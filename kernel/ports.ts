import { createServer } from 'node:net';
import { SetupError } from './errors.ts';

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Asks the kernel for a free ephemeral port on loopback. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Port choice: a pinned port must be free (else one clear line naming it); otherwise reuse
 * the port recorded last time when still free, so URLs stay stable across re-setups, or pick a new one.
 */
export async function choosePort(
  what: string,
  pinned: number | undefined,
  previous: number | undefined,
): Promise<number> {
  if (pinned !== undefined) {
    if (await isPortFree(pinned)) return pinned;
    throw new SetupError(
      `port ${pinned} for ${what} is already taken on 127.0.0.1; free it or unset the pinned port to get a free one`,
    );
  }
  if (previous !== undefined && (await isPortFree(previous))) return previous;
  return freePort();
}
