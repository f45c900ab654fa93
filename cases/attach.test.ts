/**
 * Attach and re-attach over the raw WebSocket (ports upstream §1.9 test_exec_attach; contract
 * from protocol §4.3–4.4). Raw frames, not the SDK, so ordering, pings and replay are visible:
 *
 * - output produced before the first attach is delivered on it (protocol §4.4 "must-have for any mock");
 * - the exit frame is the last frame: the SDK stops reading at `exit` (protocol §4.3);
 * - a Ping (or data) within 10 s of the upgrade — the SDK's first-frame timer IS the contract;
 * - after a dropped socket, a re-attach gets the bytes not yet delivered, then `exit`;
 * - a second attach while the first socket lives takes over (protocol §7 item 9; 409 would break every
 *   SDK reconnect, since the client keeps its old socket open until the new one is up);
 * - refusals are plain HTTP statuses before 101 (404 unknown exec, 401 bad token, protocol §6.4);
 * - GET /executions/{eid} reports completed + exit_code after exit (protocol §4.2).
 *
 * To know that output exists before a socket does, the script touches a marker file right after
 * writing it and the case waits for the file (plus, where the runtime counts exec output, for the
 * box's `bytes_received_total`, protocol §3.4) — never a sleep.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { attach, attachUrl, type Frame, type UpgradeRejection } from '../drivers/rest/attach.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import type { RestTarget } from '../drivers/rest/http.ts';
import {
  claims,
  countsExecOutput,
  describe,
  expect,
  type StackHandle,
  test,
  waitFor,
} from '../fixtures/index.ts';
import { execFinished, newBox, startExec } from './attach-steps.ts';

/** The SDK abandons a socket that shows no frame within this long of the upgrade (protocol §4.3). */
const FIRST_FRAME_TIMEOUT_MS = 10_000;

/** Exec output bytes the runner has received for this box so far. */
async function outputBytes(rest: RestDriver, boxId: string): Promise<number> {
  const res = await rest.tenant<{ bytes_received_total: number }>('GET', `/boxes/${boxId}/metrics`);
  expect(res.status).toBe(200);
  return res.json!.bytes_received_total;
}

/**
 * Waits until an exec has produced `bytes` of output with no socket attached. The script
 * touches `marker` right after writing them (seen through a second exec, on every target);
 * where the runtime counts exec output (target-facts countsExecOutput) the case also waits
 * until the runner has read them off the pipe — never a sleep.
 */
async function outputProduced(
  rest: RestDriver,
  stack: Pick<StackHandle, 'simulated'>,
  boxId: string,
  marker: string,
  bytes: number,
): Promise<void> {
  await waitFor(`${marker} in the box`, async () => {
    const probe = await rest.exec(boxId, { command: 'test', args: ['-e', marker] });
    return probe.exitCode === 0;
  });
  if (countsExecOutput(stack))
    await waitFor(
      `${bytes} output bytes to reach the runner`,
      async () => (await outputBytes(rest, boxId)) >= bytes,
    );
}

/**
 * A bare socket whose listeners exist before the upgrade completes, so a case can watch frames
 * arrive live (e.g. drop the socket right after the first chunk).
 */
async function liveSocket(t: RestTarget, boxId: string, eid: string) {
  const ws = new WebSocket(attachUrl(t, boxId, eid), {
    headers: { authorization: `Bearer ${t.apiKey}` },
    perMessageDeflate: false,
  });
  const seen = { stdout: '', kinds: [] as string[], closeCode: null as number | null };
  ws.on('message', (d: Buffer, binary: boolean) => {
    if (binary && d[0] === 1) seen.stdout += d.subarray(1).toString('utf8');
    seen.kinds.push(binary ? `bin${d[0]}` : d.toString('utf8'));
  });
  ws.on('close', (code) => {
    seen.closeCode = code;
  });
  ws.on('error', () => {});
  await once(ws, 'open');
  return { ws, seen };
}

function refusal(p: Promise<{ drop(): void }>): Promise<UpgradeRejection | null> {
  return p.then(
    (s) => {
      s.drop();
      return null;
    },
    (e: UpgradeRejection) => e,
  );
}

/**
 * Exactly one exit frame. Its position is asserted only by the case that claims
 * exec-stdout-drop (the raw collector keeps frames that trail `exit`, so the other cases still
 * see the full output and stay deterministic under that switch).
 */
function expectOneExit(frames: Frame[]): void {
  expect(
    frames.filter((f) => f.kind === 'exit'),
    `frames ${frames.map((f) => f.kind).join(',')}`,
  ).toHaveLength(1);
}

