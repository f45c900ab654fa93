/**
 * The tree the suite runs in. Upstream's cases find the SDKs through the checkout's layout
 * (`REPO = Path(__file__).resolve().parents[N]`, then `target/release/libboxlite.*`,
 * `sdks/go`, `sdks/node`), and `resolve()` sees through symlinks. So the suite directory is
 * copied byte for byte into a staging root that mirrors the checkout with symlinks, and the
 * SDK paths the checkout cannot serve point at our builds instead: the npm SDK for
 * `sdks/node`, the C/Go driver library and Go module when the checkout has no libboxlite.
 * The checkout itself is never written to.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { UpstreamSuite } from './suite.ts';

/** The C and Go SDK the suite builds its drivers against. */
export interface SuiteSdk {
  /** Holds libboxlite.a (and .so when the source has one). */
  libDir: string;
  includeDir: string;
  goSdkDir: string;
  /** For the report: where it came from. */
  source: string;
}

/** The npm SDK package (main dist/index.js) and its platform binding (*.node). */
export interface SuiteNodeSdk {
  packageDir: string;
  bindings: string[];
}

/**
 * The npm SDK this repo pins (what our own Node cases drive), found through node_modules: the
 * package, and the `.node` files of its platform packages beside it (pnpm's layout).
 */
export function npmSdk(repoRoot: string): SuiteNodeSdk {
  const packageDir = realpathSync(join(repoRoot, 'node_modules', '@boxlite-ai', 'boxlite'));
  const scope = dirname(packageDir);
  const bindings = readdirSync(scope)
    .filter((d) => d.startsWith('boxlite-'))
    .flatMap((d) =>
      readdirSync(join(scope, d))
        .filter((f) => f.endsWith('.node'))
        .map((f) => join(scope, d, f)),
    );
  return { packageDir, bindings };
}

type Override =
  | { kind: 'copy'; from: string }
  | { kind: 'link'; to: string }
  /** A fresh directory: only the overrides below it, nothing mirrored from the checkout. */
  | { kind: 'dir' };

/** Whether the checkout serves upstream's C and Go paths itself (a bootstrap built libboxlite). */
export function checkoutHasSdk(checkout: string): boolean {
  const lib = ['libboxlite.a', 'libboxlite.so'].some((f) =>
    existsSync(join(checkout, 'target', 'release', f)),
  );
  return lib && existsSync(join(checkout, 'sdks', 'go', 'libboxlite.a'));
}

/** Which SDK paths the staging root overrides, keyed by path relative to the checkout root. */
export function stageOverrides(
  suite: UpstreamSuite,
  sdk: SuiteSdk | null,
  node: SuiteNodeSdk,
): Map<string, Override> {
  const o = new Map<string, Override>();
  o.set(suite.layout, { kind: 'copy', from: join(suite.checkout, suite.layout) });
  if (sdk) {
    o.set('target', { kind: 'dir' });
    o.set('target/release', { kind: 'dir' });
    for (const f of readdirSync(sdk.libDir).filter((f) => /^libboxlite\.(a|so)$/.test(f)))
      o.set(`target/release/${f}`, { kind: 'link', to: join(sdk.libDir, f) });
    o.set('sdks/go', { kind: 'link', to: sdk.goSdkDir });
    if (!existsSync(join(suite.checkout, 'sdks', 'c', 'include', 'boxlite.h')))
      o.set('sdks/c/include', { kind: 'link', to: sdk.includeDir });
  }
  o.set('sdks/node/package.json', { kind: 'link', to: join(node.packageDir, 'package.json') });
  o.set('sdks/node/dist', { kind: 'link', to: join(node.packageDir, 'dist') });
  o.set('sdks/node/native', { kind: 'dir' });
  for (const b of node.bindings) o.set(`sdks/node/native/${b.split('/').at(-1)}`, { kind: 'link', to: b });
  return o;
}

async function apply(dst: string, o: Override): Promise<void> {
  await mkdir(dirname(dst), { recursive: true });
  if (o.kind === 'copy') await cp(o.from, dst, { recursive: true, verbatimSymlinks: true });
  else if (o.kind === 'link') await symlink(o.to, dst);
  else await mkdir(dst, { recursive: true });
}

/** Mirrors `src` into `dst` as symlinks, descending only where an override lies below. */
async function overlay(
  src: string,
  dst: string,
  overrides: Map<string, Override>,
  rel: string,
): Promise<void> {
  const prefix = rel ? `${rel}/` : '';
  const children = new Set<string>();
  const here = overrides.get(rel);
  if (!(here?.kind === 'dir') && existsSync(join(src, rel))) {
    for (const name of await readdir(join(src, rel))) children.add(name);
  }
  for (const key of overrides.keys())
    if (key.startsWith(prefix) && key !== rel) children.add(key.slice(prefix.length).split('/')[0] as string);
  for (const name of [...children].sort()) {
    const path = `${prefix}${name}`;
    const o = overrides.get(path);
    if (o && o.kind !== 'dir') {
      await apply(join(dst, path), o);
      continue;
    }
    const below = [...overrides.keys()].some((k) => k.startsWith(`${path}/`));
    if (o || below) {
      await mkdir(join(dst, path), { recursive: true });
      await overlay(src, dst, overrides, path);
    } else await symlink(join(src, path), join(dst, path));
  }
}

/** Builds the staging root at `root` (replacing an old one); returns the suite dir inside it. */
export async function stageSuite(
  root: string,
  suite: UpstreamSuite,
  sdk: SuiteSdk | null,
  node: SuiteNodeSdk,
): Promise<string> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await overlay(suite.checkout, root, stageOverrides(suite, sdk, node), '');
  return join(root, suite.layout);
}
