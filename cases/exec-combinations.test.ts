/**
 * Exec options crossed with tty / non-tty and with both real clients: the raw
 * REST + WebSocket driver and the npm SDK. exec-options / exec-streams / exec-timeout check each
 * option once, mostly non-tty through one client; bugs hide in the combinations — a tty that
 * loses the exec env, a signal that only works without a terminal, stdin that a tty swallows,
 * a timeout that a tty session escapes.
 *
 * In tty mode the guest has one terminal: stderr arrives on stdout, lines end in CRLF, and what
 * we type is echoed back before the command reads it. `user` goes through REST only: the npm
 * SDK 0.10.x drops it (ledger sdk-node-drops-user, claimed in exec-options).
 */
import { type ExecClient, runLive, type SignalPath, startLive } from '../drivers/live-exec.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

/** A timeout IS the contract here: not before the deadline, and within deadline + TERM grace + slack. */
const TIMEOUT_S = 1;
const KILL_BY_MS = 15_000;

const MODES = [
  { client: 'rest' as ExecClient, tty: false },
  { client: 'rest' as ExecClient, tty: true },
  { client: 'sdk' as ExecClient, tty: false },
  { client: 'sdk' as ExecClient, tty: true },
];

/** Signal, the shell-style exit code its death reports (128+N). */
const SIGNALS: Array<[number, number]> = [
  [1, 129],
  [2, 130],
  [15, 143],
];

describe.concurrent.each(MODES)(
  'exec options via $client, tty=$tty',
  claims({ needs: 'vm' }),
  ({ client, tty }) => {
    test.override('image', ({ stack }) => stack.images.busybox);
    const nl = tty ? '\r\n' : '\n';

    test(
      'exec env: plain, spaced and empty values reach the command verbatim',
      claims({ pins: ['exec.start.env'] }),
      async ({ rest, box }) => {
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'printenv',
            args: ['PLAIN', 'SPACED', 'EMPTY'],
            env: { PLAIN: 'v1', SPACED: '  a  b  ', EMPTY: '' },
            tty,
          },
        );
        expect(r).toMatchObject({ stdout: `v1${nl}  a  b  ${nl}${nl}`, stderr: '', exitCode: 0 });
      },
    );

    test(
      'working dir: the command runs there, and relative paths resolve from it',
      claims({ pins: ['exec.start.working-dir'] }),
      async ({ rest, box }) => {
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'sh',
            args: ['-c', 'pwd; echo here > ./rel-file; cat /tmp/rel-file'],
            workingDir: '/tmp',
            tty,
          },
        );
        expect(r).toMatchObject({ stdout: `/tmp${nl}here${nl}`, exitCode: 0 });
      },
    );

    test(
      'stdin: a line written by the client is read by the command',
      claims({ pins: ['ws.stdin.binary'] }),
      async ({ rest, box }) => {
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'sh',
            args: ['-c', 'read line; echo "got:$line"'],
            stdin: 'héllo wörld\n',
            tty,
          },
        );
        // The terminal echoes the typed line before the command answers it.
        const echoed = tty ? `héllo wörld${nl}` : '';
        expect(r).toMatchObject({ stdout: `${echoed}got:héllo wörld${nl}`, stderr: '', exitCode: 0 });
      },
    );

    test(
      'closing stdin ends a reader that waits for end-of-input',
      claims({ pins: ['ws.stdin.eof', 'ws.stdin.eof-tty'] }),
      async ({ rest, box }) => {
        // The client closes stdin (REST: the stdin_eof frame; SDK: stdin.close()). Without a tty
        // that is a closed pipe; with one, the reader must see the terminal's end-of-input — and
        // in both modes the output that follows must still arrive.
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'sh',
            args: ['-c', 'n=0; while read l; do n=$((n+1)); done; echo "lines=$n"'],
            stdin: 'a\nb\n',
            tty,
          },
        );
        expect(r.exitCode).toBe(0);
        expect(r.stdout, 'what came back').toBe(tty ? `a${nl}b${nl}lines=2${nl}` : 'lines=2\n');
      },
    );

    test(
      `timeout_seconds=${TIMEOUT_S} ends a long command with SIGTERM, status timed_out`,
      claims({ pins: ['exec.timeout.term', 'exec.status.timed-out'] }),
      async ({ rest, box }) => {
        const t0 = performance.now();
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'sleep',
            args: ['300'],
            timeoutSecs: TIMEOUT_S,
            tty,
          },
        );
        const elapsed = performance.now() - t0;
        expect(r.exitCode).toBe(143);
        expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
        expect(elapsed).toBeLessThan(KILL_BY_MS);
        const probe = await rest.tenant('GET', `/boxes/${box.id}/executions/${r.execId}`);
        expect(probe.json).toMatchObject({ status: 'timed_out', exit_code: 143 });
      },
    );

    const paths: SignalPath[] = client === 'rest' ? ['http', 'ws'] : ['http'];
    test.for(paths.flatMap((path) => SIGNALS.map(([sig, code]) => ({ path, sig, code }))))(
      'signal $sig over $path ends a sleeping command with exit $code',
      claims({ pins: ['exec.signal.delivers-n'] }),
      async ({ path, sig, code }, { rest, box }) => {
        const live = await startLive(
          client,
          { rest, box },
          {
            command: 'sh',
            args: ['-c', 'echo ready; exec sleep 300'],
            tty,
          },
        );
        await live.readUntil(`ready${nl}`);
        await live.signal(sig, path);
        const r = await live.finish();
        expect(r).toMatchObject({ stdout: `ready${nl}`, exitCode: code });
        const probe = await rest.tenant('GET', `/boxes/${box.id}/executions/${live.execId}`);
        expect(probe.json).toMatchObject({ status: 'completed', exit_code: code });
      },
    );

    test(
      'every option at once: env, working dir, stdin, generous timeout (and user over REST)',
      claims({ pins: ['exec.start.env', 'exec.start.working-dir', 'exec.start.user'] }),
      async ({ rest, box }) => {
        const viaRest = client === 'rest';
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'sh',
            args: ['-c', 'read l; echo "$l|$V|$(pwd)|$(id -u)"; echo to-err >&2; exit 4'],
            env: { V: 'v w' },
            workingDir: '/tmp',
            timeoutSecs: 30,
            stdin: 'line\n',
            ...(viaRest ? { user: 'tester' } : {}),
            tty,
          },
        );
        const uid = viaRest ? '1000' : '0';
        const out = `line|v w|/tmp|${uid}${nl}`;
        if (tty) expect(r).toMatchObject({ stdout: `line${nl}${out}to-err${nl}`, stderr: '', exitCode: 4 });
        else expect(r).toMatchObject({ stdout: out, stderr: 'to-err\n', exitCode: 4 });
      },
    );
  },
);

