/**
 * Which binary an exec runs when the exec brings its own PATH over the box's. In the guest an
 * exec's environment is the container's with the exec's variables laid over it key by key
 * (boxlite src/guest/src/container/lifecycle.rs `cmd()`, src/guest/src/service/exec/executor.rs
 * `.envs(req.env)`), and the runtime resolves `args[0]` with that PATH when it spawns. So the
 * exec's PATH decides both which binary runs and whether the spawn succeeds; a command on no
 * PATH is a spawn failure, 422 `execution_failed` (protocol §4.1, §6.2), not a 201 followed by
 * exit 127 on the stream. The exec's PATH never changes the box's.
 *
 * Both clients: raw REST (status, envelope) and the npm SDK (what a user reads).
 */
import { runSdkExec } from '../drivers/node-sdk/driver.ts';
import type { ExecRequest } from '../drivers/protocol.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

const BOX_PATH = '/opt/boxbin:/usr/sbin:/usr/bin:/sbin:/bin';
const EXEC_PATH = '/opt/execbin:/bin';
/** `tool` on both PATHs (each says which), `onlyexec` on the exec's only. */
const SETUP = [
  'mkdir -p /opt/boxbin /opt/execbin',
  "printf '#!/bin/sh\\necho box-tool\\n' > /opt/boxbin/tool",
  "printf '#!/bin/sh\\necho exec-tool\\n' > /opt/execbin/tool",
  "printf '#!/bin/sh\\necho only-exec\\n' > /opt/execbin/onlyexec",
  'chmod +x /opt/boxbin/tool /opt/execbin/tool /opt/execbin/onlyexec',
].join(' && ');

interface Row {
  what: string;
  req: ExecRequest;
  /** The output of a run, or null when the spawn must be refused. */
  stdout: string | null;
}

const ROWS: Row[] = [
  { what: 'the box PATH finds tool', req: { command: 'tool' }, stdout: 'box-tool\n' },
  {
    what: "the exec's PATH picks its own tool",
    req: { command: 'tool', env: { PATH: EXEC_PATH } },
    stdout: 'exec-tool\n',
  },
  {
    what: "a binary only on the exec's PATH runs",
    req: { command: 'onlyexec', env: { PATH: EXEC_PATH } },
    stdout: 'only-exec\n',
  },
  {
    what: 'tool on no PATH is refused',
    req: { command: 'tool', env: { PATH: '/nonexistent' } },
    stdout: null,
  },
  { what: "a binary not on the box's PATH is refused", req: { command: 'onlyexec' }, stdout: null },
  {
    what: 'a relative command with a slash is found from the working dir, not the PATH',
    req: { command: './tool', workingDir: '/opt/execbin' },
    stdout: 'exec-tool\n',
  },
  { what: "the box PATH is untouched by the exec's", req: { command: 'tool' }, stdout: 'box-tool\n' },
];

describe('exec PATH: which binary runs, and the spawn check', claims({ needs: 'vm' }), () => {
  test(
    'a per-exec PATH over a box PATH decides the binary and the spawn check, via REST and the SDK',
    claims({ pins: ['exec.start.path-per-exec'] }),
    async ({ rest, rt, stack, boxName }) => {
      const created = await rest.createBox({
        image: stack.images.busybox,
        name: boxName(),
        env: { PATH: BOX_PATH },
      });
      expect(created.status, created.text).toBe(201);
      const id = created.json!.box_id;
      const setup = await rest.exec(id, { command: '/bin/sh', args: ['-c', SETUP] });
      expect(setup.exitCode, setup.stderr).toBe(0);
      const box = await rt.get(id);
      if (!box) throw new Error(`rt.get(${id}) found no box`);
      for (const row of ROWS) {
        const raw = await rest.exec(id, row.req);
        const sdk = await runSdkExec(box, row.req);
        if (row.stdout === null) {
          expect(raw.http, `${row.what} (REST): ${raw.error}`).toBe(422);
          expect(raw.error, `${row.what}: names the command`).toMatch(
            new RegExp(`^HTTP 422 execution_failed: .*${row.req.command}`),
          );
          expect(sdk.error, `${row.what} (SDK)`).toMatch(/^Execution error: /);
        } else {
          expect({ stdout: raw.stdout, exitCode: raw.exitCode }, `${row.what} (REST)`).toEqual({
            stdout: row.stdout,
            exitCode: 0,
          });
          expect({ stdout: sdk.stdout, exitCode: sdk.exitCode }, `${row.what} (SDK)`).toEqual({
            stdout: row.stdout,
            exitCode: 0,
          });
        }
      }
    },
  );
});
