/**
 * Local service images for the containers provider: boxlite-e2e/{postgres,redis,registry}:local.
 *
 * Why not docker.io/library/postgres & co: this machine is air-gapped from every container
 * registry (only Debian/npm/PyPI mirrors answer), so nothing can be pulled. Instead one
 * Debian rootfs (debootstrap + postgresql, redis-server, docker-registry; see
 * debian-rootfs.ts) is `docker import`ed once per service, each with its own entrypoint
 * script (bootstrap/service-images/*-entrypoint.sh) and CMD/ENV/EXPOSE. Each image carries a label
 * with the hash of its inputs, so an up-to-date image is never rebuilt.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { DEFAULT_SERVICE_IMAGES, SERVICE_NAMES, type ServiceName } from '../../kernel/config.ts';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { ensureServiceRootfs, rootfsHash } from './debian-rootfs.ts';

export const IMAGE_INPUT_LABEL = 'boxlite-e2e.input-hash';
export const IMAGE_SERVICE_LABEL = 'boxlite-e2e.service';
const SCRIPTS_DIR = dirname(fileURLToPath(import.meta.url));
const ENTRYPOINT = '/usr/local/bin/boxlite-e2e-entrypoint';
/** Bump when how an image is assembled (tar members, labels) changes; it is part of the hash. */
const IMAGE_RECIPE = 2;

interface ImageFile {
  /** File name under bootstrap/service-images/. */
  src: string;
  /** Absolute path inside the image. */
  dest: string;
  mode: number;
}

export interface ServiceImageDef {
  files: ImageFile[];
  /** Dockerfile-style instructions `docker import --change` accepts. */
  changes: string[];
}

/** docker import sets no PATH of its own; spell out Debian's. */
const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const entry = (src: string): ImageFile => ({ src, dest: ENTRYPOINT, mode: 0o755 });

export const SERVICE_IMAGE_DEFS: Record<ServiceName, ServiceImageDef> = {
  postgres: {
    files: [entry('postgres-entrypoint.sh')],
    changes: [
      PATH_ENV,
      'ENV LANG=C.UTF-8',
      'ENV PGDATA=/var/lib/postgresql/data',
      'EXPOSE 5432',
      `ENTRYPOINT ["${ENTRYPOINT}"]`,
      'CMD ["postgres"]',
    ],
  },
  redis: {
    files: [entry('redis-entrypoint.sh')],
    changes: [
      PATH_ENV,
      'ENV LANG=C.UTF-8',
      'EXPOSE 6379',
      `ENTRYPOINT ["${ENTRYPOINT}"]`,
      'CMD ["redis-server", "--protected-mode", "no"]',
    ],
  },
  registry: {
    files: [
      entry('registry-entrypoint.sh'),
      { src: 'registry.yml', dest: '/etc/boxlite-e2e/registry.yml', mode: 0o644 },
    ],
    changes: [
      PATH_ENV,
      'ENV LANG=C.UTF-8',
      'EXPOSE 5000',
      `ENTRYPOINT ["${ENTRYPOINT}"]`,
      'CMD ["/etc/boxlite-e2e/registry.yml"]',
    ],
  },
};

export interface ImagePlan {
  service: ServiceName;
  tag: string;
  inputHash: string;
  def: ServiceImageDef;
}

/** Input hash of one image: the rootfs recipe, its own files' bytes and modes, its changes. */
export function imageInputHash(
  rootfs: string,
  files: { dest: string; mode: number; content: Buffer }[],
  changes: string[],
): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ recipe: IMAGE_RECIPE, rootfs, changes }));
  for (const f of files) h.update(`\0${f.dest}\0${f.mode.toString(8)}\0`).update(f.content);
  return h.digest('hex').slice(0, 24);
}

export async function planImages(
  services: readonly ServiceName[] = SERVICE_NAMES,
  tags: Record<ServiceName, string> = DEFAULT_SERVICE_IMAGES,
): Promise<ImagePlan[]> {
  const rootfs = rootfsHash();
  return Promise.all(
    services.map(async (service) => {
      const def = SERVICE_IMAGE_DEFS[service];
      const files = await Promise.all(
        def.files.map(async (f) => ({ ...f, content: await readFile(join(SCRIPTS_DIR, f.src)) })),
      );
      return { service, tag: tags[service], inputHash: imageInputHash(rootfs, files, def.changes), def };
    }),
  );
}

export type ImageState = 'up-to-date' | 'stale' | 'missing';

/** Compares an image's labels with the planned input hash. */
export function imageState(labels: Record<string, string> | null | undefined, inputHash: string): ImageState {
  if (labels === null) return 'missing';
  return labels?.[IMAGE_INPUT_LABEL] === inputHash ? 'up-to-date' : 'stale';
}

/** Labels of a local image, or null when the engine has no such image. */
export async function localImageLabels(docker: Docker, tag: string): Promise<Record<string, string> | null> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels ?? {};
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

/** "repo/name:tag" → { repo, tag } as the import API wants them (registry ports kept intact). */
export function splitTag(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}

