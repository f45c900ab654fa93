/**
 * Lifecycle, files and failures through the `boxlite` CLI 0.11: stop / start / restart, rm
 * and rm -f, `cp` both ways (files and directories), and what a user sees when the box, the
 * key or the server is wrong — a non-zero exit and a message that names the problem.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { errorKind } from '../drivers/error-kind.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

let host = '';
beforeAll(async () => {
  host = await mkdtemp(join(tmpdir(), 'boxlite-e2e-cli-cp-'));
});
afterAll(async () => {
  if (host) await rm(host, { recursive: true, force: true });
});

describe('cli: stop, start, restart, rm', claims({ needs: 'vm' }), () => {
  test(
    'stop / start / restart move the box between states; its files survive',
    claims({ pins: ['box-state.stop.running', 'box-state.start.stopped', 'lifecycle.disk.persists'] }),
    async ({ cli, stack, boxName }) => {
      const name = boxName();
      const id = await cli.detachedBox(stack.images.busybox, name);
      expect((await cli.exec(id, { command: 'sh', args: ['-c', 'echo kept > /root/state'] })).exitCode).toBe(
        0,
      );
      const pid = async () => (await cli.inspect(id)).rows[0]?.State.Pid ?? 0;
      const status = async () => (await cli.inspect(id)).rows[0]?.Status;
      const firstPid = await pid();

      expect(await cli.invoke(['stop', name])).toMatchObject({ exitCode: 0, stdout: `${name}\n` });
      expect(await status()).toBe('stopped');
      const refused = await cli.exec(id, { command: 'true' });
      expect(errorKind(refused.error)).toBe('stopped');

      expect(await cli.invoke(['start', name])).toMatchObject({ exitCode: 0, stdout: `${name}\n` });
      expect(await status()).toBe('running');
      expect((await cli.exec(id, { command: 'cat', args: ['/root/state'] })).stdout).toBe('kept\n');

      expect(await cli.invoke(['restart', id])).toMatchObject({ exitCode: 0, stdout: `${id}\n` });
      expect(await status()).toBe('running');
      expect(await pid()).not.toBe(firstPid);
      expect((await cli.exec(id, { command: 'cat', args: ['/root/state'] })).stdout).toBe('kept\n');
    },
  );

  test(
    'create IMAGE CMD waits for an explicit start: exec on it is refused, start runs CMD as init',
    claims({ pins: ['box-state.exec.configured-own-cmd', 'box-state.main.foreground'] }),
    async ({ cli, stack, boxName }) => {
      const name = boxName();
      const id = await cli.createdBox(stack.images.busybox, name);
      expect((await cli.inspect(name)).rows[0]?.Status).toBe('configured');
      // 0.11 litebox `ensure_usable_without_rerunning_main`: booting it would run the user's
      // command as a side effect of the exec, so the exec is refused and the box stays as it was.
      const refused = await cli.exec(id, { command: 'true' });
      expect(refused.exitCode).not.toBe(0);
      expect(refused.error).toMatch(/invalid state: Cannot exec box \w+: it is configured/);
      expect((await cli.inspect(name)).rows[0]?.Status).toBe('configured');
      expect(await cli.invoke(['start', name])).toMatchObject({ exitCode: 0 });
      const init = await cli.exec(id, {
        command: 'sh',
        args: ['-c', 'tr "\\0" " " < /proc/1/cmdline'],
      });
      expect(init).toMatchObject({ stdout: 'sleep 600 ', exitCode: 0, error: null });
      expect((await cli.inspect(name)).rows[0]?.State).toMatchObject({ Status: 'running', Running: true });
    },
  );

  test(
    'rm removes a running box (servers take no force, or default it on); so does rm -f',
    claims({ pins: ['box-state.remove.running'] }),
    async ({ cli, rest, stack, boxName }) => {
      for (const args of [['rm'], ['rm', '-f']]) {
        const id = await cli.detachedBox(stack.images.busybox, boxName());
        expect((await rest.tenant('GET', `/boxes/${id}`)).status).toBe(200);
        expect(await cli.invoke([...args, id]), args.join(' ')).toMatchObject({
          exitCode: 0,
          stdout: `${id}\n`,
        });
        expect((await rest.tenant('GET', `/boxes/${id}`)).status).toBe(404);
      }
    },
  );
});

describe('cli: cp', claims({ needs: 'vm' }), () => {
  test(
    'a file goes into the box and comes back byte for byte',
    claims({ pins: ['files.bytes-exact'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const src = join(host, 'in.txt');
      const payload = `line one\nünïcödé\n${'x'.repeat(70_000)}\n`;
      await writeFile(src, payload);
      expect(await cli.invoke(['cp', src, `${id}:/tmp/in-box.txt`])).toMatchObject({
        exitCode: 0,
        error: null,
      });
      expect((await cli.exec(id, { command: 'wc', args: ['-c', '/tmp/in-box.txt'] })).stdout).toBe(
        `${Buffer.byteLength(payload)} /tmp/in-box.txt\n`,
      );
      const back = join(host, 'back.txt');
      expect(await cli.invoke(['cp', `${id}:/tmp/in-box.txt`, back])).toMatchObject({
        exitCode: 0,
        error: null,
      });
      expect(await readFile(back, 'utf8')).toBe(payload);
    },
  );

  test(
    'directories copy both ways: DIR brings its name along, DIR/. only its contents',
    claims({ pins: ['files.put.tree', 'files.get.dir'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const tree = join(host, 'tree');
      await mkdir(join(tree, 'sub'), { recursive: true });
      await writeFile(join(tree, 'top.txt'), 'top\n');
      await writeFile(join(tree, 'sub', 'deep.txt'), 'deep\n');

      expect((await cli.invoke(['cp', `${tree}/.`, `${id}:/tmp/flat`])).exitCode).toBe(0);
      expect((await cli.invoke(['cp', tree, `${id}:/tmp/nested`])).exitCode).toBe(0);
      const listing = await cli.exec(id, {
        command: 'sh',
        args: ['-c', 'cd /tmp && find flat nested -type f | sort'],
      });
      expect(listing.stdout).toBe(
        ['flat/sub/deep.txt', 'flat/top.txt', 'nested/tree/sub/deep.txt', 'nested/tree/top.txt', ''].join(
          '\n',
        ),
      );

      const out = join(host, 'out');
      expect((await cli.invoke(['cp', `${id}:/tmp/flat`, out])).exitCode).toBe(0);
      expect(await readFile(join(out, 'sub', 'deep.txt'), 'utf8')).toBe('deep\n');
      expect(await readFile(join(out, 'top.txt'), 'utf8')).toBe('top\n');
    },
  );

  test(
    'cp from a path that does not exist fails with the server message',
    claims({ pins: ['files.get.missing'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const r = await cli.invoke(['cp', `${id}:/no/such/file`, join(host, 'never')]);
      expect(r.exitCode).toBe(1);
      expect(errorKind(r.error)).toBe('not_found');
      expect(r.error).toMatch(/\/no\/such\/file/);
    },
  );
});

describe('cli: failures a user sees', () => {
  // The CLI reads a refusal's kind and sentence from the envelope.
  test('an unknown box: every command exits non-zero and names it', {
    meta: { pins: ['box.get.unknown'], detects: ['rest-error-envelope'] },
  }, async ({ cli }) => {
    const nope = 'zzzzzzzzzzzz';
    for (const args of [
      ['exec', nope, '--', 'true'],
      ['inspect', nope],
      ['stop', nope],
      ['start', nope],
      ['stats', nope],
      ['rm', nope],
      ['rm', '-f', nope],
    ]) {
      const r = await cli.invoke(args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(errorKind(r.error), `${args.join(' ')}: ${r.error}`).toBe('not_found');
      expect(r.error).toContain(nope);
    }
    // rm goes to the server and repeats its sentence; the others stop at a client-side 404.
    // The sentence is the server's: the sim's "box X not found", `boxlite serve`'s "not found: X".
    expect((await cli.invoke(['rm', nope])).error).toMatch(
      /not found: (box zzzzzzzzzzzz not found|not found: zzzzzzzzzzzz)/,
    );
  });

  test("a rejected API key: non-zero exit with the server's auth message, nothing saved", {
    meta: { detects: ['rest-error-envelope'] },
  }, async ({ cli, rest }) => {
    // The message is the server's own (the sim: "invalid api key"; serve: "invalid or missing API key").
    const said = (await rest.tenant('GET', '/boxes', { auth: 'not-a-valid-key' })).envelope?.message;
    expect(said, 'the server refuses the key with an envelope').toBeTruthy();
    const r = await cli.invoke(['ls'], { env: { BOXLITE_API_KEY: 'not-a-valid-key' } });
    expect(r.exitCode).toBe(1);
    expect(r.error).toBe(`configuration error: auth: ${said}`);
    const login = await cli.invoke(
      ['--context', 'wrong', 'auth', 'login', '--url', cli.apiUrl, '--api-key-stdin'],
      {
        input: 'not-a-valid-key\n',
      },
    );
    expect(login.exitCode).toBe(1);
    expect(login.error).toContain(`: auth: ${said} (credentials not saved)`);
    expect(login.error).toMatch(/^authentication failed against /);
    expect(await readFile(join(cli.home, 'credentials.toml'), 'utf8')).not.toContain('[profiles.wrong]');
  });

  test('an unreachable server: non-zero exit naming the URL it could not reach', async ({ cli }) => {
    const r = await cli.invoke(['--url', 'http://127.0.0.1:9/api', 'ls']);
    expect(r.exitCode).toBe(1);
    expect(errorKind(r.error)).toBe('network');
    expect(r.error).toContain('http://127.0.0.1:9/api/v1/');
  });
});
