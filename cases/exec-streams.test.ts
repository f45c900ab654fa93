/**
 * Exec output integrity (upstream §1.2: test_exec_comprehensive, test_exec_unit_shape, the Node
 * comprehensive driver's stream cases).
 *
 * Upstream weaknesses fixed here: large outputs must arrive complete and in order (upstream
 * tolerated 12.5 % loss), signal deaths have one exact code (the runner reports 128+N like a
 * shell; see sim/runner/exec-session.ts), and kill/signal give exact codes.
 */
import {
  drain,
  runSdkExec,
  runSdkSh,
  type SdkBox,
  type SdkExecution,
  startAfterReady,
} from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

const SIGKILL_EXIT = 128 + 9;
const SIGTERM_EXIT = 128 + 15;

const sh = (box: SdkBox, script: string, env?: Record<string, string>) =>
  runSdkSh(box, script, env ? { env } : {});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Starts `script` after an `echo ready` and returns once "ready" has been read from stdout. */
async function startReady(
  box: SdkBox,
  script: string,
): Promise<{ ex: SdkExecution; rest: () => Promise<string> }> {
  const { ex, stdout, seen } = await startAfterReady(box, script);
  return { ex, rest: async () => seen.slice(seen.indexOf('ready\n') + 6) + (await drain(stdout)) };
}

const EXIT_CASES = [
  [0, 'exit 0'],
  [1, 'exit 1'],
  [2, 'exit 2'],
  [42, 'exit 42'],
  // The shell's own codes: a non-executable file, then a command not on PATH.
  [126, 'echo x > /tmp/noexec && chmod 644 /tmp/noexec && /tmp/noexec'],
  [127, 'no-such-command-e2e'],
] as const;