/** No stdout/stderr frame after the exit frame, and exactly one exit frame. */
function expectExitLast(frames: Frame[]): void {
  const kinds = frames.filter((f) => f.kind !== 'ping').map((f) => f.kind);
  expect(
    kinds.filter((k) => k === 'exit'),
    `frames ${kinds.join(',')}`,
  ).toHaveLength(1);
  expect(kinds.at(-1), `frames ${kinds.join(',')}`).toBe('exit');
}

describe('attach: delivery', claims({ needs: 'vm' }), () => {
  test(
    'output produced before the first attach is delivered on it, then live output, then exit',
    claims({
      detects: ['attach-no-replay'],
      pins: ['ws.buffer.before-attach', 'ws.frame.stdout', 'ws.frame.exit'],
    }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'echo early; touch /tmp/.early; sleep 1; echo late');
      await outputProduced(rest, stack, id, '/tmp/.early', 'early\n'.length);
      const result = await (await attach(rest.target, id, eid)).done;
      expect(result.stdout).toBe('early\nlate\n');
      expect(result.exitCode).toBe(0);
      expectOneExit(result.frames);
    },
  );

  test(
    'a finished exec attached late gets all its buffered output, then exit; a re-attach gets the same exit code',
    claims({
      ports: ['test_reattach_after_original_completes'],
      detects: ['attach-no-replay'],
      pins: ['ws.buffer.late-attach', 'ws.frame.stderr'],
    }),
    async ({ rest, stack, boxName, annotate }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'echo out-1; echo err-1 >&2; echo out-2; exit 5');
      await execFinished(rest, id, eid);
      const first = await (await attach(rest.target, id, eid)).done;
      expect(first.stdout).toBe('out-1\nout-2\n');
      expect(first.stderr).toBe('err-1\n');
      expect(first.exitCode).toBe(5);
      expectOneExit(first.frames);
      // Upstream: re-attaching to a completed exec yields a handle whose exit code matches.
      const again = await (await attach(rest.target, id, eid)).done;
      expect(again.exitCode).toBe(5);
      expectOneExit(again.frames);
      await annotate(
        `re-attach after completion replayed ${again.stdout.length + again.stderr.length} byte(s) of output`,
      );
    },
  );

  test(
    'the exit frame is the last frame: no data after exit, across concurrent execs',
    claims({
      detects: ['exec-stdout-drop'],
      pins: ['ws.frame.exit-last', 'ws.frame.exit-once', 'ws.close.after-exit.completed'],
    }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      // Output only once attached (gated on stdin), right before exit, so a racy runner still
      // holds the tail when the process ends — and the replay policy plays no part.
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          rest.exec(id, {
            command: 'sh',
            args: ['-c', `read go; echo a${i}; echo b${i} >&2; echo c${i}`],
            stdin: 'go\n',
          }),
        ),
      );
      outcomes.forEach((o, i) => {
        expect(o.http).toBe(201);
        expect(o.attach, o.error ?? '').not.toBeNull();
        expectExitLast(o.attach!.frames);
        expect(o.exitCode).toBe(0);
        expect(o.stdout).toBe(`a${i}\nc${i}\n`);
        expect(o.stderr).toBe(`b${i}\n`);
        expect(o.attach!.closeCode, 'server closes normally after exit').toBe(1000);
      });
    },
  );

  test(
    `a silent exec gets a Ping within ${FIRST_FRAME_TIMEOUT_MS / 1000} s of the upgrade; kill ends it with exit`,
    claims({ pins: ['ws.ping.first', 'exec.kill.ends', 'exec.status.killed'] }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'exec sleep 60');
      const session = await attach(rest.target, id, eid);
      let pinged = false;
      session.ws.on('ping', () => {
        pinged = true;
      });
      // Waits at most the SDK's first-frame budget; a ping that came with the 101 shows in firstPingMs.
      await waitFor('a ping', () => pinged, { timeoutMs: FIRST_FRAME_TIMEOUT_MS + 500 }).catch(() => {});
      const killed = await rest.tenant('DELETE', `/boxes/${id}/executions/${eid}`);
      expect(killed.status, killed.text).toBe(204);
      const result = await session.done;
      expect(result.firstPingMs, 'no ping before the SDK would abandon the socket').not.toBeNull();
      expect(result.firstPingMs!).toBeLessThanOrEqual(FIRST_FRAME_TIMEOUT_MS);
      expect(result.frames.filter((f) => f.kind !== 'ping').map((f) => f.kind)).toEqual(['exit']);
      expect(result.exitCode, 'SIGKILL').toBe(137);
      const probe = await rest.tenant('GET', `/boxes/${id}/executions/${eid}`);
      expect(probe.json).toMatchObject({ execution_id: eid, status: 'killed', exit_code: 137 });
    },
  );
});

