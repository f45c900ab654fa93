/**
 * Engine trouble never hangs a request: with no Docker socket, or a socket that accepts and
 * never answers, box and exec calls fail fast with 503 engine_unavailable. Also covers the
 * CLI's bad-input exits.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { call, cleanup, guestImage, makeTempStack, spawnRunner, type TempStack } from './test-support.ts';

let stack: TempStack;
let wedged: Server;
const held: Socket[] = [];

beforeAll(async () => {
  stack = makeTempStack();
  wedged = createServer((s) => held.push(s)); // accepts, reads nothing, answers nothing
  await new Promise<void>((r) => wedged.listen(join(stack.dir, 'wedged.sock'), r));
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => wedged?.close(r));
  if (stack) await cleanup(stack);
});

describe('engine unavailable', { timeout: 60_000 }, () => {
  test('no Docker socket: 503 engine_unavailable at once', async () => {
    const r = await spawnRunner(stack, { env: { DOCKER_HOST: `unix://${join(stack.dir, 'missing.sock')}` } });
    try {
      const t0 = Date.now();
      const c = await call(r, stack.token, 'POST', '/boxes', { box_id: 'x1', image: guestImage() });
      expect(c.status).toBe(503);
      expect(c.json().error).toMatchObject({ code: 'engine_unavailable', type: 'EngineError' });
      expect((await call(r, stack.token, 'GET', '/boxes')).status).toBe(503);
      expect(
        (await call(r, stack.token, 'POST', '/v1/boxes/x1/exec', { command: 'echo', tty: false })).status,
      ).toBe(503);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect((await call(r, null, 'GET', '/')).status).toBe(200);
    } finally {
      await r.stop();
    }
  });

  test('a wedged engine: bounded, 503 after the call deadline', async () => {
    const r = await spawnRunner(stack, {
      env: { DOCKER_HOST: `unix://${join(stack.dir, 'wedged.sock')}`, BOXLITE_SIM_DOCKER_TIMEOUT_MS: '1500' },
    });
    try {
      const t0 = Date.now();
      const c = await call(r, stack.token, 'GET', `/boxes/x2`);
      expect(c.status).toBe(503);
      expect(c.json().error.code).toBe('engine_unavailable');
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      await r.stop();
    }
  });
});

describe('cli', () => {
  const main = resolve(REPO_ROOT, 'sim/runner/main.ts');
  const runCli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [main, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 15_000,
    });

  test('bad input is one line on stderr and exit 2', () => {
    const cases = [
      [],
      ['--port', 'x', '--stack', stack.stackPath, '--journal', join(stack.dir, 'j')],
      ['--port', '0', '--stack', join(stack.dir, 'nope.json'), '--journal', join(stack.dir, 'j')],
      ['--port', '0', '--stack', stack.stackPath, '--journal', join(stack.dir, 'j'), '--bugs', 'not-a-bug'],
      ['--port', '0', '--stack', stack.stackPath, '--journal', join(stack.dir, 'j'), '--wat', '1'],
    ];
    for (const args of cases) {
      const r = runCli(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const env = runCli(['--port', '0', '--stack', stack.stackPath, '--journal', join(stack.dir, 'j')], {
      BOXLITE_SIM_BUGS: 'nope',
    });
    expect(env.status).toBe(2);
  });

  test('SIGTERM stops cleanly with exit 0', async () => {
    const r = await spawnRunner(stack);
    expect(await r.stop('SIGTERM')).toBe(0);
  });
});
