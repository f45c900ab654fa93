/**
 * Upstream's Node comprehensive selectors (test_node_comprehensive → e2e_comprehensive.ts,
 * docs/upstream-suite.md: 31 cases, each "rc 0 and its <NAME>=ok marker"), one test each,
 * through the real npm SDK's N-API surface. Same thresholds as upstream where it has them
 * (large streams ≥ 3900/4000 lines; here we require all of them, in order).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { drain, runSdkExec, runSdkSh as sh, startAfterReady } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join('\n');

async function hostDir(ctx: Pick<TestContext, 'onTestFinished'>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-node-comp-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe.concurrent('node comprehensive: exec', claims({ needs: 'vm' }), () => {
  test(
    'stdout and stderr do not cross',
    claims({ pins: ['ws.frame.stdout', 'ws.frame.stderr'], ports: ['test_node_stderr_isolation'] }),
    async ({ box }) => {
      const r = await sh(box, 'echo to-out; echo to-err >&2');
      expect(r).toMatchObject({ stdout: 'to-out\n', stderr: 'to-err\n', exitCode: 0 });
    },
  );

  test(
    'exit codes 0, 1, 42, 127 propagate',
    claims({ pins: ['exec.exit.code'], ports: ['test_node_exit_codes'] }),
    async ({ box }) => {
      for (const code of [0, 1, 42, 127]) expect((await sh(box, `exit ${code}`)).exitCode).toBe(code);
    },
  );

  test(
    '4000 stdout lines arrive whole and in order',
    claims({ pins: ['ws.frame.order'], ports: ['test_node_large_stdout'] }),
    async ({ box }) => {
      const r = await sh(box, 'i=0; while [ $i -lt 4000 ]; do echo out$i; i=$((i+1)); done');
      expect(r.stdout).toBe(`${lines(4000, 'out')}\n`);
    },
  );

  test(
    '4000 stderr lines arrive whole and in order',
    claims({ pins: ['ws.frame.order'], ports: ['test_node_large_stderr'] }),
    async ({ box }) => {
      const r = await sh(box, 'i=0; while [ $i -lt 4000 ]; do echo err$i >&2; i=$((i+1)); done');
      expect(r.stderr).toBe(`${lines(4000, 'err')}\n`);
      expect(r.stdout).toBe('');
    },
  );

  test(
    'exec env reaches the guest',
    claims({ pins: ['exec.start.env'], ports: ['test_node_env_vars'] }),
    async ({ box }) => {
      const r = await runSdkExec(box, {
        command: 'sh',
        args: ['-c', 'echo "$E2E_A|$E2E_B"'],
        env: { E2E_A: 'alpha', E2E_B: 'with space' },
      });
      expect(r.stdout).toBe('alpha|with space\n');
    },
  );

  test(
    '50 env vars all arrive',
    claims({ pins: ['exec.start.env'], ports: ['test_node_many_env'] }),
    async ({ box }) => {
      const env = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`E2E_V${i}`, `value-${i}`]));
      // The minimal guest image has no grep: filter here.
      const r = await runSdkExec(box, { command: 'env', env });
      const got = r.stdout.split('\n').filter((l) => l.startsWith('E2E_V'));
      expect(got.sort()).toEqual(
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .sort(),
      );
    },
  );

  test(
    'working dir override',
    claims({ pins: ['exec.start.working-dir'], ports: ['test_node_working_dir'] }),
    async ({ box }) => {
      expect((await runSdkExec(box, { command: 'pwd', workingDir: '/tmp' })).stdout).toBe('/tmp\n');
    },
  );

  test('`true` produces no output', claims({ ports: ['test_node_empty_output'] }), async ({ box }) => {
    expect(await runSdkExec(box, { command: 'true' })).toMatchObject({ stdout: '', stderr: '', exitCode: 0 });
  });

  test(
    'two concurrent execs keep their own 50 lines',
    claims({ pins: ['exec.concurrent.no-crosstalk'], ports: ['test_node_concurrent_exec'] }),
    async ({ box }) => {
      const [a, b] = await Promise.all(
        ['A', 'B'].map((t) => sh(box, `i=0; while [ $i -lt 50 ]; do echo ${t}$i; i=$((i+1)); done`)),
      );
      expect(a?.stdout).toBe(`${lines(50, 'A')}\n`);
      expect(b?.stdout).toBe(`${lines(50, 'B')}\n`);
    },
  );

  test(
    'a signal-killed process reports a signal exit',
    claims({ pins: ['exec.exit.signal'], ports: ['test_node_signal_exit'] }),
    async ({ box }) => {
      const code = (await sh(box, 'kill -9 $$')).exitCode ?? 0;
      expect(code < 0 || code > 128, `exit ${code}`).toBe(true);
    },
  );

  test(
    'multibyte output survives',
    claims({ pins: ['ws.frame.bytes-exact'], ports: ['test_node_unicode'] }),
    async ({ box }) => {
      expect((await sh(box, "printf 'héllo-☃ 世界\\n'")).stdout).toBe('héllo-☃ 世界\n');
    },
  );

  test(
    'stdin written and closed is echoed by cat',
    claims({ pins: ['ws.stdin.binary', 'ws.stdin.eof'], ports: ['test_node_exec_stdin'] }),
    async ({ box }) => {
      const r = await runSdkExec(box, { command: 'cat', stdin: 'through-stdin\nline2\n' });
      expect(r).toMatchObject({ stdout: 'through-stdin\nline2\n', exitCode: 0 });
    },
  );

  test(
    'kill() ends a running exec with a non-zero exit',
    claims({ pins: ['exec.kill.ends'], ports: ['test_node_exec_kill'] }),
    async ({ box }) => {
      const { ex } = await startAfterReady(box, 'sleep 300');
      await ex.kill();
      expect((await ex.wait()).exitCode).not.toBe(0);
    },
  );

  test(
    'signal(15) ends a running exec',
    claims({ pins: ['exec.signal.route'], ports: ['test_node_exec_signal'] }),
    async ({ box }) => {
      const { ex } = await startAfterReady(box, 'exec sleep 300');
      await ex.signal(15);
      expect((await ex.wait()).exitCode).not.toBe(0);
    },
  );

  test(
    'a tty exec returns its output',
    claims({ pins: ['exec.start.tty'], ports: ['test_node_exec_tty'] }),
    async ({ box }) => {
      const r = await runSdkExec(box, {
        command: 'sh',
        args: ['-c', 'test -t 1 && echo is-a-tty'],
        tty: true,
      });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('is-a-tty');
    },
  );

  test(
    'resizeTty on a tty exec succeeds',
    claims({ pins: ['exec.resize.route'], ports: ['test_node_resize_tty'] }),
    async ({ box }) => {
      const ex = await box.exec('sh', ['-c', 'echo ready; sleep 2; stty size'], null, true);
      const out = await ex.stdout();
      await ex.resizeTty(40, 100);
      const text = await drain(out);
      expect((await ex.wait()).exitCode).toBe(0);
      expect(text).toContain('40 100');
    },
  );

  test(
    'resizeTty on a non-tty exec rejects',
    claims({ pins: ['exec.resize.non-tty'], ports: ['test_node_resize_non_tty'] }),
    async ({ box }) => {
      const { ex } = await startAfterReady(box, 'sleep 30');
      await expect(ex.resizeTty(40, 100)).rejects.toThrow();
      await ex.kill();
    },
  );
});

describe.concurrent('node comprehensive: copy', claims({ needs: 'vm' }), () => {
  test(
    'text round-trips',
    claims({ pins: ['files.put.route', 'files.get.route'], ports: ['test_node_copy_roundtrip'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      await writeFile(join(dir, 'in.txt'), 'round-trip text\n');
      await box.copyIn(join(dir, 'in.txt'), '/tmp/rt.txt');
      await box.copyOut('/tmp/rt.txt', join(dir, 'out.txt'));
      expect(await readFile(join(dir, 'out.txt'), 'utf8')).toBe('round-trip text\n');
    },
  );

  test(
    'all 256 byte values round-trip',
    claims({ pins: ['files.bytes-exact'], ports: ['test_node_copy_binary'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await writeFile(join(dir, 'in.bin'), bytes);
      await box.copyIn(join(dir, 'in.bin'), '/tmp/all.bin');
      await box.copyOut('/tmp/all.bin', join(dir, 'out.bin'));
      expect(sha(await readFile(join(dir, 'out.bin')))).toBe(sha(bytes));
    },
  );

  test(
    '1 MiB random round-trips with its sha256',
    claims({ pins: ['files.bytes-exact'], ports: ['test_node_copy_large'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      const data = randomBytes(1 << 20);
      await writeFile(join(dir, 'in.bin'), data);
      await box.copyIn(join(dir, 'in.bin'), '/tmp/big.bin');
      expect((await sh(box, 'sha256sum /tmp/big.bin')).stdout.split(' ')[0]).toBe(sha(data));
      await box.copyOut('/tmp/big.bin', join(dir, 'out.bin'));
      expect(sha(await readFile(join(dir, 'out.bin')))).toBe(sha(data));
    },
  );

  test(
    'a deeply nested destination works once its parents exist',
    claims({ pins: ['files.put.parents-missing'], ports: ['test_node_copy_nested'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      await writeFile(join(dir, 'n.txt'), 'nested\n');
      expect((await sh(box, 'mkdir -p /tmp/a/b/c/d')).exitCode).toBe(0);
      await box.copyIn(join(dir, 'n.txt'), '/tmp/a/b/c/d/n.txt');
      expect((await sh(box, 'cat /tmp/a/b/c/d/n.txt')).stdout).toBe('nested\n');
    },
  );

  test(
    'copyOut of a missing path rejects',
    claims({ pins: ['files.get.missing'], ports: ['test_node_copyout_missing'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      await expect(box.copyOut('/no/such/file', join(dir, 'x'))).rejects.toThrow();
    },
  );

  test(
    'copied data survives stop / start',
    claims({ pins: ['files.survive-restart'], ports: ['test_node_lifecycle_stop_start'] }),
    async ({ box, onTestFinished }) => {
      const dir = await hostDir({ onTestFinished });
      await writeFile(join(dir, 'keep.txt'), 'kept\n');
      await box.copyIn(join(dir, 'keep.txt'), '/root/keep.txt');
      await box.stop();
      await box.start();
      await box.copyOut('/root/keep.txt', join(dir, 'back.txt'));
      expect(await readFile(join(dir, 'back.txt'), 'utf8')).toBe('kept\n');
    },
  );
});

describe.concurrent('node comprehensive: runtime', claims({ needs: 'vm' }), () => {
  test(
    'info() and getInfo carry the id and name',
    claims({ pins: ['box.json.name', 'box.get.route'], ports: ['test_node_box_info'] }),
    async ({ rt, image, boxName }) => {
      const name = boxName();
      const box = await rt.create({ image }, name);
      expect(await box.info()).toMatchObject({ id: box.id, name });
      expect(await rt.getInfo(box.id)).toMatchObject({ id: box.id, name });
    },
  );

  test(
    'the name getter is the create name',
    claims({ pins: ['box.create.name'], ports: ['test_node_box_name'] }),
    async ({ rt, image, boxName }) => {
      const name = boxName();
      expect((await rt.create({ image }, name)).name).toBe(name);
    },
  );

  test(
    'two boxes have their own filesystems',
    claims({ pins: ['lifecycle.isolation.filesystem'], ports: ['test_node_two_boxes_isolated'] }),
    async ({ boxFactory }) => {
      const [a, b] = await boxFactory.make(2);
      if (!a || !b) throw new Error('boxFactory made fewer than two boxes');
      expect((await sh(a, 'echo only-a > /root/own.txt')).exitCode).toBe(0);
      expect((await sh(b, 'test -e /root/own.txt')).exitCode).toBe(1);
    },
  );

  test(
    'listInfo includes a fresh box',
    claims({ pins: ['box.list.route'], ports: ['test_node_list_info'] }),
    async ({ rt, box }) => {
      expect((await rt.listInfo()).map((i) => i.id)).toContain(box.id);
    },
  );

  test(
    'a handle from rt.get runs commands',
    claims({ pins: ['box.get.route'], ports: ['test_node_get_returns_box'] }),
    async ({ rt, box }) => {
      const again = await rt.get(box.id);
      if (!again) throw new Error(`rt.get(${box.id}) returned null`);
      expect((await sh(again, 'echo via-get')).stdout).toBe('via-get\n');
    },
  );

  test(
    'a second remove rejects',
    claims({ pins: ['box.remove.unknown'], ports: ['test_node_remove_idempotent'] }),
    async ({ rt, box }) => {
      await rt.remove(box.id, true);
      await expect(rt.remove(box.id, true)).rejects.toThrow(/not found/i);
    },
  );

  test(
    'getInfo of an unknown id is null',
    claims({ pins: ['box.get.unknown'], ports: ['test_node_get_nonexistent'] }),
    async ({ rt }) => {
      expect(await rt.getInfo('nonexistent-box-e2e')).toBeNull();
    },
  );

  test(
    'cpus=2 is what the guest kernel sees',
    claims({ pins: ['limits.guest.cpus'], ports: ['test_node_custom_cpus'], needs: 'own-kernel' }),
    async ({ rt, image, boxName }) => {
      const box = await rt.create({ image, cpus: 2 }, boxName());
      expect((await sh(box, 'nproc')).stdout.trim()).toBe('2');
    },
  );
});