describe.concurrent('exec streams', claims({ needs: 'vm' }), () => {
  // Trivial execs: the smallest image boots fastest.
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'stdout and stderr stay separate; exit code comes back as an integer',
    claims({
      pins: ['ws.frame.stdout', 'ws.frame.stderr', 'exec.exit.code'],
      ports: [
        'test_stderr_not_mixed_into_stdout',
        'test_exec_result_shape_via_rest',
        'test_stderr_only_command',
      ],
    }),
    async ({ box }) => {
      const [mixed, errOnly] = await Promise.all([
        sh(box, 'echo OUT-MARK; echo ERR-MARK >&2; echo OUT-2; echo ERR-2 >&2; exit 3'),
        sh(box, 'echo only-err >&2'),
      ]);
      expect(mixed).toMatchObject({
        stdout: 'OUT-MARK\nOUT-2\n',
        stderr: 'ERR-MARK\nERR-2\n',
        exitCode: 3,
        error: null,
      });
      expect(errOnly).toMatchObject({ stdout: '', stderr: 'only-err\n', exitCode: 0 });
    },
  );

  test.for(EXIT_CASES)(
    'exit code %i is propagated exactly',
    claims({ pins: ['exec.exit.code'], ports: ['test_exit_code_propagated[0,1,2,42,126,127]'] }),
    async ([code, script], { box }) => {
      const r = await sh(box, script);
      expect(r.exitCode).toBe(code);
      expect(r.error).toBeNull();
    },
  );

  test(
    'a signal death reports 128+N',
    claims({ pins: ['exec.exit.signal'], ports: ['test_signal_exit_code'] }),
    async ({ box }) => {
      const [kill9, term] = await Promise.all([sh(box, 'kill -9 $$'), sh(box, 'kill -TERM $$')]);
      expect(kill9.exitCode).toBe(SIGKILL_EXIT);
      expect(term.exitCode).toBe(SIGTERM_EXIT);
    },
  );

  test(
    'large stdout arrives complete and in order',
    claims({ pins: ['ws.frame.order'], ports: ['test_large_stdout_not_truncated'] }),
    async ({ box }) => {
      const [small, big] = await Promise.all([sh(box, 'seq 1 4000'), sh(box, 'seq 1 100000')]);
      expect(small).toMatchObject({ exitCode: 0, stderr: '' });
      expect(small.stdout).toBe(`${range(1, 4000).join('\n')}\n`);
      expect(big.exitCode).toBe(0);
      expect(big.stdout.length).toBe(`${range(1, 100000).join('\n')}\n`.length);
      expect(big.stdout).toBe(`${range(1, 100000).join('\n')}\n`);
    },
  );

  test(
    'large stderr arrives complete and in order',
    claims({ pins: ['ws.frame.order', 'ws.frame.stderr'], ports: ['test_large_stderr_not_truncated'] }),
    async ({ box }) => {
      const r = await sh(box, 'seq 1 4000 >&2');
      expect(r).toMatchObject({ stdout: '', exitCode: 0 });
      expect(r.stderr).toBe(`${range(1, 4000).join('\n')}\n`);
    },
  );

  test(
    'unicode, tabs and blank lines come back byte-exact',
    claims({ pins: ['ws.frame.bytes-exact'], ports: ['test_multiline_output_preserved'] }),
    async ({ box }) => {
      const text = 'héllo-☃ 世界\n\tüñîçødé\n\nend';
      const [viaArg, viaScript] = await Promise.all([
        runSdkExec(box, { command: 'printf', args: ['%s', text] }),
        sh(box, "printf 'h\\303\\251llo-\\342\\230\\203 \\344\\270\\226\\347\\225\\214\\n'"),
      ]);
      expect(viaArg).toMatchObject({ stdout: text, exitCode: 0 });
      expect(viaScript.stdout).toBe('héllo-☃ 世界\n');
    },
  );

  test(
    'output streams while the command is still running',
    claims({ pins: ['ws.frame.live'], ports: ['test_streamed_output_arrives_incrementally'] }),
    async ({ box }) => {
      // Each TICK is printed, then the command blocks until we answer: TICK-i can only be
      // read here if it was streamed while the process was alive (no timing involved).
      const ex = await box.exec('sh', [
        '-c',
        'for i in 1 2 3 4 5; do echo "TICK-$i"; read go; done; echo DONE',
      ]);
      const [stdout, stdin] = await Promise.all([ex.stdout(), ex.stdin()]);
      let seen = '';
      for (let i = 1; i <= 5; i++) {
        while (!seen.includes(`TICK-${i}\n`)) {
          const chunk = await stdout.next();
          if (chunk === null) throw new Error(`stdout ended before TICK-${i} (got ${JSON.stringify(seen)})`);
          seen += chunk;
        }
        await stdin.writeString('go\n');
      }
      await stdin.close();
      const [tail, res] = await Promise.all([drain(stdout), ex.wait()]);
      expect(res.exitCode).toBe(0);
      expect(seen + tail).toBe('TICK-1\nTICK-2\nTICK-3\nTICK-4\nTICK-5\nDONE\n');
    },
  );

  test(
    'a silent command has empty streams',
    claims({ ports: ['test_empty_command_output'] }),
    async ({ box }) => {
      const r = await runSdkExec(box, { command: 'true' });
      expect(r).toMatchObject({ stdout: '', stderr: '', exitCode: 0, error: null });
    },
  );

  test(
    'many exec env vars arrive exactly and do not leak into the next exec',
    claims({
      pins: ['exec.start.env'],
      ports: ['test_many_env_vars', 'test_env_does_not_leak_across_execs'],
    }),
    async ({ box }) => {
      const env = Object.fromEntries(
        range(0, 49).map((i) => [`E2E_VAR_${i}`, `value-${i}-${'x'.repeat(i)}`]),
      );
      const script = 'for i in $(seq 0 49); do eval "echo \\"\\$E2E_VAR_$i\\""; done';
      const r = await sh(box, script, env);
      expect(r.stdout).toBe(`${Object.values(env).join('\n')}\n`);
      // printenv exits 1 for an unset variable.
      const next = await runSdkExec(box, { command: 'printenv', args: ['E2E_VAR_0'] });
      expect(next).toMatchObject({ stdout: '', exitCode: 1 });
    },
  );

  test(
    'concurrent execs on one box do not cross-talk',
    claims({
      pins: ['exec.concurrent.no-crosstalk'],
      ports: ['test_concurrent_exec_output_isolation', 'test_concurrent_exec_env_isolation'],
    }),
    async ({ box }) => {
      const markers = ['alpha', 'bravo', 'charlie', 'delta'];
      const results = await Promise.all(
        markers.map((m) =>
          sh(box, 'for i in $(seq 1 100); do echo "$MARKER-$i"; echo "$MARKER-err-$i" >&2; done', {
            MARKER: m,
          }),
        ),
      );
      results.forEach((r, i) => {
        const m = markers[i];
        expect(r.exitCode).toBe(0);
        expect(r.stdout).toBe(
          `${range(1, 100)
            .map((n) => `${m}-${n}`)
            .join('\n')}\n`,
        );
        expect(r.stderr).toBe(
          `${range(1, 100)
            .map((n) => `${m}-err-${n}`)
            .join('\n')}\n`,
        );
      });
    },
  );

  test(
    'stdin written then closed reaches cat',
    claims({ pins: ['ws.stdin.binary', 'ws.stdin.eof'] }),
    async ({ box }) => {
      const ex = await box.exec('cat');
      const stdin = await ex.stdin();
      await stdin.writeString('hello stdin\n');
      await stdin.write(Buffer.from('héllo-☃\n'));
      await stdin.writeString(`${'z'.repeat(64 * 1024)}\n`);
      await stdin.close();
      const [out, err, res] = await Promise.all([
        ex.stdout().then(drain),
        ex.stderr().then(drain),
        ex.wait(),
      ]);
      expect(res.exitCode).toBe(0);
      expect(err).toBe('');
      expect(out).toBe(`hello stdin\nhéllo-☃\n${'z'.repeat(64 * 1024)}\n`);
    },
  );

  test(
    'kill() ends a running exec with SIGKILL',
    claims({ pins: ['exec.kill.route', 'exec.kill.ends'] }),
    async ({ box }) => {
      const { ex, rest } = await startReady(box, 'sleep 300; echo not-reached');
      await ex.kill();
      const [out, res] = await Promise.all([rest(), ex.wait()]);
      expect(res.exitCode).toBe(SIGKILL_EXIT);
      expect(out).toBe('');
    },
  );

  test('signal(15) terminates a sleeping exec', claims({ pins: ['exec.signal.route'] }), async ({ box }) => {
    // `exec` so the signal lands on sleep itself, not on a shell waiting for it.
    const { ex, rest } = await startReady(box, 'exec sleep 300');
    await ex.signal(15);
    const [out, res] = await Promise.all([rest(), ex.wait()]);
    expect(res.exitCode).toBe(SIGTERM_EXIT);
    expect(out).toBe('');
  });

  test(
    'signal(N) delivers N itself, not a fixed TERM: SIGINT → 130, SIGUSR1 → 138',
    claims({ pins: ['exec.signal.delivers-n'] }),
    async ({ box }) => {
      // Protocol §4.2 allows 1, 2, 3, 6, 10, 12, 15, 28; the old runner handler ignored the number.
      const [int, usr1] = await Promise.all([
        startReady(box, 'exec sleep 300'),
        startReady(box, 'exec sleep 300'),
      ]);
      await Promise.all([int.ex.signal(2), usr1.ex.signal(10)]);
      const [intRes, usr1Res] = await Promise.all([int.ex.wait(), usr1.ex.wait()]);
      expect(intRes.exitCode).toBe(128 + 2);
      expect(usr1Res.exitCode).toBe(128 + 10);
    },
  );
});

