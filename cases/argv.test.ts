/**
 * argv edge cases: what the guest process receives must be exactly the list
 * the client sent — no shell in between, no splitting on spaces, no quote or `$` processing, no
 * dropped empty strings, no re-encoding of non-ASCII, no limit short of the kernel's.
 *
 * The guest reports its argv NUL-separated (`printf '%s\0' ARGS…` is printf's own argv, no shell
 * involved), so every byte of every argument is compared, including spaces and newlines. Both
 * real clients are crossed: the raw REST driver and the npm SDK. Large outputs stay ASCII for the
 * SDK: it decodes each frame as lossy UTF-8, so a multibyte character split across two frames is
 * corrupted by design (protocol §4.3) — that is not what this file is about.
 */
import { type ExecClient, runLive } from '../drivers/live-exec.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

const SHELL_SYNTAX = [
  '"',
  "'",
  `"'"`,
  '\\',
  '\\"',
  '$HOME',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion the guest must get unexpanded.
  '${PATH}',
  '`id -u`',
  '$(id -u)',
  ';',
  '&& echo injected',
  '| cat',
  '> /tmp/x',
  '*',
  '?',
  '~',
  '#not-a-comment',
  '!',
  '%s %d %% \\n',
];

const ARGV_CASES: Array<{ name: string; args: string[] }> = [
  { name: 'empty strings', args: ['', '', 'x', ''] },
  { name: 'only an empty string', args: [''] },
  {
    name: 'spaces, tabs and newlines',
    args: [' ', 'a b', '  lead', 'trail  ', 'tab\there', 'new\nline', '\r\n'],
  },
  { name: 'quotes and shell syntax', args: SHELL_SYNTAX },
  { name: 'dash-led arguments', args: ['-n', '--', '-e', '--help', '-'] },
  {
    name: 'unicode',
    args: ['héllo', '☃', '世界', '🚀🚀', 'e\u0301', 'مرحبا', 'Ω≈ç√', '\u00a0nbsp', 'zero\u200bwidth'],
  },
  {
    name: '300 arguments',
    args: Array.from(
      { length: 300 },
      (_, i) => `arg-${i}${i % 7 === 0 ? ' with space' : ''}${i % 13 === 0 ? '' : '.'}`,
    ),
  },
  { name: 'one 64 KiB argument', args: ['y'.repeat(64 * 1024)] },
  {
    name: '1000 arguments of 256 bytes',
    args: Array.from({ length: 1000 }, (_, i) => `${i}:`.padEnd(256, 'z')),
  },
];

/** printf prints its format once per argument: `%s\0` gives the arguments NUL-terminated. */
const decode = (stdout: string) => stdout.split('\0').slice(0, -1);

describe.concurrent.each(['rest', 'sdk'] as ExecClient[])(
  'exec argv via %s',
  claims({ needs: 'vm' }),
  (client) => {
    test.override('image', ({ stack }) => stack.images.busybox);

    test.for(ARGV_CASES)(
      '$name reach the process exactly',
      claims({ pins: ['exec.start.argv-exact'] }),
      async ({ args }, { rest, box }) => {
        const r = await runLive(client, { rest, box }, { command: 'printf', args: ['%s\\0', ...args] });
        expect(r.exitCode, r.stderr).toBe(0);
        const got = decode(r.stdout);
        expect(got.length).toBe(args.length);
        expect(got).toEqual(args);
      },
    );

    test(
      'a shell sees the same list in "$@", with $# counting empty strings',
      claims({ pins: ['exec.start.argv-exact'] }),
      async ({ rest, box }) => {
        const args = ['', 'a b', '', '$HOME', '☃'];
        const r = await runLive(
          client,
          { rest, box },
          {
            command: 'sh',
            args: ['-c', 'echo "$#"; printf "%s\\0" "$@"', 'argv0', ...args],
          },
        );
        expect(r.exitCode, r.stderr).toBe(0);
        const [count, rest2] = [
          r.stdout.slice(0, r.stdout.indexOf('\n')),
          r.stdout.slice(r.stdout.indexOf('\n') + 1),
        ];
        expect(count).toBe(String(args.length));
        expect(decode(rest2)).toEqual(args);
      },
    );

    test(
      'the command is one argv[0]: a command with a space is not split into words',
      claims({ pins: ['exec.start.command-one-word'] }),
      async ({ rest, box }) => {
        // "echo split-me" names a binary that does not exist; running `echo` would be a shell's doing.
        const r = await runLive(client, { rest, box }, { command: 'echo split-me' }).then(
          (ok) => `ran: exit ${ok.exitCode}, stdout ${JSON.stringify(ok.stdout)}`,
          (e: Error) => e.message,
        );
        expect(r).toMatch(client === 'rest' ? /^HTTP 422 .*"execution_failed"/ : /^Execution error: /);
        expect(r).toContain('echo split-me');
      },
    );
  },
);

describe('box argv', claims({ needs: 'vm' }), () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'a main command (create cmd) gets its argv exactly, edge cases included',
    claims({ pins: ['box.create.cmd'] }),
    async ({ rt, rest, stack, boxName }) => {
      const args = ['', 'a b', '"q"', "'s'", '$HOME', '`id`', '☃ 世界', 'new\nline', '-n'];
      const box = await rt.create(
        {
          image: stack.images.busybox,
          cmd: ['sh', '-c', 'printf "%s\\0" "$@" > /tmp/argv; exec sleep 300', 'argv0', ...args],
        },
        boxName(),
      );
      await box.start();
      const r = await runLive(
        'rest',
        { rest, box },
        {
          command: 'sh',
          args: ['-c', 'while [ ! -s /tmp/argv ]; do sleep 0.05; done; cat /tmp/argv'],
        },
      );
      expect(r.exitCode, r.stderr).toBe(0);
      expect(decode(r.stdout)).toEqual(args);
    },
  );
});
