import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SetupError } from './errors.ts';
import { choosePort, freePort, isPortFree, readPortBook, writePortBook } from './ports.ts';

let held: Server | undefined;
afterEach(() => held?.close());

async function hold(): Promise<number> {
  const port = await freePort();
  held = createServer();
  await new Promise<void>((r) => held!.listen(port, '127.0.0.1', r));
  return port;
}

describe('ports', () => {
  it('a taken pinned port is one clear line naming it', async () => {
    const port = await hold();
    expect(await isPortFree(port)).toBe(false);
    const err = await choosePort('postgres', port, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SetupError);
    expect((err as Error).message).toBe(
      `port ${port} for postgres is already taken on 127.0.0.1; free it or unset the pinned port to get a free one`,
    );
  });

  it('a taken previous port moves to another free port', async () => {
    const port = await hold();
    const chosen = await choosePort('redis', undefined, port);
    expect(chosen).not.toBe(port);
    expect(await isPortFree(chosen)).toBe(true);
  });

  it('a free previous port is kept so URLs stay stable', async () => {
    const port = await freePort();
    expect(await choosePort('redis', undefined, port)).toBe(port);
  });
});

describe('the port book', () => {
  it('round-trips, sorted by part', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ports-')), 'ports.json');
    await writePortBook(file, { 'sim.api': 3000, postgres: 5432 });
    expect(await readPortBook(file)).toEqual({ postgres: 5432, 'sim.api': 3000 });
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')))).toEqual(['postgres', 'sim.api']);
  });

  it('missing, corrupt or out-of-range entries steer nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ports-'));
    expect(await readPortBook(join(dir, 'none.json'))).toEqual({});
    await writeFile(join(dir, 'bad.json'), '{not json');
    expect(await readPortBook(join(dir, 'bad.json'))).toEqual({});
    await writeFile(join(dir, 'odd.json'), JSON.stringify({ redis: 70000, registry: 'x', postgres: 5432 }));
    expect(await readPortBook(join(dir, 'odd.json'))).toEqual({ postgres: 5432 });
  });
});
