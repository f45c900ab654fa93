/**
 * Fault injection with real kills and restarts. Each fault is injected into
 * a throw-away stack of this file's own (throwaway-sim.ts), never the shared one the cases use:
 * that is why this is a self-test and not a case — a case runs against a stack other
 * files use at the same time, and killing its Postgres would fail them. For every fault the
 * test asserts what the user sees (a typed error, a reconnect, never a hang), what survives
 * (every box still listed, still running commands) and that nothing is half-made; it annotates
 * the measured outcome and recovery time.
 *
 * Deadlines here ARE the contract: "never a hang" means the client is done within the protocol's
 * recovery window (protocol §4.3–4.4: 10 s first frame, 15 s reconnect backoff, 5 s status
 * probe), so each bound is that window plus slack, far below the SDK's 270 s total budget.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drain, readUntil } from '../../drivers/node-sdk/driver.ts';
import { attach } from '../../drivers/rest/attach.ts';
import { boxRecordsDir } from '../../sim/runner/box-records.ts';
import { crash, killForGood, restartedPid, type ThrowawaySim, upThrowawaySim } from './throwaway-sim.ts';

/** One reconnect cycle of the SDK (15 s backoff) + two 5 s status probes + slack. */
const RECOVERY_BOUND_MS = 45_000;
/** A restarted service must be answering again within this long. */
const RESTART_BOUND_MS = 30_000;
/** The SDK's whole reconnect budget (270 s, protocol §4.3) + a final status probe (5 s) + slack. */
const SDK_GIVE_UP_MS = 300_000;

let fs: ThrowawaySim;

beforeAll(async () => {
  fs = await upThrowawaySim();
}, 900_000);

afterAll(async () => {
  await fs?.close();
}, 120_000);

async function newBox(): Promise<string> {
  const res = await fs.rest.createBox({ image: fs.handle.images.busybox });
  expect(res.status, res.text).toBe(201);
  return res.json!.box_id;
}