describe.concurrent('real-world exec workflows', claims({ needs: 'vm' }), () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'a script written in the guest runs with its argument',
    claims({ ports: ['test_write_and_run_shell_script'] }),
    async ({ box }) => {
      const script = [
        "cat > /workspace/greet.sh <<'EOF'",
        '#!/bin/sh',
        'echo "Hello, $1!"',
        'EOF',
        'chmod +x /workspace/greet.sh && /workspace/greet.sh BoxliteUser',
      ].join('\n');
      expect(await sh(box, script)).toMatchObject({
        stdout: 'Hello, BoxliteUser!\n',
        stderr: '',
        exitCode: 0,
      });
    },
  );

  test(
    'a CSV pipeline computes the expected aggregates',
    claims({ ports: ['test_data_processing_pipeline'] }),
    async ({ box }) => {
      const script = [
        "printf 'name,score\\nAlice,90\\nBob,85\\nCharlie,80\\nDiana,95\\n' > /workspace/data.csv",
        'awk -F, \'NR > 1 { s += $2; n++ } END { printf "avg=%.1f n=%d\\n", s / n, n }\' /workspace/data.csv',
        'tail -n +2 /workspace/data.csv | sort -t, -k2 -nr | head -n 1 | cut -d, -f1',
      ].join(' && ');
      expect(await sh(box, script)).toMatchObject({ stdout: 'avg=87.5 n=4\nDiana\n', exitCode: 0 });
    },
  );

  test(
    'a background process outlives its exec until killed',
    claims({ pins: ['exec.background-outlives'], ports: ['test_background_process_and_kill'] }),
    async ({ box }) => {
      const started = await sh(box, 'sleep 300 > /dev/null 2>&1 & echo $!');
      const pid = started.stdout.trim();
      expect(pid).toMatch(/^\d+$/);
      expect((await sh(box, `kill -0 ${pid}`)).exitCode).toBe(0);
      expect((await sh(box, `kill ${pid}`)).exitCode).toBe(0);
      // Gone = no such process, or a zombie waiting for its new parent to reap it.
      const gone = `[ ! -e /proc/${pid} ] || grep -q '^[^)]*) Z' /proc/${pid}/stat`;
      const r = await sh(
        box,
        `for i in $(seq 1 100); do if ${gone}; then echo gone; exit 0; fi; sleep 0.1; done; exit 1`,
      );
      expect(r).toMatchObject({ stdout: 'gone\n', exitCode: 0 });
    },
  );

  test(
    'file modes set in the guest are shown and enforced',
    claims({ ports: ['test_file_permissions_workflow'] }),
    async ({ box, rest }) => {
      const r = await sh(
        box,
        'echo secret > /workspace/f && chmod 600 /workspace/f && stat -c %a /workspace/f',
      );
      expect(r).toMatchObject({ stdout: '600\n', exitCode: 0 });
      const denied = await rest.exec(box.id, { command: 'cat', args: ['/workspace/f'], user: 'tester' });
      expect(denied.exitCode).toBe(1);
      expect(denied.stderr).toContain('Permission denied');
      expect((await sh(box, 'chmod 644 /workspace/f && stat -c %a /workspace/f')).stdout).toBe('644\n');
      const allowed = await rest.exec(box.id, { command: 'cat', args: ['/workspace/f'], user: 'tester' });
      expect(allowed).toMatchObject({ stdout: 'secret\n', exitCode: 0 });
    },
  );

  test(
    'disk and memory information is readable',
    claims({ ports: ['test_disk_and_memory_info'] }),
    async ({ box }) => {
      const [df, mem] = await Promise.all([sh(box, 'df -k /'), sh(box, 'grep MemTotal /proc/meminfo')]);
      expect(df.exitCode).toBe(0);
      const [header = '', root = ''] = df.stdout.trim().split('\n');
      expect(header).toMatch(/^Filesystem\s/);
      expect(root).toMatch(/\s\/$/);
      const kb = Number(/^MemTotal:\s+(\d+) kB$/.exec(mem.stdout.trim())?.[1]);
      expect(kb).toBeGreaterThan(0);
    },
  );
});
