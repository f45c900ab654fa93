/**
 * Engine trouble never hangs a request: with no Docker socket, or a socket that accepts and
 * never answers, box and exec calls fail fast with 503 engine_unavailable. Also covers the
 * CLI's bad-input exits. Runners are started as setup starts them (supervised, configured
 * by flags): the endpoint a test names is the one the runner uses.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { type Peer, req } from '../testkit/client.ts';
import { disposeStack, startRunner } from '../testkit/processes.ts';
import { type TestServices, testServices } from '../testkit/test-services.ts';

let stack: TestServices;
let wedged: Server;
const held: Socket[] = [];

beforeAll(async () => {
  stack = await testServices();
  wedged = createServer((s) => held.push(s)); // accepts, reads nothing, answers nothing
  await new Promise<void>((r) => wedged.listen(join(stack.stateDir, 'wedged.sock'), r));
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => wedged?.close(r));
  if (stack) await disposeStack(stack);
});

const peerOf = async (opts: Parameters<typeof startRunner>[1]) => {
  const r = await startRunner(stack, opts);
  return { proc: r, peer: { url: r.url, key: stack.token } satisfies Peer };
};

describe('engine unavailable', { timeout: 60_000 }, () => {
  test('no Docker socket: 503 engine_unavailable at once', async () => {
    const { proc, peer } = await peerOf({ dockerHost: `unix://${join(stack.stateDir, 'missing.sock')}` });
    try {
      const t0 = Date.now();
      const c = await req(peer, 'POST', '/boxes', { body: { box_id: 'x1', image: stack.image() } });
      expect(c.status).toBe(503);
      expect(c.json.error).toMatchObject({ code: 'engine_unavailable', type: 'EngineError' });
      expect(c.json.error.message).toContain('missing.sock');
      expect((await req(peer, 'GET', '/boxes')).status).toBe(503);
      expect(
        (await req(peer, 'POST', '/v1/boxes/x1/exec', { body: { command: 'echo', tty: false } })).status,
      ).toBe(503);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect((await req(peer, 'GET', '/', { auth: false })).status).toBe(200);
    } finally {
      await proc.stop();
    }
  });

  test('a wedged engine: bounded, 503 after the call deadline', async () => {
    const { proc, peer } = await peerOf({
      dockerHost: `unix://${join(stack.stateDir, 'wedged.sock')}`,
      dockerTimeoutMs: 1500,
    });
    try {
      const t0 = Date.now();
      const c = await req(peer, 'GET', `/boxes/x2`);
      expect(c.status).toBe(503);
      expect(c.json.error.code).toBe('engine_unavailable');
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      await proc.stop();
    }
  });
});

describe('cli', () => {
  const main = resolve(REPO_ROOT, 'sim/runner/main.ts');
  // The child gets exactly `env`: no ambient BOXLITE_SIM_BUGS or DOCKER_HOST leaks in.
  const runCli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env, timeout: 15_000 });

  test('bad input is one line on stderr and exit 2', () => {
    const j = join(stack.stateDir, 'j');
    const cases = [
      [],
      ['--port', 'x', '--stack', stack.stackFile, '--journal', j],
      ['--port', '0', '--stack', join(stack.stateDir, 'nope.json'), '--journal', j],
      ['--port', '0', '--stack', stack.stackFile, '--journal', j, '--bugs', 'not-a-bug'],
      ['--port', '0', '--stack', stack.stackFile, '--journal', j, '--wat', '1'],
      ['--port', '0', '--stack', stack.stackFile, '--journal', j, '--docker-host', 'ssh://x'],
    ];
    for (const args of cases) {
      const r = runCli(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    for (const env of [{ BOXLITE_SIM_BUGS: 'nope' }, { DOCKER_HOST: 'nonsense' }] as Record<
      string,
      string
    >[]) {
      const r = runCli(['--port', '0', '--stack', stack.stackFile, '--journal', j], env);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('SIGTERM stops cleanly with exit 0', async () => {
    const r = await startRunner(stack);
    expect(await r.stop()).toBe(0);
  });
});