describe('attach: re-attach', claims({ needs: 'vm' }), () => {
  test(
    're-attach after a dropped socket gets the output produced meanwhile, the rest, and exit',
    claims({ detects: ['attach-no-replay'], pins: ['ws.replay.no-duplicates', 'ws.close.no-exit-drop'] }),
    async ({ rest, stack, boxName, annotate }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(
        rest,
        id,
        'echo one; sleep 1; echo two; touch /tmp/.two; sleep 1; echo three',
      );
      const first = await liveSocket(rest.target, id, eid);
      await waitFor('"one" on the first socket', () => first.seen.stdout === 'one\n');
      first.ws.terminate(); // like the SDK: no close handshake
      // "two" is produced while no socket is attached.
      await outputProduced(rest, stack, id, '/tmp/.two', 'one\ntwo\n'.length);
      const second = await (await attach(rest.target, id, eid)).done;
      expect(second.stdout.replace(/^one\n/, '')).toBe('two\nthree\n');
      expect(second.exitCode).toBe(0);
      expectOneExit(second.frames);
      if (second.stdout.startsWith('one\n'))
        await annotate('re-attach repeated bytes the first socket already got');
    },
  );

  test(
    'a second attach while the first socket is live takes over: the first is closed, the second gets the rest',
    claims({ pins: ['ws.replay.takeover'] }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'echo a; sleep 1; echo b');
      const first = await liveSocket(rest.target, id, eid);
      await waitFor('"a" on the first socket', () => first.seen.stdout === 'a\n');
      const secondSession = await attach(rest.target, id, eid).catch((e: UpgradeRejection) => {
        throw new Error(
          `second attach refused with HTTP ${e.status} ${e.body}: a 409 would break SDK reconnects (protocol §4.4 step 3)`,
        );
      });
      await waitFor('the server to close the superseded socket', () => first.seen.closeCode !== null);
      const second = await secondSession.done;
      expect(second.stdout).toBe('b\n');
      expect(second.exitCode).toBe(0);
      expectOneExit(second.frames);
      expect(first.seen.stdout, 'the superseded socket gets nothing more').toBe('a\n');
      expect(first.seen.kinds.some((k) => k.includes('"exit"'))).toBe(false);
    },
  );
});

describe('attach: refusals and status', () => {
  test(
    'attach to an unknown execution → 404 not_found before the upgrade',
    claims({
      ports: ['test_attach_with_bogus_id_is_typed_error'],
      needs: ['create'],
      pins: ['ws.upgrade.unknown-exec', 'ws.upgrade.unknown-box'],
    }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      for (const [box, eid] of [
        [id, 'exec-00000000-0000-0000-0000-000000000000'],
        ['00000000-0000-0000-0000-000000000000', 'exec-00000000-0000-0000-0000-000000000000'],
      ] as const) {
        const r = await refusal(attach(rest.target, box, eid));
        expect(r, `attach ${box}/${eid} must be refused`).not.toBeNull();
        expect(r!.status).toBe(404);
        expect(JSON.parse(r!.body)).toMatchObject({ error: { code: 'not_found', type: 'NotFoundError' } });
      }
    },
  );

  test(
    'attach with a bad token → 401 unauthenticated before the upgrade',
    claims({ needs: ['vm'], detects: ['bad-token-500'], pins: ['auth.ws.unknown'] }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'exec sleep 30');
      for (const token of ['not-a-key!@#', 'deadbeef'.repeat(8)]) {
        const r = await refusal(attach(rest.target, id, eid, { auth: token }));
        expect(r, `token ${token} must be refused`).not.toBeNull();
        expect(r!.status, r!.body).toBe(401);
        expect(JSON.parse(r!.body)).toMatchObject({ error: { code: 'unauthenticated' } });
      }
      expect((await rest.tenant('DELETE', `/boxes/${id}/executions/${eid}`)).status).toBe(204);
    },
  );

  test(
    'status probe: running with null exit_code, then completed with the exit code',
    claims({ needs: 'vm', pins: ['exec.status.route', 'exec.status.running', 'exec.status.completed'] }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'read line; echo "got $line"; exit 3');
      const probe = () => rest.tenant<Record<string, unknown>>('GET', `/boxes/${id}/executions/${eid}`);
      const running = await probe();
      expect(running.status).toBe(200);
      expect(running.json).toMatchObject({ execution_id: eid, status: 'running', exit_code: null });
      const session = await attach(rest.target, id, eid);
      session.sendStdin('go\n');
      session.sendEof();
      const result = await session.done;
      expect(result.stdout).toBe('got go\n');
      expect(result.exitCode).toBe(3);
      const done = await probe();
      expect(done.status).toBe(200);
      expect(done.json).toMatchObject({ execution_id: eid, status: 'completed', exit_code: 3 });
    },
  );
});