/** Polls `probe` until it is truthy; answers ms waited. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = RESTART_BOUND_MS) {
  const t0 = performance.now();
  await vi.waitFor(
    async () => {
      if (!(await probe().catch(() => false))) throw new Error(`waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 100 },
  );
  return Math.round(performance.now() - t0);
}

/** `p`, or a failure naming `what` once `ms` have passed: a hang becomes a clear assertion. */
async function within<T>(what: string, p: Promise<T>, ms = RECOVERY_BOUND_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const apiAnswers = async () => (await fs.rest.tenant('GET', '/boxes', { timeoutMs: 3000 })).status === 200;

/** A box runs commands through the whole chain again. */
async function execWorks(boxId: string): Promise<void> {
  const r = await fs.rest.exec(boxId, { command: 'sh', args: ['-c', 'echo alive'] });
  expect(r).toMatchObject({ stdout: 'alive\n', exitCode: 0 });
}

describe('faults', () => {
  it('runner killed during a running exec: each client ends with a typed outcome, the box survives', {
    timeout: SDK_GIVE_UP_MS + 60_000,
  }, async ({ annotate }) => {
    const id = await newBox();
    const box = (await fs.rt.get(id))!;
    // The SDK on one exec, a raw socket on a second: both clients' views are measured.
    const ex = await box.exec('sh', ['-c', 'echo started; sleep 600; echo never']);
    const stdout = await ex.stdout();
    await readUntil(stdout, 'started\n');
    const raw = await fs.rest.startExec(id, { command: 'sleep', args: ['600'] });
    const eid = raw.json!.execution_id;
    const session = await attach(fs.rest.target, id, eid, { timeoutMs: SDK_GIVE_UP_MS });
    const t0 = performance.now();
    const sdkDone = Promise.all([ex.wait(), drain(stdout)]).then(([r, out]) => ({
      ...r,
      out,
      ms: Math.round(performance.now() - t0),
    }));

    const pid = await crash(fs.paths, 'sim-runner');
    // Raw client: the API closes its socket at once, without an exit frame.
    const rawDone = await within('the raw attach socket to close', session.done, RESTART_BOUND_MS);
    const rawMs = Math.round(performance.now() - t0);
    expect(rawDone.exitCode).toBeNull();
    // Its status probe is typed all along: 503 while the runner is down, 404 once it is back
    // (exec sessions live in the runner's memory; the box does not).
    await restartedPid(fs.paths, 'sim-runner', pid);
    const backMs = await until('the exec probe to answer 404', async () => {
      const p = await fs.rest.tenant('GET', `/boxes/${id}/executions/${eid}`);
      if (p.status !== 404 && p.status !== 503) throw new Error(`probe answered ${p.status} ${p.text}`);
      return p.status === 404 && p.envelope?.code === 'not_found';
    });
    // What survives: the box, listed and running, and it runs new commands.
    expect(await fs.listedIds()).toContain(id);
    expect((await fs.rest.tenant<{ status: string }>('GET', `/boxes/${id}`)).json?.status).toBe('running');
    await execWorks(id);
    // The SDK: its one status probe lands in the outage (503 = "unavailable", protocol §4.2), so
    // it re-attaches; the restarted runner answers 404, which the client retries (protocol §4.4) until its
    // reconnect budget is spent, then falls back to -1 with the cause. Bounded, never a hang.
    const sdk = await within('SDK wait()', sdkDone, SDK_GIVE_UP_MS);
    expect(sdk.exitCode).toBe(-1);
    expect(sdk.errorMessage ?? '').not.toBe('');
    expect(sdk.out).not.toContain('never');
    await annotate(
      `runner SIGKILL: raw socket closed after ${rawMs} ms (close ${rawDone.closeCode}, no exit frame); ` +
        `exec probe 503 upstream_unavailable during the outage, 404 not_found ${backMs} ms after the restart; ` +
        `box listed, running, exec works; SDK wait() → exitCode ${sdk.exitCode} "${sdk.errorMessage}" after ${sdk.ms} ms`,
    );
  });

  it('API killed during an attach: the SDK reconnects and gets the rest of the output and the exit code', async ({
    annotate,
  }) => {
    const id = await newBox();
    const box = (await fs.rt.get(id))!;
    const ex = await box.exec('sh', [
      '-c',
      'echo one; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo two; exit 5',
    ]);
    const stdout = await ex.stdout();
    const seen = await readUntil(stdout, 'one\n');
    const t0 = performance.now();
    const pid = await crash(fs.paths, 'sim-api');
    await restartedPid(fs.paths, 'sim-api', pid);
    const apiBackMs = await until('the API to answer again', apiAnswers);
    // "two" is produced while the SDK holds no socket (it waits out its reconnect backoff).
    expect((await fs.rest.exec(id, { command: 'touch', args: ['/tmp/go'] })).exitCode).toBe(0);
    const [tail, result] = await Promise.all([drain(stdout), ex.wait()]);
    const totalMs = Math.round(performance.now() - t0);
    expect(seen + tail).toBe('one\ntwo\n');
    expect(result.exitCode).toBe(5);
    expect(totalMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(await fs.listedIds()).toContain(id);
    await annotate(
      `API SIGKILL: API answering again after ${apiBackMs} ms; SDK re-attached and finished after ${totalMs} ms ` +
        `with stdout ${JSON.stringify(seen + tail)} and exit ${result.exitCode}`,
    );
  });

  it('Postgres killed: requests fail typed while it is down, then the API recovers with every box', async ({
    annotate,
  }) => {
    const ids = [await newBox(), await newBox(), await newBox()];
    const before = await fs.listedIds();
    // The last write before the crash: a committed state change must survive it.
    const stopped = await fs.rest.tenant('POST', `/boxes/${ids[2]}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    const pid = await crash(fs.paths, 'postgres');
    const during = await fs.rest.tenant('GET', '/boxes', { timeoutMs: 10_000 });
    // Down → 503 upstream_unavailable; already back → 200. Never a 500 or a hang.
    expect([200, 503], during.text).toContain(during.status);
    if (during.status === 503) expect(during.envelope?.code).toBe('upstream_unavailable');
    await restartedPid(fs.paths, 'postgres', pid);
    const recoverMs = await until('GET /boxes to answer 200', apiAnswers);
    expect(await fs.listedIds()).toEqual(before);
    const statuses = await Promise.all(
      ids.map(async (id) => (await fs.rest.tenant<{ status: string }>('GET', `/boxes/${id}`)).json?.status),
    );
    expect(statuses).toEqual(['running', 'running', 'stopped']);
    await execWorks(ids[0]!);
    const fresh = await newBox();
    expect(await fs.listedIds()).toContain(fresh);
    await annotate(
      `Postgres SIGKILL: GET /boxes during the outage → ${during.status} ${during.envelope?.code ?? ''}; ` +
        `API answering again after ${recoverMs} ms; ${before.length} boxes listed before and after, the stop committed just before the crash kept; exec and create work`,
    );
  });

  it('Redis killed: lifecycle calls fail typed while it is down, then locks work again', async ({
    annotate,
  }) => {
    const id = await newBox();
    const pid = await crash(fs.paths, 'redis');
    const during = await fs.rest.tenant('POST', `/boxes/${id}/stop`, { timeoutMs: 30_000 });
    expect([200, 503], during.text).toContain(during.status);
    if (during.status === 503) expect(during.envelope?.code).toBe('upstream_unavailable');
    await restartedPid(fs.paths, 'redis', pid);
    // A lifecycle call takes the box's Redis lock: start and stop both work again.
    const recoverMs = await until('start to work again', async () => {
      const r = await fs.rest.tenant<{ status: string }>('POST', `/boxes/${id}/start`);
      return r.status === 200 && r.json?.status === 'running';
    });
    const stopped = await fs.rest.tenant<{ status: string }>('POST', `/boxes/${id}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.json?.status).toBe('stopped');
    // Serialisation still holds: two concurrent starts both succeed, one after the other.
    const both = await Promise.all([0, 1].map(() => fs.rest.tenant('POST', `/boxes/${id}/start`)));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    await execWorks(id);
    await annotate(
      `Redis SIGKILL: POST stop during the outage → ${during.status} ${during.envelope?.code ?? ''}; ` +
        `start/stop working again after ${recoverMs} ms`,
    );
  });

  it('registry down at create: a typed error, no box row and no container; create works once it is back', async ({
    annotate,
  }) => {
    await newBox(); // the image is in the runner's engine already: only the API's check needs the registry
    const [listed, containers] = [await fs.listedIds(), await fs.containerCount()];
    await killForGood(fs.paths, 'registry');
    const raw = await fs.rest.createBox({ image: fs.handle.images.busybox }, { timeoutMs: 30_000 });
    expect(raw.status, raw.text).toBe(503);
    expect(raw.envelope).toMatchObject({ code: 'upstream_unavailable' });
    expect(raw.envelope?.message).toContain('registry');
    const sdk = await fs.rt.create({ image: fs.handle.images.busybox }).then(
      (b) => `created ${b.id}`,
      (e: Error) => e.message,
    );
    expect(sdk).toMatch(/registry/);
    expect(await fs.listedIds()).toEqual(listed);
    expect(await fs.containerCount()).toBe(containers);
    const t0 = performance.now();
    await fs.repair();
    const repairMs = Math.round(performance.now() - t0);
    const id = await newBox();
    expect(await fs.listedIds()).toEqual([...listed, id].sort());
    await annotate(
      `registry down: POST /boxes → 503 upstream_unavailable "${raw.envelope?.message}"; SDK: "${sdk}"; ` +
        `list and containers unchanged; setup repaired the registry in ${repairMs} ms, then create worked`,
    );
  });

  it('disk full at create (runner storage on a full tmpfs): storage_error, nothing half-made', async ({
    annotate,
  }) => {
    const dir = boxRecordsDir(fs.config.stateDir);
    mkdirSync(dir, { recursive: true });
    const [listed, containers] = [await fs.listedIds(), await fs.containerCount()];
    // A real full disk: a 64 KiB tmpfs over the runner's box storage, filled to the last byte.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'e2e-faults-full', dir]);
    try {
      expect(() => writeFileSync(join(dir, 'filler'), Buffer.alloc(1 << 20))).toThrow(/ENOSPC/);
      const raw = await fs.rest.createBox({ image: fs.handle.images.busybox });
      expect(raw.status, raw.text).toBe(500);
      expect(raw.envelope).toMatchObject({ code: 'storage_error', type: 'StorageError' });
      expect(raw.envelope?.message).toMatch(/no space left on device/i);
      const sdk = await fs.rt.create({ image: fs.handle.images.busybox }).then(
        (b) => `created ${b.id}`,
        (e: Error) => e.message,
      );
      expect(sdk).toMatch(/^storage error: /);
      expect(await fs.listedIds()).toEqual(listed);
      expect(await fs.containerCount()).toBe(containers);
      await annotate(`disk full: POST /boxes → 500 storage_error "${raw.envelope?.message}"; SDK: "${sdk}"`);
    } finally {
      execFileSync('umount', [dir]);
    }
    const id = await newBox();
    expect(await fs.listedIds()).toEqual([...listed, id].sort());
  });
});
