/**
 * Conformance with the REAL npm SDK (@boxlite-ai/boxlite 0.10.0, REST mode) through the sim
 * API and a private sim runner: lifecycle, exec (streams, exit codes, env, cwd, tty,
 * timeout, stdin, kill, signal), files, concurrency.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Boxlite } from '@boxlite-ai/boxlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { req } from '../testkit/client.ts';
import { run, sdkRuntime, TEST_IMAGE } from '../testkit/sdk.ts';
import { useSim } from '../testkit/suites.ts';
import { BOX_ID_RE } from './ids.ts';

type Box = Awaited<ReturnType<Boxlite['create']>>;
const suite = useSim();
let rt: Boxlite;
let box: Box;

beforeAll(async () => {
  rt = sdkRuntime(suite.sim);
  box = await rt.create({ image: TEST_IMAGE }, `sdk-main-${Date.now()}`);
});
afterAll(async () => {
  await rt?.remove(box.id, true).catch(() => {});
});

const sh = (
  script: string,
  opts: { env?: [string, string][]; tty?: boolean; timeout?: number; cwd?: string } = {},
) =>
  box.exec(
    'sh',
    ['-c', script],
    opts.env ?? null,
    opts.tty ?? false,
    null,
    opts.timeout ?? null,
    opts.cwd ?? null,
  );

describe('box lifecycle via the SDK', () => {
  it('create/info/list/get/getInfo, start/stop keep the id, a plain remove takes a running box, null after 404', async () => {
    const name = `sdk-life-${Date.now()}`;
    const b = await rt.create({ image: TEST_IMAGE, cpus: 2, memoryMib: 256 }, name);
    expect(b.id).toMatch(BOX_ID_RE);
    expect(b.name).toBe(name);
    const info = await b.info();
    expect(info).toMatchObject({ id: b.id, name, image: TEST_IMAGE, cpus: 2, memoryMib: 256 });
    expect(info.state.running).toBe(true);
    expect((await rt.listInfo()).map((i) => i.id)).toContain(b.id);
    expect((await rt.getInfo(name))?.id).toBe(b.id);
    expect((await rt.get(b.id))?.id).toBe(b.id);
    expect((await run(await b.exec('nproc'))).stdout.trim()).toBe('2');

    await b.stop();
    expect((await rt.getInfo(b.id))?.state.status).toBe('stopped');
    await expect(b.exec('true')).rejects.toThrow(/^stopped: /);
    await b.start();
    expect((await rt.getInfo(b.id))?.state.running).toBe(true);

    // A plain remove takes a running box, as the cloud API and serve do.
    await rt.remove(b.id);
    expect(await rt.getInfo(b.id)).toBeNull();
    expect(await rt.get(b.id)).toBeNull();
    await expect(rt.remove(b.id, true)).rejects.toThrow(/box not found/);
  });

  it('reports box and runtime metrics', async () => {
    await run(await box.exec('true'));
    const m = await box.metrics();
    expect(m.commandsExecutedTotal).toBeGreaterThanOrEqual(1);
    const r = await rt.metrics();
    expect(r.boxesCreatedTotal).toBeGreaterThanOrEqual(1);
    expect(r.totalCommandsExecuted).toBeGreaterThanOrEqual(1);
  });

  it('works for another org under a multi-segment pathPrefix', async () => {
    const prefix = `us-east/team-${Date.now().toString(36)}`;
    const org = await req(suite.sim, 'POST', '/_sim/orgs', {
      body: { path_prefix: prefix, quotas: { max_cpus: 2 } },
    });
    expect(org.status).toBe(201);
    const other = sdkRuntime(suite.sim, { key: org.json.api_key, prefix });
    const b = await other.create({ image: TEST_IMAGE });
    expect((await run(await b.exec('echo', ['tenant']))).stdout).toBe('tenant\n');
    expect(await rt.getInfo(b.id)).toBeNull();
    await expect(other.create({ image: TEST_IMAGE, cpus: 3 })).rejects.toThrow(/^resource exhausted: .*cpus/);
    await other.remove(b.id, true);
  });

  it('maps typed errors: bad image → images error, oversize cpus rejected', async () => {
    await expect(rt.create({ image: 'no-such/image:1' })).rejects.toThrow(
      /^images error: .*no-such\/image:1/,
    );
    await expect(rt.create({ image: TEST_IMAGE, cpus: 200 })).rejects.toThrow(/^resource exhausted: /);
  });
});

describe('exec via the SDK', () => {
  it('separates stdout and stderr', async () => {
    const r = await run(await sh('echo out; echo err >&2'));
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
  });

  it.each([0, 1, 42, 127])('propagates exit code %i', async (code) => {
    const script = code === 127 ? 'no-such-command-xyz' : `exit ${code}`;
    expect((await run(await sh(script))).exitCode).toBe(code);
  });

  it('reports a signal death as negative or >128', async () => {
    const { exitCode } = await run(await sh('kill -9 $$'));
    expect(exitCode < 0 || exitCode > 128).toBe(true);
  });

  it('passes env and working_dir', async () => {
    const r = await run(
      await sh('echo "$GREETING" && pwd', { env: [['GREETING', 'héllo-☃ 世界']], cwd: '/tmp' }),
    );
    expect(r.stdout).toBe('héllo-☃ 世界\n/tmp\n');
  });

  it('runs a tty exec and resizes it', async () => {
    const ex = await sh('sleep 0.5; stty size', { tty: true });
    await ex.resizeTty(40, 100);
    const r = await run(ex);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('40 100');
  });

  it('times out a long exec', async () => {
    const t0 = Date.now();
    const r = await run(await sh('sleep 30', { timeout: 1 }));
    expect(r.exitCode).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('writes stdin and closes it', async () => {
    const ex = await box.exec('cat');
    const stdin = await ex.stdin();
    await stdin.writeString('hello stdin\n');
    await stdin.write(Buffer.from('second\n'));
    await stdin.close();
    const r = await run(ex);
    expect(r).toMatchObject({ stdout: 'hello stdin\nsecond\n', exitCode: 0 });
  });

  it('kills and signals running execs', async () => {
    const k = await sh('sleep 30');
    await new Promise((r) => setTimeout(r, 300));
    await k.kill();
    expect((await run(k)).exitCode).not.toBe(0);
    const s = await sh('sleep 30');
    await new Promise((r) => setTimeout(r, 300));
    await s.signal(15);
    expect((await run(s)).exitCode).not.toBe(0);
  });

  it('keeps a silent exec alive past the SDK 10 s first-frame timer (runner ping relayed)', async () => {
    const t0 = Date.now();
    const r = await run(await sh('sleep 11; echo woke'));
    expect(r).toMatchObject({ stdout: 'woke\n', exitCode: 0 });
    // A lost first ping would cost a 15 s reconnect backoff.
    expect(Date.now() - t0).toBeLessThan(14_000);
  });

  it('runs concurrent execs on one box without cross-talk', async () => {
    const tokens = Array.from({ length: 6 }, (_, i) => `tok${i}`);
    const results = await Promise.all(
      tokens.map(async (t) => run(await sh(`for i in $(seq 1 50); do echo ${t}-$i; done`))),
    );
    results.forEach((r, i) => {
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(50);
      expect(lines.every((l) => l.startsWith(`${tokens[i]}-`))).toBe(true);
    });
  });
});

describe('files via the SDK', () => {
  it('copies a file in and out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-api-files-'));
    const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await writeFile(join(dir, 'blob.bin'), payload);
    await box.copyIn(join(dir, 'blob.bin'), '/tmp/blob.bin');
    expect((await run(await box.exec('wc', ['-c', '/tmp/blob.bin']))).stdout).toMatch(/^\s*256 /);
    await box.copyOut('/tmp/blob.bin', join(dir, 'back.bin'));
    expect(Buffer.compare(await readFile(join(dir, 'back.bin')), payload)).toBe(0);
  });

  it('copies a directory in and out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-api-dir-'));
    await mkdir(join(dir, 'src', 'sub'), { recursive: true });
    await writeFile(join(dir, 'src', 'a.txt'), 'A');
    await writeFile(join(dir, 'src', 'sub', 'b.txt'), 'B');
    await run(await box.exec('mkdir', ['-p', '/tmp/dst']));
    await box.copyIn(join(dir, 'src'), '/tmp/dst');
    const ls = await run(await sh('cat /tmp/dst/a.txt /tmp/dst/sub/b.txt || find /tmp/dst'));
    expect(ls.stdout).toBe('AB');
    await box.copyOut('/tmp/dst', join(dir, 'out'));
    expect(await readFile(join(dir, 'out', 'sub', 'b.txt'), 'utf8')).toBe('B');
  });

  it('rejects copyOut of a missing path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-api-miss-'));
    await expect(box.copyOut('/no/such/path', join(dir, 'x'))).rejects.toThrow();
  });
});

describe('scale', () => {
  it('creates 10 boxes in parallel with unique ids (and reports create p50)', async () => {
    const times: number[] = [];
    const boxes = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const t0 = performance.now();
        const b = await rt.create({ image: TEST_IMAGE });
        times.push(performance.now() - t0);
        return b;
      }),
    );
    expect(new Set(boxes.map((b) => b.id)).size).toBe(10);
    const outs = await Promise.all(
      boxes.map(async (b) => (await run(await b.exec('echo', [b.id]))).stdout.trim()),
    );
    expect(outs).toEqual(boxes.map((b) => b.id));
    await Promise.all(boxes.map((b) => rt.remove(b.id, true)));
    times.sort((a, b) => a - b);
    const seq: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const b = await rt.create({ image: TEST_IMAGE });
      seq.push(performance.now() - t0);
      await rt.remove(b.id, true);
    }
    seq.sort((a, b) => a - b);
    console.log(
      `sdk create p50: sequential ${seq[2]?.toFixed(0)} ms, 10-parallel ${times[4]?.toFixed(0)} ms (max ${times[9]?.toFixed(0)} ms)`,
    );
  });
});
