/**
 * Debian packages on the host: check with dpkg-query, install what is missing with apt-get.
 * Used by the host provider (postgresql, redis-server, docker-registry) and by the Docker
 * engine bootstrap (docker.io). Installs never start daemons: we run services ourselves.
 */
import { rm, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';

export const POLICY_RC_D = '/usr/sbin/policy-rc.d';
/** exit 101 = "action forbidden": invoke-rc.d then skips starting the package's service. */
export const POLICY_RC_D_SCRIPT =
  '#!/bin/sh\n# boxlite-e2e: keep apt from starting services during install\nexit 101\n';

/** Parses `dpkg-query -W -f='${Package}\t${db:Status-Status}\n'` output into installed names. */
export function parseInstalled(output: string): Set<string> {
  const installed = new Set<string>();
  for (const line of output.split('\n')) {
    const [pkg, status] = line.split('\t');
    // Architecture-qualified names (libfoo:amd64) still satisfy an unqualified request.
    if (pkg && status?.trim() === 'installed') installed.add(pkg.split(':')[0]!);
  }
  return installed;
}

/** Names from `pkgs` that dpkg does not report as fully installed. */
export async function missingDebianPackages(pkgs: readonly string[]): Promise<string[]> {
  if (pkgs.length === 0) return [];
  // dpkg-query exits 1 when some names are unknown; the output still lists the known ones.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${field} is dpkg-query's format syntax
  const res = await execa('dpkg-query', ['-W', '-f=${Package}\t${db:Status-Status}\n', ...pkgs], {
    reject: false,
  }).catch((err: Error) => {
    throw new SetupError(`cannot run dpkg-query (${err.message}); this bootstrap needs a Debian-based host`);
  });
  const installed = parseInstalled(res.stdout);
  return pkgs.filter((p) => !installed.has(p));
}

/** The last line apt wrote that explains a failure (prefers "E: ..." lines). */
export function aptFailureReason(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errLines = lines.filter((l) => l.startsWith('E:'));
  return (errLines.at(-1) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}

export function notRootMessage(missing: readonly string[]): string {
  return `Debian packages missing: ${missing.join(', ')}; run as root so bootstrap can install them, or install them first: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function apt(args: string[]): Promise<void> {
  const res = await execa('apt-get', ['-o', 'DPkg::Lock::Timeout=120', ...args], {
    reject: false,
    all: true,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (res.exitCode !== 0 || res.failed) {
    throw new SetupError(`apt-get ${args.join(' ')} failed: ${aptFailureReason(res.all ?? res.message)}`);
  }
}

/**
 * Installs missing Debian packages. Already installed → returns at once (one dpkg-query).
 * A policy-rc.d is put in place only when none exists and always removed afterwards, so
 * e.g. redis-server does not start a system daemon on its default port.
 */
export async function ensureDebianPackages(pkgs: string[], progress: Progress): Promise<void> {
  const missing = await missingDebianPackages(pkgs);
  if (missing.length === 0) return;
  if (!isRoot()) throw new SetupError(notRootMessage(missing));

  let createdPolicy = false;
  try {
    await writeFile(POLICY_RC_D, POLICY_RC_D_SCRIPT, { mode: 0o755, flag: 'wx' });
    createdPolicy = true;
  } catch (err) {
    // EEXIST: someone else's policy is in charge (Docker images ship one); leave it alone.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    await progress.step('apt-get update', () => apt(['update']));
    await progress.step(`apt-get install ${missing.join(' ')}`, () =>
      apt(['install', '-y', '--no-install-recommends', ...missing]),
    );
  } finally {
    if (createdPolicy) await rm(POLICY_RC_D, { force: true });
  }
  const still = await missingDebianPackages(missing);
  if (still.length)
    throw new SetupError(`apt-get reported success but ${still.join(', ')} is still not installed`);
}
