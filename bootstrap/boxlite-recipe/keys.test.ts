/** Build keys cover every input: checkout files (lockfile, .yarnrc.yml, manifests), build modes, toolchains. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statePaths } from '../../kernel/paths.ts';
import { resolveCheckout } from './checkout.ts';
import { commitFakeChange, writeFakeCheckout } from './fake-checkout/write.ts';
import { hostTools } from './lifecycle.ts';
import type { NativeDeps } from './native-deps.ts';
import { localIssuer } from './oidc.ts';
import { prepareRecipe, stepKey } from './plan.ts';
import type { RecipeStep, StepId } from './steps.ts';

let work: string;
let root: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'boxlite-keys-'));
  root = (await writeFakeCheckout(join(work, 'checkout'))).root;
  // The fake checkout leaves its lockfile to the seed step; a real one tracks it.
  const ignore = await readFile(join(root, '.gitignore'), 'utf8');
  await commitFakeChange(root, '.gitignore', ignore.replace('/apps/yarn.lock\n', ''));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function keys(nativeDeps?: NativeDeps): Promise<Partial<Record<StepId, string>>> {
  const p = await prepareRecipe({
    checkout: root,
    paths: statePaths(join(work, 'state')),
    mode: 'supervisor',
    apiPort: 3000,
    runnerPort: 8080,
    host: hostTools('', {}),
    ...(nativeDeps ? { nativeDeps } : {}),
    oidc: localIssuer(3099),
    materialize: false,
  });
  return p.keys;
}

describe('build keys', () => {
  it.each([
    ['apps/yarn.lock', '# yarn lockfile v1\n"x@1": {}\n'],
    ['apps/.yarnrc.yml', 'nodeLinker: node-modules\n'],
    ['apps/api/package.json', '{"name":"api","version":"0.0.2"}\n'],
  ])('a change to %s rebuilds the API deps only', async (file, text) => {
    const before = await keys();
    await commitFakeChange(root, file, text);
    const after = await keys();
    expect(after['api-deps']).not.toBe(before['api-deps']);
    expect(after.libboxlite).toBe(before.libboxlite);
    expect(after['runner-binary']).toBe(before['runner-binary']);
  });

  it('the native-deps mode is part of the library key, and so of the runner it links', async () => {
    const [source, stub] = [await keys('source'), await keys('stub')];
    expect(stub.libboxlite).not.toBe(source.libboxlite);
    expect(stub['runner-binary']).not.toBe(source['runner-binary']);
    expect(stub['api-deps']).toBe(source['api-deps']);
  });

  it('a toolchain version is part of the key', async () => {
    const c = await resolveCheckout(root, undefined, join(work, 'cache'), false);
    const step = (facts: string[]): RecipeStep => ({
      id: 'libboxlite',
      title: '',
      inputs: ['sdks/c'],
      keyFacts: facts,
      after: [],
      commands: [],
      always: [],
      actions: [],
      idempotence: '',
      probe: '',
      outputs: [],
    });
    const a = await stepKey(c, step(['rustc=rustc 1.95.0']), {});
    expect(await stepKey(c, step(['rustc=rustc 1.95.0']), {})).toBe(a);
    expect(await stepKey(c, step(['rustc=rustc 1.96.0']), {})).not.toBe(a);
  });
});
