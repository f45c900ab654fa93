/**
 * A Debian root filesystem with the service packages installed, built with debootstrap
 * from the apt mirror this host already uses. This machine cannot pull from any container
 * registry (air-gapped except Debian/npm/PyPI mirrors), so service images are made from
 * Debian packages instead of docker.io/library/postgres & co. The rootfs is cached under
 * <stateDir>/cache/service-images and rebuilt only when its inputs change.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { pidAlive } from '../../kernel/process/processes.ts';
import type { Progress } from '../../kernel/progress.ts';
import { aptFailureReason, ensureDebianPackages, POLICY_RC_D_SCRIPT } from '../system/apt.ts';

export const DEBIAN_SUITE = 'bookworm';
export const ROOTFS_PACKAGES = ['postgresql', 'redis-server', 'docker-registry'] as const;
/** Bump when the build steps below change in a way that changes the result. */
const ROOTFS_RECIPE = 2;
const FALLBACK_MIRROR = 'http://deb.debian.org/debian';

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

/** Reads `deb` entries from one-line (.list) or deb822 (.sources) apt source text. */
export function parseAptSources(text: string, format: 'list' | 'deb822'): AptSource[] {
  const out: AptSource[] = [];
  if (format === 'list') {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      // deb [opts] uri suite comp...
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
      if (m) out.push({ uri: m[1]!, suites: [m[2]!], components: m[3]!.split(/\s+/).filter(Boolean) });
    }
    return out;
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const raw of stanza.split('\n')) {
      if (raw.trimStart().startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    const components = (fields.get('components') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean))
      out.push({ uri, suites, components });
  }
  return out;
}

/** The Debian archive mirror (a source carrying a base suite) and the security mirror, if any. */
export function pickMirrors(sources: AptSource[]): { archive: string; security: string | null } {
  const withMain = sources.filter((s) => s.components.includes('main'));
  const base = (s: AptSource) => s.suites.some((x) => /^[a-z]+$/.test(x) && x !== 'stable-security');
  const archive =
    withMain.find((s) => s.suites.includes(DEBIAN_SUITE))?.uri ?? withMain.find(base)?.uri ?? FALLBACK_MIRROR;
  const security = withMain.find((s) => s.suites.some((x) => x.endsWith('-security')))?.uri ?? null;
  return { archive: archive.replace(/\/+$/, ''), security: security?.replace(/\/+$/, '') ?? null };
}

/** Reads this host's apt configuration, so the build uses whatever mirror works here. */
export async function hostMirrors(): Promise<{ archive: string; security: string | null }> {
  const sources: AptSource[] = [];
  const read = (p: string) => readFile(p, 'utf8').catch(() => '');
  sources.push(...parseAptSources(await read('/etc/apt/sources.list'), 'list'));
  const dir = '/etc/apt/sources.list.d';
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    if (name.endsWith('.list')) sources.push(...parseAptSources(await read(join(dir, name)), 'list'));
    if (name.endsWith('.sources')) sources.push(...parseAptSources(await read(join(dir, name)), 'deb822'));
  }
  return pickMirrors(sources);
}

