/**
 * Getting boxlite-cli's published source through cargo itself: a throw-away package depending
 * on it, `cargo fetch` (which downloads and unpacks it into the cargo registry, with the rest of
 * the build's crates), then `cargo metadata` to learn where the registry unpacks sources.
 */
import { access, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { BuildContext } from '../build-cache/index.ts';
import { CLI_PACKAGE, fetchManifest } from './manifest.ts';

interface MetadataPackage {
  name: string;
  source: string | null;
  manifest_path: string;
}

/** The unpacked `<name>-<version>` dir beside a registry package boxlite-cli depends on. */
export function registrySourceDir(metadataJson: string, version: string): string | null {
  const { packages } = JSON.parse(metadataJson) as { packages: MetadataPackage[] };
  // cargo leaves a bin-only dependency out of the metadata; its library sits beside it.
  const sibling = packages.find((p) => p.name === 'boxlite' && p.source?.startsWith('registry+'));
  return sibling ? join(dirname(dirname(sibling.manifest_path)), `${CLI_PACKAGE}-${version}`) : null;
}

export interface FetchRequest {
  cargo: string;
  /** Host triple (`cargo -vV`): only its platform's crates are downloaded. */
  host: string;
  version: string;
  dir: string;
  /** A lock to start from, so the fetch downloads the versions the build uses. */
  lock: string | null;
}

/** Returns the directory holding boxlite-cli's published source. */
export async function fetchCliSource(ctx: BuildContext, req: FetchRequest): Promise<string> {
  await mkdir(req.dir, { recursive: true });
  await writeFile(join(req.dir, 'Cargo.toml'), fetchManifest(req.version));
  await writeFile(join(req.dir, 'lib.rs'), '');
  if (req.lock) await copyFile(req.lock, join(req.dir, 'Cargo.lock'));
  await ctx.run({
    label: `cargo fetch ${CLI_PACKAGE} ${req.version}`,
    cmd: req.cargo,
    args: ['fetch', '--target', req.host],
    cwd: req.dir,
    env: {},
  });
  const meta = await execa(
    req.cargo,
    ['metadata', '--format-version', '1', '--offline', '--filter-platform', req.host],
    { cwd: req.dir, reject: false, maxBuffer: 1 << 28 },
  );
  ctx.log.write(meta.stderr);
  const src = meta.failed ? null : registrySourceDir(meta.stdout, req.version);
  const found =
    src &&
    (await access(join(src, 'Cargo.toml')).then(
      () => true,
      () => false,
    ));
  if (!found)
    throw new SetupError(
      `cargo fetched ${CLI_PACKAGE} ${req.version} but its source was not found${src ? ` at ${src}` : ''}; see ${ctx.logPath}`,
    );
  return src;
}
