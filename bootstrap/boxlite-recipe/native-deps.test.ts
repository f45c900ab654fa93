import { describe, expect, it } from 'vitest';
import { chooseNativeDeps, nativeDepsEnv, submodulePaths } from './native-deps.ts';

const GITMODULES = `[submodule "src/deps/libkrun-sys/vendor/libkrun"]
\tpath = src/deps/libkrun-sys/vendor/libkrun
\turl = https://github.com/boxlite-ai/libkrun.git
[submodule "src/deps/e2fsprogs-sys/vendor/e2fsprogs"]
\tpath = src/deps/e2fsprogs-sys/vendor/e2fsprogs
\turl = https://github.com/tytso/e2fsprogs.git
`;

describe('native deps choice', () => {
  it('reads the submodule paths', () => {
    expect(submodulePaths(GITMODULES)).toEqual([
      'src/deps/libkrun-sys/vendor/libkrun',
      'src/deps/e2fsprogs-sys/vendor/e2fsprogs',
    ]);
  });

  it('is stub when a submodule is absent, and says which', () => {
    const c = chooseNativeDeps(GITMODULES, (p) => p.includes('libkrun'));
    expect(c).toMatchObject({ mode: 'stub', missing: ['src/deps/e2fsprogs-sys/vendor/e2fsprogs'] });
    expect(nativeDepsEnv(c.mode)).toEqual({ BOXLITE_DEPS_STUB: '1' });
  });

  it('is source when every submodule is there', () => {
    const c = chooseNativeDeps(GITMODULES, () => true);
    expect(c.mode).toBe('source');
    expect(nativeDepsEnv(c.mode)).toEqual({});
  });

  it('honours an explicit choice, refusing source without the submodules', () => {
    expect(chooseNativeDeps(GITMODULES, () => true, 'stub').mode).toBe('stub');
    expect(() => chooseNativeDeps(GITMODULES, () => false, 'source')).toThrow(/git submodule update --init/);
  });
});
