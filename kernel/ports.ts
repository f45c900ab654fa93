import { readFile, rename, writeFile } from 'node:fs/promises';
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

/**
 * The ports a state dir's stack last listened on, by part ("postgres", "sim.api", …). The
 * stack file goes with every teardown; this book stays, so the next setup asks for the same
 * ports and every stored address (URLs, image references) keeps pointing at the stack.
 */
export type PortBook = Record<string, number>;

/** A missing or unreadable book is empty: it only ever steers a choice, never decides one. */
export async function readPortBook(file: string): Promise<PortBook> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof raw !== 'object' || raw === null) return {};
    return Object.fromEntries(
      Object.entries(raw).filter(([, v]) => Number.isInteger(v) && v > 0 && v < 65536),
    ) as PortBook;
  } catch {
    return {};
  }
}

export async function writePortBook(file: string, book: PortBook): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const sorted = Object.fromEntries(Object.entries(book).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(tmp, `${JSON.stringify(sorted, null, 2)}\n`);
  await rename(tmp, file);
}
