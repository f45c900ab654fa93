/**
 * The real `boxlite` CLI 0.11 (REST mode, logged in with `auth login --api-key-stdin`) driving
 * boxes the way a user does from a shell: detached boxes that outlive the CLI process, exec
 * with its exit code as the CLI's own, the foreground `run` whose command is the box's init.
 * Ports upstream's test_cli_* families (upstream §1.10, §1.18), asserted tighter: exact streams and
 * codes rather than "contains" and "≠ 0".
 */
import { type CaseContext, claims, describe, expect, openCli, test, waitFor } from '../fixtures/index.ts';

const BOX_ID_RE = /^[0-9A-Za-z]{12}$/;
const sh = (script: string) => ({ command: 'sh', args: ['-c', script] });

describe('cli: detached boxes and exec', claims({ needs: 'vm' }), () => {
  test(
    'a detached box outlives the CLI that made it and is reusable from a fresh CLI and home',
    claims({
      pins: ['box.create.detach'],
      ports: [
        'test_detached_box_survives_cli_exit_and_is_reusable',
        'test_cli_run_exec_chain',
        'test_cli_run_with_name',
        'test_cli_ls_shows_box',
      ],
    }),
    async ({ cli, run, tracker, stack, boxName }) => {
      const name = boxName();
      const made = await cli.runDetached(stack.images.busybox, { name, cmd: ['sleep', '600'] });
      expect(made.result.exitCode, made.result.stderr).toBe(0);
      expect(made.id).toMatch(BOX_ID_RE);
      expect(made.result.stdout).toBe(`${made.id}\n`);
      // The `run -d` process is gone (execa resolved): everything below is a new process, and
      // the second CLI has never seen this box — it has its own home and its own login.
      const fresh = await openCli(run, tracker.record);
      try {
        const { rows } = await fresh.cli.list();
        expect(rows.find((r) => r.ID === made.id)).toMatchObject({ Names: name, Status: 'Running' });
        const out = await fresh.cli.exec(made.id as string, { command: 'echo', args: ['still-alive'] });
        expect(out).toMatchObject({ stdout: 'still-alive\n', stderr: '', exitCode: 0, error: null });
        const byName = await fresh.cli.exec(name, { command: 'echo', args: ['HELLO-FROM-CLI'] });
        expect(byName).toMatchObject({ stdout: 'HELLO-FROM-CLI\n', exitCode: 0 });
        const rm = await fresh.cli.invoke(['rm', '-f', made.id as string]);
        expect(rm).toMatchObject({ exitCode: 0, stdout: `${made.id}\n` });
        expect((await fresh.cli.list()).rows.map((r) => r.ID)).not.toContain(made.id);
      } finally {
        await fresh.close();
      }
    },
  );

  test(
    "exec's exit code is the CLI's exit code, from a fresh CLI process each time",
    claims({
      pins: ['exec.exit.code'],
      ports: [
        'test_detached_box_exec_propagates_exit_code_on_fresh_cli',
        'test_cli_exec_exit_code_propagates',
        'test_cli_exit_code[0,1,2,42,127]',
      ],
    }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      for (const code of [0, 1, 2, 5, 7, 42, 127]) {
        const out = await cli.exec(id, sh(`exit ${code}`));
        expect(out, `exit ${code}`).toMatchObject({ exitCode: code, error: null, stdout: '', stderr: '' });
      }
    },
  );

  test(
    'a command that does not exist fails the CLI with the execution error, not a made-up code',
    claims({ pins: ['exec.start.binary-missing'], ports: ['test_cli_nonexistent_command'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const out = await cli.exec(id, { command: 'no-such-binary-e2e' });
      expect(out.exitCode).toBeNull();
      expect(out.error).toMatch(/no-such-binary-e2e/);
    },
  );

  test(
    'exec applies env (-e), working directory (-w) and user (-u, by uid and by name)',
    claims({
      pins: ['exec.start.env', 'exec.start.working-dir', 'exec.start.user'],
      ports: ['test_cli_exec_env_var', 'test_cli_exec_workdir'],
    }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const out = await cli.exec(id, {
        ...sh('echo "$MY_CLI_VAR"; pwd; id -u'),
        env: { MY_CLI_VAR: 'cli value with spaces' },
        workingDir: '/tmp',
        user: '1000',
      });
      expect(out).toMatchObject({ stdout: 'cli value with spaces\n/tmp\n1000\n', stderr: '', exitCode: 0 });
      expect(await cli.exec(id, { command: 'id', args: ['-un'], user: 'nobody' })).toMatchObject({
        stdout: 'nobody\n',
        exitCode: 0,
      });
    },
  );

  test(
    'exec -t runs the command on a terminal; -t without one is refused',
    claims({ pins: ['exec.start.tty'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      // Under a pty (script(1)) the command sees a terminal on stdin and stdout; stderr joins stdout.
      const tty = await cli.exec(id, {
        ...sh('[ -t 0 ] && [ -t 1 ] && echo on-a-tty; echo to-stderr >&2'),
        tty: true,
      });
      expect(tty).toMatchObject({ stdout: 'on-a-tty\nto-stderr\n', exitCode: 0, error: null });
      const refused = await cli.invoke(['exec', '-t', id, '--', 'true']);
      expect(refused.exitCode).toBe(1);
      expect(refused.error).toBe('the input device is not a TTY.');
    },
  );

  test(
    'stdout and stderr stay on their own streams',
    claims({ pins: ['ws.frame.stderr'], ports: ['test_cli_stderr_separate'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const out = await cli.exec(id, sh('echo CLI_OUT; echo CLI_ERR >&2'));
      expect(out).toMatchObject({ stdout: 'CLI_OUT\n', stderr: 'CLI_ERR\n', exitCode: 0 });
    },
  );

  test(
    'a large stdout arrives whole and in order',
    claims({ pins: ['ws.frame.order'], ports: ['test_cli_large_stdout'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      const out = await cli.exec(id, { command: 'seq', args: ['1', '4000'] });
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toBe(`${Array.from({ length: 4000 }, (_, i) => i + 1).join('\n')}\n`);
    },
  );

  test(
    'sequential execs each print their own output',
    claims({ ports: ['test_cli_sequential_execs'], detects: ['exec-stdout-drop'] }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      for (let i = 0; i < 5; i++) {
        expect(await cli.exec(id, { command: 'echo', args: [`SEQ_${i}`] })).toMatchObject({
          stdout: `SEQ_${i}\n`,
          exitCode: 0,
        });
      }
    },
  );
});

/** `boxlite run [--rm] --name N IMAGE sh -c SCRIPT` in the foreground. */
async function foreground(
  { cli, stack, boxName }: Pick<CaseContext, 'cli' | 'stack' | 'boxName'>,
  script: string,
  rm = false,
) {
  const name = boxName();
  return {
    name,
    ...(await cli.runForeground(stack.images.busybox, { name, rm, cmd: ['sh', '-c', script] })),
  };
}

describe('cli: foreground run (the command is the box init)', claims({ needs: 'vm' }), () => {
  test(
    'run streams the command, keeps its streams apart, exits with its code; the box stays, stopped',
    claims({
      pins: [
        'main.attach.route',
        'main.attach.before-start',
        'main.attach.exit-code',
        'box-state.main.exits',
      ],
    }),
    async ({ cli, stack, boxName }) => {
      const { name, result, id } = await foreground(
        { cli, stack, boxName },
        'echo out-line; echo err-line >&2; exit 3',
      );
      expect(result).toMatchObject({ stdout: 'out-line\n', stderr: 'err-line\n', exitCode: 3, error: null });
      expect(id).toMatch(BOX_ID_RE);
      // 0.11's Box JSON carries the main command's exit code once the box is at rest.
      await waitFor('the box to come to rest', async () => {
        const [row] = (await cli.inspect(name)).rows;
        return row?.Status === 'stopped';
      });
      const [row] = (await cli.inspect(name)).rows;
      expect(row?.State).toMatchObject({ Status: 'stopped', Running: false, ExitCode: 3 });
    },
  );

  test(
    'run --rm leaves nothing behind once the command has exited',
    claims({ pins: ['lifecycle.auto-delete'] }),
    async ({ cli, rest, stack, boxName }) => {
      const { name, result, id } = await foreground({ cli, stack, boxName }, 'echo bye', true);
      expect(result).toMatchObject({ stdout: 'bye\n', exitCode: 0 });
      expect(id).toMatch(BOX_ID_RE);
      // --rm is auto_delete=1: removed once the box has been at rest for a second.
      await waitFor(
        'the --rm box to be removed',
        async () => (await rest.tenant('GET', `/boxes/${id}`)).status === 404,
        {
          timeoutMs: 15_000,
          intervalMs: 250,
        },
      );
      expect((await cli.list()).rows.map((r) => r.Names)).not.toContain(name);
    },
  );
});
