/**
 * DOCKER_HOST reaches the sim runner, supervised or not: every runner here talks to the
 * engine through a counting proxy socket, so a box can only be created when the runner uses
 * the endpoint it was configured with — the default socket would bypass the proxy. The setup
 * path (`startSim`, as `pnpm e2e:setup` runs it) is proven too, and a changed endpoint
 * restarts the runner on its old port.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDockerHost } from '../kernel/docker-host.ts';
import { createProgress } from '../kernel/progress.ts';
import { readStackFile } from '../kernel/stack-file.ts';
import { startSim, stopSim } from './launch.ts';
import { req } from './testkit/client.ts';
import { disposeStack, startRunner } from './testkit/processes.ts';
import { type TestServices, testServices } from './testkit/test-services.ts';

let stack: TestServices;
let proxy: Server;
let proxyHost: string;
/** Chunks the proxy carried towards the engine: requests, whatever connection they reuse. */
let carried = 0;
const sockets: Socket[] = [];

beforeAll(async () => {
  stack = await testServices();
  const engine = parseDockerHost(stack.dockerHost);
  proxy = createServer((client) => {
    client.on('data', () => {
      carried += 1;
    });
    const upstream = engine.kind === 'unix' ? connect(engine.socketPath) : connect(engine.port, engine.host);
    for (const s of [client, upstream]) {
      sockets.push(s);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const path = join(stack.stateDir, 'docker-proxy.sock');
  await new Promise<void>((r) => proxy.listen(path, r));
  proxyHost = `unix://${path}`;
});

afterAll(async () => {
  if (!stack) return;
  await disposeStack(stack);
  for (const s of sockets) s.destroy();
  await new Promise((r) => proxy?.close(r));
});

const createThrough = async (url: string, boxId: string) => {
  const before = carried;
  const r = await req({ url, key: stack.token }, 'POST', '/boxes', {
    body: { box_id: boxId, image: stack.image() },
  });
  expect(r.status, r.text).toBe(201);
  return carried - before;
};

describe('the sim runner and DOCKER_HOST', { timeout: 120_000 }, () => {
  it('a supervised runner uses the endpoint it is given, not the default socket', async () => {
    const runner = await startRunner(stack, { dockerHost: proxyHost });
    // Its ready line (printed once adoption is done) names the engine it talks to.
    await vi.waitFor(() => expect(runner.log()).toContain(`docker ${proxyHost}`));
    expect(await createThrough(runner.url, `dh-runner-${process.pid}`)).toBeGreaterThan(0);
    await runner.stop();
  });

  it("setup's sim runner gets the configured DOCKER_HOST; another endpoint restarts it on its port", async () => {
    const file = (await readStackFile(stack.stackFile))!;
    const sim = { stack: file, paths: stack.paths, bugs: [], progress: createProgress(process.stderr, true) };
    try {
      await startSim({ ...sim, dockerHost: proxyHost });
      const first = file.runner!;
      expect(first.dockerHost).toBe(proxyHost);
      expect(await createThrough(first.url, `dh-setup-${process.pid}`)).toBeGreaterThan(0);

      await startSim({ ...sim, dockerHost: stack.dockerHost });
      const second = file.runner!;
      expect(second.dockerHost).toBe(stack.dockerHost);
      expect(second.process).not.toEqual(first.process);
      expect(second.endpoint).toEqual(first.endpoint);
      expect(await createThrough(second.url, `dh-direct-${process.pid}`)).toBe(0);
    } finally {
      await stopSim(file, stack.paths);
    }
  });
});