/**
 * Stages the image's own files into a small overlay tree next to the rootfs. Returns the
 * tar member list: every file plus those ancestor dirs (0755) the rootfs lacks. Missing
 * parents would otherwise get unusable modes, and the import rejects duplicate members.
 */
async function stageOverlay(dir: string, rootfs: string, def: ServiceImageDef): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  const members = new Set<string>();
  for (const f of def.files) {
    const parts = f.dest.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      await mkdir(join(dir, rel), { recursive: true });
      await chmod(join(dir, rel), 0o755);
      if (!(await exists(join(rootfs, rel)))) members.add(`./${rel}`);
    }
    const dest = join(dir, f.dest);
    await copyFile(join(SCRIPTS_DIR, f.src), dest);
    await chmod(dest, f.mode);
    members.add(`.${f.dest}`);
  }
  return [...members];
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Streams rootfs + overlay as one tar into `POST /images/create?fromSrc=-`. */
async function importImage(
  docker: Docker,
  rootfs: string,
  overlay: string,
  files: string[],
  plan: ImagePlan,
): Promise<string> {
  const tarArgs = [
    '--create',
    '--file=-',
    '--numeric-owner',
    '--exclude=./dev/*',
    '--exclude=./proc/*',
    '--exclude=./sys/*',
  ];
  tarArgs.push(
    '--exclude=./.boxlite-e2e-complete',
    `--directory=${rootfs}`,
    '.',
    '--no-recursion',
    `--directory=${overlay}`,
    ...files,
  );
  const tar = execa('tar', tarArgs, { buffer: { stdout: false, stderr: true }, reject: false });
  const changes = [
    ...plan.def.changes,
    `LABEL ${IMAGE_INPUT_LABEL}=${plan.inputHash}`,
    `LABEL ${IMAGE_SERVICE_LABEL}=${plan.service}`,
  ];
  const { repo, tag } = splitTag(plan.tag);
  let events: { status?: string; error?: string }[];
  try {
    const stream = await docker.importImage(tar.stdout, { repo, tag, changes } as object);
    events = await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: { status?: string; error?: string }[]) =>
        err ? reject(err) : resolve(out),
      ),
    );
  } catch (err) {
    tar.kill();
    throw new SetupError(`docker import ${plan.tag} failed: ${(err as Error).message.split('\n')[0]}`);
  }
  const tarResult = await tar;
  if (tarResult.exitCode !== 0) {
    throw new SetupError(`tar of ${rootfs} failed: ${String(tarResult.stderr).trim().split('\n').at(-1)}`);
  }
  const error = events.find((e) => e.error)?.error;
  if (error) throw new SetupError(`docker import ${plan.tag} failed: ${error}`);
  const id = events.map((e) => e.status ?? '').find((s) => s.startsWith('sha256:'));
  return id ?? plan.tag;
}

export interface EnsureImagesOptions {
  docker: Docker;
  cacheDir: string;
  progress: Progress;
  services?: readonly ServiceName[];
  tags?: Record<ServiceName, string>;
}

/**
 * Builds the missing or stale service images; up-to-date ones cost one inspect each.
 * Returns what happened per service.
 */
export async function ensureServiceImages(
  opts: EnsureImagesOptions,
): Promise<Record<string, ImageState | 'built'>> {
  const { docker, progress } = opts;
  const plans = await planImages(opts.services, opts.tags);
  const result: Record<string, ImageState | 'built'> = {};
  const todo: { plan: ImagePlan; oldId: string | null }[] = [];
  for (const plan of plans) {
    const labels = await localImageLabels(docker, plan.tag);
    const state = imageState(labels, plan.inputHash);
    result[plan.service] = state;
    if (state === 'up-to-date') {
      progress.info(`${plan.tag} is up to date (${IMAGE_INPUT_LABEL}=${plan.inputHash})`);
      continue;
    }
    const oldId = state === 'stale' ? ((await docker.getImage(plan.tag).inspect()).Id ?? null) : null;
    todo.push({ plan, oldId });
  }
  if (todo.length === 0) return result;

  const rootfs = await progress.step('Debian rootfs for service images', () =>
    ensureServiceRootfs(opts.cacheDir, progress),
  );
  for (const { plan, oldId } of todo) {
    await progress.step(`docker import ${plan.tag}`, async () => {
      const overlay = join(opts.cacheDir, 'service-images', `overlay-${plan.service}`);
      const files = await stageOverlay(overlay, rootfs, plan.def);
      const id = await importImage(docker, rootfs, overlay, files, plan);
      // The replaced image is now untagged; drop it unless a container still uses it.
      if (oldId && oldId !== id)
        await docker
          .getImage(oldId)
          .remove()
          .catch(() => {});
    });
    result[plan.service] = 'built';
  }
  return result;
}

/** Tags from `images` that the engine does not have (the containers provider's pre-check). */
export async function missingImages(docker: Docker, images: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) if ((await localImageLabels(docker, image)) === null) missing.push(image);
  return missing;
}