describe.concurrent.each([false, true])('exec user via REST, tty=%s', claims({ needs: 'vm' }), (tty) => {
  test.override('image', ({ stack }) => stack.images.busybox);
  const nl = tty ? '\r\n' : '\n';

  test(
    'name, uid and uid:gid select the identity; HOME follows a named user',
    claims({ pins: ['exec.start.user'] }),
    async ({ rest, box }) => {
      const cases: Array<[string, string]> = [
        ['tester', `1000:1000${nl}`],
        ['65534:65534', `65534:65534${nl}`],
        ['1000:65534', `1000:65534${nl}`],
      ];
      const results = await Promise.all(
        cases.map(([user]) =>
          runLive(
            'rest',
            { rest, box },
            { command: 'sh', args: ['-c', 'echo "$(id -u):$(id -g)"'], user, tty },
          ),
        ),
      );
      expect(results.map((r) => [r.stdout, r.exitCode])).toEqual(cases.map(([, out]) => [out, 0]));
    },
  );

  test(
    'a file the user cannot read is refused in the guest, not by the server',
    claims({ pins: ['exec.start.user-permissions'] }),
    async ({ rest, box }) => {
      const setup = await runLive(
        'rest',
        { rest, box },
        {
          command: 'sh',
          args: ['-c', 'echo secret > /tmp/root-only && chmod 600 /tmp/root-only'],
        },
      );
      expect(setup.exitCode).toBe(0);
      const r = await runLive(
        'rest',
        { rest, box },
        { command: 'cat', args: ['/tmp/root-only'], user: 'tester', tty },
      );
      expect(r.exitCode).toBe(1);
      expect(tty ? r.stdout : r.stderr).toContain('Permission denied');
    },
  );
});
