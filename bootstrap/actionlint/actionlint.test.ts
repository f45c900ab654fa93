import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SetupError } from '../../kernel/errors.ts';
import {
  ACTIONLINT_MODULE,
  actionlintPaths,
  ensureActionlint,
  findActionlint,
  runActionlint,
} from './index.ts';

/**
 * A stand-in `go`: `install MODULE@V` writes $GOBIN/actionlint, a script printing the version
 * in $FAKE_PRINTS (default V) and counting its builds in $GOBIN/../builds.
 */
const FAKE_GO = `#!/bin/sh
[ "$1" = install ] || { echo "unexpected: $*" >&2; exit 9; }
[ -n "$GOBIN" ] || { echo 'GOBIN not set' >&2; exit 9; }
case "$2" in ${ACTIONLINT_MODULE}@*) ;; *) echo "wrong module $2" >&2; exit 9;; esac
v=\${2##*@}
[ "$FAKE_FAIL" = 1 ] && { echo "go: downloading failed: 410 Gone" >&2; exit 1; }
printf '#!/bin/sh\\necho %s\\necho installed by building from source\\n' "\${FAKE_PRINTS:-$v}" > "$GOBIN/actionlint"
chmod +x "$GOBIN/actionlint"
echo built >> "$GOBIN/../builds"
`;

let dir = '';
let go = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'actionlint-'));
  go = join(dir, 'go');
  await writeFile(go, FAKE_GO);
  await chmod(go, 0o755);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec = () => ({ cacheRoot: join(dir, 'cache'), version: 'v1.7.12' });

describe('ensureActionlint', () => {
  it('builds once into the versioned cache dir, then finds it without building', async () => {
    expect(await findActionlint(spec())).toBeNull();
    const first = await ensureActionlint(spec(), { searchPath: '', go });
    const paths = actionlintPaths(spec());
    expect(first).toEqual({ path: paths.binary, version: 'v1.7.12', built: true });
    expect(paths.binary).toBe(join(dir, 'cache', 'tools', 'actionlint-v1.7.12', 'bin', 'actionlint'));
    const second = await ensureActionlint(spec(), { searchPath: '', go });
    expect(second.built).toBe(false);
    expect(await readFile(join(paths.dir, 'builds'), 'utf8')).toBe('built\n');
    expect(await findActionlint(spec())).toEqual(second);
    // A replaced binary is not the recorded one.
    await writeFile(paths.binary, '#!/bin/sh\necho v1.7.12 # changed\n');
    expect(await findActionlint(spec())).toBeNull();
  });

  it('without Go on a cold cache: one line saying what to do', async () => {
    const err = await ensureActionlint(spec(), { searchPath: '', go: null }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(SetupError);
    expect((err as Error).message).toBe(
      `go not found on PATH: it is needed once to build actionlint v1.7.12 into ${actionlintPaths(spec()).dir} (install Go)`,
    );
  });

  it('finds go on the search path', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'go'), FAKE_GO, { mode: 0o755 });
    expect((await ensureActionlint(spec(), { searchPath: bin })).built).toBe(true);
  });

  it('a failed go install is one line naming the log, and leaves nothing at the cached path', async () => {
    const failing = join(dir, 'go-fails');
    await writeFile(failing, `#!/bin/sh\nFAKE_FAIL=1 exec ${go} "$@"\n`, { mode: 0o755 });
    const err = await ensureActionlint(spec(), { searchPath: '', go: failing }).catch((e: Error) => e);
    const paths = actionlintPaths(spec());
    expect((err as Error).message).toMatch(
      new RegExp(
        `^go install ${ACTIONLINT_MODULE}@v1\\.7\\.12 failed \\(exit 1\\) after \\d+s; see ${paths.log}$`,
      ),
    );
    expect(await readFile(paths.log, 'utf8')).toContain('410 Gone');
    expect(await stat(paths.binary).catch(() => null)).toBeNull();
  });

  it('refuses a build that reports another version', async () => {
    const wrong = join(dir, 'go-wrong');
    await writeFile(wrong, `#!/bin/sh\nFAKE_PRINTS=v1.6.0 exec ${go} "$@"\n`, { mode: 0o755 });
    await expect(ensureActionlint(spec(), { searchPath: '', go: wrong })).rejects.toThrow(
      'go installed actionlint v1.6.0, expected v1.7.12',
    );
    expect(await findActionlint(spec())).toBeNull();
  });
});

describe('runActionlint', () => {
  it("passes actionlint's exit code and report through, with -no-color and the files", async () => {
    const fake = join(dir, 'actionlint');
    await writeFile(fake, '#!/bin/sh\necho "args: $*"\n[ "$2" = bad.yml ] && exit 1\nexit 0\n', {
      mode: 0o755,
    });
    const clean = await runActionlint(fake, { cwd: dir, searchPath: '' });
    expect(clean).toEqual({ exitCode: 0, output: 'args: -no-color\n', shellcheck: false });
    const bad = await runActionlint(fake, { cwd: dir, searchPath: '', files: ['bad.yml'] });
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toBe('args: -no-color bad.yml\n');
  });

  it('says whether shellcheck is on the search path', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'shellcheck'), '#!/bin/sh\n', { mode: 0o755 });
    const fake = join(dir, 'actionlint');
    await writeFile(fake, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect((await runActionlint(fake, { cwd: dir, searchPath: bin })).shellcheck).toBe(true);
  });
});
