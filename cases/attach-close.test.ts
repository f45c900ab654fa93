/**
 * How an exec's WebSocket ends, however the exec ended (protocol §4.3 and §7 item 7):
 * exactly one `exit` frame carrying the exit code, then the server's close. The cloud runner
 * sends `exit` and closes 1000 once Done fired and its output pumps drained — also for an exec
 * that was killed (Kill closes the output buses, Done fires) or that timed out
 * (apps/runner/pkg/api/controllers/boxlite_exec_attach.go, the cleanExit branch); the API's
 * proxy passes close frames through. `boxlite serve` 0.11 writes `exit`, then `Close(None)`
 * (read as 1005); target-facts `closeAfterExit` holds each target to its own.
 *
 * Raw frames, not the SDK: the SDK stops reading at `exit` and drops TCP, so it cannot see
 * the close. A client that sees 1001/1006/1011 after an exit takes it as a broken stream.
 */
import type { AttachResult, AttachSession } from '../drivers/rest/attach.ts';
import { attach, type UpgradeRejection } from '../drivers/rest/attach.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import { tenantUrl } from '../drivers/rest/http.ts';
import { claims, closeAfterExit, describe, expect, type StackHandle, test } from '../fixtures/index.ts';
import { execFinished, newBox, startExec } from './attach-steps.ts';

interface Ending {
  ending: string;
  exitCode: number;
  stdout: string;
  /** Starts the exec in `boxId`, attaches, and makes it end this way. */
  run(rest: RestDriver, boxId: string): Promise<AttachSession>;
}

const ENDINGS: Ending[] = [
  {
    ending: 'completed while attached',
    exitCode: 0,
    stdout: 'done\n',
    async run(rest, id) {
      const session = await attach(rest.target, id, await startExec(rest, id, 'read go; echo done'));
      session.sendStdin('go\n');
      return session;
    },
  },
  {
    ending: 'killed while attached',
    exitCode: 128 + 9,
    stdout: '',
    async run(rest, id) {
      const eid = await startExec(rest, id, 'exec sleep 60');
      const session = await attach(rest.target, id, eid);
      const killed = await rest.tenant('DELETE', `/boxes/${id}/executions/${eid}`);
      expect(killed.status, killed.text).toBe(204);
      return session;
    },
  },
  {
    ending: 'timed out while attached',
    exitCode: 128 + 15,
    stdout: '',
    async run(rest, id) {
      const res = await rest.startExec(id, { command: 'sleep', args: ['60'], timeoutSecs: 1 });
      expect(res.status, res.text).toBe(201);
      return attach(rest.target, id, res.json!.execution_id);
    },
  },
  {
    ending: 'finished before the first attach',
    exitCode: 3,
    stdout: 'a\n',
    async run(rest, id) {
      const eid = await startExec(rest, id, 'echo a; exit 3');
      await execFinished(rest, id, eid);
      return attach(rest.target, id, eid);
    },
  },
];

/** One exit frame, last of the non-ping frames, with `exitCode`; then the target's close. */
function expectExitThenClose(result: AttachResult, exitCode: number, stack: Pick<StackHandle, 'kind'>) {
  const kinds = result.frames.filter((f) => f.kind !== 'ping').map((f) => f.kind);
  expect(
    kinds.filter((k) => k === 'exit'),
    `frames ${kinds.join(',')}`,
  ).toHaveLength(1);
  expect(kinds.at(-1), `frames ${kinds.join(',')}`).toBe('exit');
  expect(result.exitCode).toBe(exitCode);
  expect(result.closeCode, 'the close that follows the exit frame').toBe(closeAfterExit(stack));
}

describe('attach: how the socket closes after exit', claims({ needs: 'vm' }), () => {
  test.for(ENDINGS)(
    '$ending: exit $exitCode, then the normal close',
    claims({
      pins: [
        'ws.close.after-exit.completed',
        'ws.close.after-exit.killed',
        'ws.close.after-exit.timed-out',
        'ws.close.after-exit.late',
      ],
    }),
    async (e, { rest, stack, boxName }) => {
      const id = await newBox(rest, stack.images.busybox, boxName());
      const result = await (await e.run(rest, id)).done;
      expect(result.stdout).toBe(e.stdout);
      expectExitThenClose(result, e.exitCode, stack);
    },
  );

  test("the box's main session (box-level attach) ends the same way when its command exits", async ({
    rest,
    stack,
    boxName,
  }) => {
    const res = await rest.createBox({
      image: stack.images.busybox,
      name: boxName(),
      cmd: ['sh', '-c', 'read x; echo "main $x"; exit 4'],
    });
    expect(res.status, res.text).toBe(201);
    const id = res.json!.box_id;
    const url = tenantUrl(rest.target, `/boxes/${id}/attach`).replace(/^http/, 'ws');
    const opened = await attach(rest.target, id, '', { url }).catch((e: UpgradeRejection) => e);
    if (!('ws' in opened)) {
      // The cloud API proxies only `/executions/{id}/attach` upgrades
      // (apps/api/src/boxlite-rest/boxlite-ws-proxy.service.ts ATTACH_PATH): refused before 101.
      const cloud = stack.kind !== 'serve' && !stack.simulated;
      expect(cloud, `box-level attach refused: HTTP ${opened.status} ${opened.body}`).toBe(true);
      expect(opened.status).toBeGreaterThanOrEqual(400);
      return;
    }
    const started = await rest.tenant('POST', `/boxes/${id}/start`);
    expect(started.status, started.text).toBe(200);
    opened.sendStdin('x\n');
    const result = await opened.done;
    expect(result.stdout).toBe('main x\n');
    expectExitThenClose(result, 4, stack);
  });
});
