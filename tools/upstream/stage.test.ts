import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { splitArgs } from './args.ts';
import { UPSTREAM_OPTIONS } from './command.ts';
import { checkoutHasSdk, stageSuite } from './stage.ts';
import { findSuite, NO_CHECKOUT_MESSAGE, suiteLayout } from './suite.ts';
import { credentialsToml, SHIM_UNIT, suiteEnv } from './suite-env.ts';

const work = mkdtempSync(join(tmpdir(), 'upstream-stage-'));
afterAll(() => execFileSync('rm', ['-rf', work]));

function put(path: string, text = '') {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** A checkout of the given layout with the files the suite reads outside its own dir. */
function checkout(name: string, layout: string): string {
  const co = join(work, name);
  put(join(co, layout, 'cases', 'conftest.py'), '# conftest\n');
  put(join(co, layout, 'cases', 'test_a.py'), 'def test_a(): pass\n');
  put(join(co, 'apps', 'box-images', 'VERSION'), '0.1.0\n');
  put(join(co, 'scripts', 'test', 'image.js'), 'export const DEFAULT_BOX_IMAGE = "x";\n');
  put(join(co, 'sdks', 'c', 'include', 'boxlite.h'), '/* header */\n');
  put(join(co, 'sdks', 'go', 'go.mod'), 'module github.com/boxlite-ai/boxlite/sdks/go\n');
  put(join(co, 'sdks', 'node', 'lib', 'index.ts'), '');
  return co;
}

describe('upstream suite staging', () => {
  const sdkDir = join(work, 'sdk');
  put(join(sdkDir, 'lib', 'libboxlite.a'));
  put(join(sdkDir, 'go', 'go.mod'));
  const npm = join(work, 'npm', 'boxlite');
  put(join(npm, 'package.json'), '{"main":"dist/index.js"}');
  put(join(npm, 'dist', 'index.js'));
  put(join(work, 'npm', 'boxlite-linux-x64-gnu', 'boxlite.linux-x64-gnu.node'));
  const node = {
    packageDir: npm,
    bindings: [join(work, 'npm', 'boxlite-linux-x64-gnu', 'boxlite.linux-x64-gnu.node')],
  };
  const sdk = {
    libDir: join(sdkDir, 'lib'),
    includeDir: join(sdkDir, 'inc'),
    goSdkDir: join(sdkDir, 'go'),
    source: 'shim',
  };

  it.each(['apps/e2e', 'scripts/test/e2e'])(
    'layout %s: the suite is copied, the rest of the checkout linked',
    async (layout) => {
      const co = checkout(layout.replaceAll('/', '-'), layout);
      expect(suiteLayout(co)).toBe(layout);
      const suite = await findSuite(co);
      const root = join(work, `stage-${layout.replaceAll('/', '-')}`);
      const dir = await stageSuite(root, suite, sdk, node);
      expect(dir).toBe(join(root, layout));
      // Real files: `Path(__file__).resolve().parents[N]` must land in the staging root.
      expect(lstatSync(join(dir, 'cases', 'test_a.py')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(dir, 'cases', 'test_a.py'), 'utf8')).toBe('def test_a(): pass\n');
      expect(readFileSync(join(root, 'apps', 'box-images', 'VERSION'), 'utf8')).toBe('0.1.0\n');
      expect(realpathSync(join(root, 'scripts', 'test', 'image.js'))).toBe(
        join(co, 'scripts', 'test', 'image.js'),
      );
      expect(readlinkSync(join(root, 'target', 'release', 'libboxlite.a'))).toBe(
        join(sdkDir, 'lib', 'libboxlite.a'),
      );
      expect(readlinkSync(join(root, 'sdks', 'go'))).toBe(sdk.goSdkDir);
      expect(realpathSync(join(root, 'sdks', 'c', 'include', 'boxlite.h'))).toBe(
        join(co, 'sdks', 'c', 'include', 'boxlite.h'),
      );
      expect(readlinkSync(join(root, 'sdks', 'node', 'dist'))).toBe(join(npm, 'dist'));
      expect(
        lstatSync(join(root, 'sdks', 'node', 'native', 'boxlite.linux-x64-gnu.node')).isSymbolicLink(),
      ).toBe(true);
    },
  );

  it('a checkout that built its own libboxlite keeps its C and Go paths', async () => {
    const co = checkout('built', 'apps/e2e');
    put(join(co, 'target', 'release', 'libboxlite.a'));
    put(join(co, 'sdks', 'go', 'libboxlite.a'));
    expect(checkoutHasSdk(co)).toBe(true);
    const root = join(work, 'stage-built');
    await stageSuite(root, await findSuite(co), null, node);
    expect(readlinkSync(join(root, 'target'))).toBe(join(co, 'target'));
    expect(readlinkSync(join(root, 'sdks', 'go'))).toBe(join(co, 'sdks', 'go'));
  });

  it('no checkout names one the harness knows how to get; a tree without a suite says what it looked for', async () => {
    await expect(findSuite(undefined)).rejects.toThrow(UsageError);
    expect(NO_CHECKOUT_MESSAGE).toMatch(/git clone https:\/\/github.com\/boxlite-ai\/boxlite/);
    put(join(work, 'empty', 'README.md'));
    await expect(findSuite(join(work, 'empty'))).rejects.toThrow(/apps\/e2e\/cases\/conftest.py/);
  });
});

describe('upstream suite arguments and environment', () => {
  it('our flags are taken by name; everything else, and all after --, goes to pytest', () => {
    const { ours, pytest } = splitArgs(
      ['--checkout', '/co', 'cases/test_errors.py', '-k', 'token', '--target=serve', '--', '--checkout', 'x'],
      UPSTREAM_OPTIONS,
    );
    expect(ours).toEqual(['--checkout', '/co', '--target=serve']);
    expect(pytest).toEqual(['cases/test_errors.py', '-k', 'token', '--checkout', 'x']);
  });

  const target = {
    apiUrl: 'http://127.0.0.1:1/api',
    apiKey: 'k'.repeat(16),
    pathPrefix: 'default',
    image: 'img:1',
    journals: { runner: { kind: 'file' as const, path: join(work, 'runner.jsonl') }, api: null },
  };

  it('writes the p1 and default profiles fixture_setup.py would write', () => {
    const toml = credentialsToml(target);
    expect(toml).toContain('[profiles.p1]\nurl = "http://127.0.0.1:1/api"');
    expect(toml).toContain('[profiles.default]');
    expect(toml).toContain('auth_method = "api_key"');
  });

  it('a file journal is served to upstream as `journalctl -u <unit> --since <local time>`', async () => {
    writeFileSync(
      target.journals.runner.path,
      [
        JSON.stringify({ ts: '2000-01-01T00:00:00.000Z', op: 'create', box_id: 'oldBox000000' }),
        JSON.stringify({
          ts: new Date(Date.now() + 60_000).toISOString(),
          op: 'create',
          box_id: 'newBox000000',
        }),
        '',
      ].join('\n'),
    );
    const { env, pathCheck } = await suiteEnv({
      target,
      runDir: join(work, 'run'),
      venvBin: '/nonexistent',
      cli: null,
      sdkLibDir: null,
      searchPath: '/usr/bin:/bin',
    });
    expect(pathCheck).toContain(SHIM_UNIT);
    const since = new Date().toLocaleString('sv').slice(0, 19);
    const out = execFileSync('journalctl', ['-u', SHIM_UNIT, '--since', since, '--no-pager'], {
      env: { ...env, PATH: env.PATH as string },
      encoding: 'utf8',
    });
    expect(out).toContain('newBox000000');
    expect(out).not.toContain('oldBox000000');
  });
});