/** Hash of everything that determines the rootfs contents (not the mirror: same packages). */
export function rootfsHash(): string {
  const inputs = {
    recipe: ROOTFS_RECIPE,
    suite: DEBIAN_SUITE,
    variant: 'minbase',
    packages: [...ROOTFS_PACKAGES],
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

/** apt sources for the chroot: the suite, its updates, and security when the host has it. */
export function chrootSourcesList(mirrors: { archive: string; security: string | null }): string {
  const lines = [
    `deb ${mirrors.archive} ${DEBIAN_SUITE} main`,
    `deb ${mirrors.archive} ${DEBIAN_SUITE}-updates main`,
  ];
  if (mirrors.security) lines.push(`deb ${mirrors.security} ${DEBIAN_SUITE}-security main`);
  return `${lines.join('\n')}\n`;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Runs a build command, appending its output to the build log; failures name the log. */
async function run(logFile: string, what: string, cmd: string, args: string[]): Promise<void> {
  const res = await execa(cmd, args, {
    reject: false,
    all: true,
    env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
  });
  await writeFile(logFile, `\n$ ${cmd} ${args.join(' ')}\n${res.all ?? ''}\n`, { flag: 'a' });
  if (res.exitCode !== 0 || res.failed) {
    throw new SetupError(
      `${what} failed: ${aptFailureReason(res.all || (res.message ?? ''))} (log: ${logFile})`,
    );
  }
}

/** Paths removed after install: docs, manuals and apt indexes are dead weight in a service image. */
const TRIM = [
  'usr/share/doc',
  'usr/share/man',
  'usr/share/info',
  'usr/share/locale',
  'var/lib/apt/lists',
  'var/cache/apt',
];
/**
 * Postgres' optional LLVM JIT: ~155 MB that only llvmjit.so loads. Without that file
 * Postgres silently runs without JIT. Worth it: with Docker's vfs driver every container
 * create/remove copies/deletes the whole image, so size is start-up time.
 */
const TRIM_JIT = [
  'usr/lib/x86_64-linux-gnu/libLLVM-14.so.1',
  'usr/lib/x86_64-linux-gnu/libz3.so.4',
  'usr/lib/postgresql/15/lib/llvmjit.so',
  'usr/lib/postgresql/15/lib/llvmjit_types.bc',
  'usr/lib/postgresql/15/lib/bitcode',
];

/**
 * Returns a complete rootfs directory, building it when the cache has none for the current
 * inputs. Building happens in a temp dir that is renamed into place, so an interrupted build
 * never looks complete.
 */
export async function ensureServiceRootfs(cacheDir: string, progress: Progress): Promise<string> {
  const base = join(cacheDir, 'service-images');
  const hash = rootfsHash();
  const dir = join(base, `rootfs-${hash}`);
  if (await exists(join(dir, '.boxlite-e2e-complete'))) return dir;
  if (process.getuid?.() !== 0) {
    throw new SetupError(
      'building service images needs root (debootstrap + chroot); run `pnpm e2e:service-images` as root',
    );
  }
  await ensureDebianPackages(['debootstrap'], progress);
  await mkdir(base, { recursive: true });
  const logFile = join(base, 'build.log');
  await writeFile(logFile, `# boxlite-e2e service rootfs build ${new Date().toISOString()}\n`);
  // Old rootfs dirs (other hashes, temp dirs of dead builds) are only disk usage now.
  for (const name of await readdir(base)) {
    const tmpPid = /^\.tmp-rootfs-(\d+)$/.exec(name)?.[1];
    if (name.startsWith('rootfs-') || (tmpPid && !pidAlive(Number(tmpPid)))) {
      await rm(join(base, name), { recursive: true, force: true });
    }
  }
  const tmp = join(base, `.tmp-rootfs-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  const mirrors = await hostMirrors();
  try {
    await progress.step(`debootstrap --variant=minbase ${DEBIAN_SUITE} (${mirrors.archive})`, () =>
      run(logFile, 'debootstrap', 'debootstrap', ['--variant=minbase', DEBIAN_SUITE, tmp, mirrors.archive]),
    );
    await prepareChroot(tmp, mirrors);
    const pkgs = ROOTFS_PACKAGES.join(' ');
    await progress.step(`apt-get install ${pkgs} (in the rootfs)`, async () => {
      await run(logFile, 'apt-get update (chroot)', 'chroot', [tmp, 'apt-get', 'update']);
      await run(logFile, `apt-get install ${pkgs} (chroot)`, 'chroot', [
        tmp,
        'apt-get',
        'install',
        '-y',
        '--no-install-recommends',
        ...ROOTFS_PACKAGES,
      ]);
      await run(logFile, 'apt-get clean (chroot)', 'chroot', [tmp, 'apt-get', 'clean']);
    });
    for (const p of TRIM) {
      await rm(join(tmp, p), { recursive: true, force: true });
      await mkdir(join(tmp, p), { recursive: true });
    }
    for (const p of TRIM_JIT) await rm(join(tmp, p), { recursive: true, force: true });
    // Docker bind-mounts its own resolv.conf; the host's must not be baked in.
    await rm(join(tmp, 'etc/resolv.conf'), { force: true });
    await writeFile(join(tmp, '.boxlite-e2e-complete'), `${JSON.stringify({ hash, mirrors })}\n`);
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // A concurrent build finished first: use its result.
      if (!(await exists(join(dir, '.boxlite-e2e-complete')))) throw err;
      await rm(tmp, { recursive: true, force: true });
    });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

async function prepareChroot(
  root: string,
  mirrors: { archive: string; security: string | null },
): Promise<void> {
  await writeFile(join(root, 'etc/apt/sources.list'), chrootSourcesList(mirrors));
  // Our entrypoint runs initdb into the data volume; no stock cluster in the image.
  await mkdir(join(root, 'etc/postgresql-common'), { recursive: true });
  await writeFile(join(root, 'etc/postgresql-common/createcluster.conf'), 'create_main_cluster = false\n');
  // Nothing may start inside the chroot; it stays in the image, as in Docker's Debian images.
  await writeFile(join(root, 'usr/sbin/policy-rc.d'), POLICY_RC_D_SCRIPT, { mode: 0o755 });
  await rm(join(root, 'etc/resolv.conf'), { force: true });
  await copyFile('/etc/resolv.conf', join(root, 'etc/resolv.conf')).catch(() => {});
}