/** Stdout frame payloads concatenated as raw bytes (no UTF-8 decoding on our side). */
const stdoutBytes = (frames: readonly Frame[]) =>
  Buffer.concat(frames.flatMap((f) => (f.kind === 'stdout' ? [f.data] : [])));

describe('attach: bytes and buffering', claims({ needs: 'vm' }), () => {
  test(
    'output that is not UTF-8 arrives byte-exact in the stdout frames',
    claims({ pins: ['ws.frame.bytes-exact'] }),
    async ({ rest, stack, boxName }) => {
      // The wire carries raw bytes (protocol §4.3: the SDK decodes per frame, the server must not).
      const id = await newBox(rest, stack.images.busybox, boxName());
      const o = await rest.exec(id, { command: 'printf', args: ['\\377\\376\\000\\001\\200-\\303'] });
      expect(o.exitCode, o.error ?? '').toBe(0);
      expect(stdoutBytes(o.attach!.frames).toString('hex')).toBe('fffe0001802dc3');
    },
  );

  test(
    'binary stdin frames reach the process byte-exact',
    claims({ pins: ['ws.stdin.binary'] }),
    async ({ rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'od -An -tx1 -v');
      const session = await attach(rest.target, id, eid);
      session.sendStdin(Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80, 0x0a]));
      session.sendEof();
      const result = await session.done;
      expect(result.exitCode).toBe(0);
      expect(result.stdout.trim().split(/\s+/)).toEqual(['ff', '00', 'c3', '28', '80', '0a']);
    },
  );

  test(
    '~60 KB written before the first attach is delivered whole on it',
    claims({ pins: ['ws.buffer.large-before-attach'] }),
    async ({ rest, stack, boxName }) => {
      // Protocol §4.4: output between POST /exec and the first attach is buffered for it. 60 KB in
      // a few dozen writes stays well inside the smallest backlog we know (serve: 256 KiB / 256 chunks).
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'seq 1 12000');
      await execFinished(rest, id, eid);
      const result = await (await attach(rest.target, id, eid)).done;
      expect(result.exitCode).toBe(0);
      const expected = `${Array.from({ length: 12000 }, (_, i) => i + 1).join('\n')}\n`;
      expect(result.stdout.length).toBe(expected.length);
      expect(result.stdout).toBe(expected);
    },
  );
});

describe('attach: an execution belongs to its box', claims({ needs: 'vm' }), () => {
  test(
    "another box's path answers 404 for the exec's status, signal, kill and attach",
    claims({ pins: ['exec.scoped-to-box'] }),
    async ({ rest, stack, boxName }) => {
      // serve's get_active_for_box: an exec id under a box it was not started in is not_found.
      const [own, other] = await Promise.all([
        newBox(rest, stack.images.busybox, boxName()),
        newBox(rest, stack.images.busybox, boxName()),
      ]);
      const eid = await startExec(rest, own, 'exec sleep 60');
      const foreign = `/boxes/${other}/executions/${eid}`;
      for (const [method, path, body] of [
        ['GET', foreign, undefined],
        ['POST', `${foreign}/signal`, { signal: 15 }],
        ['DELETE', foreign, undefined],
      ] as const) {
        const r = await rest.tenant(method, path, body ? { body } : {});
        expect(r.status, `${method} ${path}: ${r.text}`).toBe(404);
        expect(r.envelope).toMatchObject({ code: 'not_found' });
      }
      const refused = await refusal(attach(rest.target, other, eid));
      expect(refused?.status, 'attach under the other box').toBe(404);
      const probe = await rest.tenant('GET', `/boxes/${own}/executions/${eid}`);
      expect(probe.json, 'the exec in its own box is untouched').toMatchObject({
        status: 'running',
        exit_code: null,
      });
      expect((await rest.tenant('DELETE', `/boxes/${own}/executions/${eid}`)).status).toBe(204);
    },
  );
});

describe('attach: in-band control frames', claims({ needs: 'vm' }), () => {
  test(
    'a {"type":"signal"} text frame signals the process: SIGINT → exit 130',
    claims({ pins: ['ws.control.signal'] }),
    async ({ rest, stack, boxName }) => {
      // Protocol §4.3 client → server: `{"type":"signal","sig":N}` is understood by runner and serve.
      const id = await newBox(rest, stack.images.busybox, boxName());
      const eid = await startExec(rest, id, 'echo ready; exec sleep 300');
      const session = await attach(rest.target, id, eid);
      await waitFor('"ready" on the socket', () =>
        stdoutBytes(session.frames).toString('utf8').includes('ready\n'),
      );
      session.ws.send(JSON.stringify({ type: 'signal', sig: 2 }));
      const result = await session.done;
      expect(result.stdout).toBe('ready\n');
      expect(result.exitCode).toBe(128 + 2);
    },
  );
});
