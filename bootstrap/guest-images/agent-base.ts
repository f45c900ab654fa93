/**
 * The agent-base image: the tools upstream's e2e cases run in a box, as BoxLite's curated
 * `boxlite-agent-base` image carries them (upstream apps/box-images/base.Dockerfile: bash,
 * procps, python3, git, … on Debian bookworm) — built here from the same Debian packages,
 * unpacked rather than installed. What `apt-get install` would do besides unpacking and the
 * cases rely on is done by hand: the `awk` alternative. Only git's own binary and templates are
 * kept (its transports and perl helpers need what no case runs). No C toolchain: it would more
 * than double the image, and the sim's Docker engine (vfs) copies the whole rootfs for every box,
 * so the one upstream case that compiles C is left not runnable here, with that reason.
 */
import type { FsEntry, FsTree } from './fs-entry.ts';
import { symlink } from './fs-entry.ts';
import { addEntries, baseEntries, ensureParents } from './rootfs.ts';

/** Unpacked in this order: libraries before the programs that need them (the ELF check enforces it). */
export const AGENT_BASE_PACKAGES = [
  // the debian image: dash, coreutils and their libraries
  'libc6',
  'libacl1',
  'libattr1',
  'libpcre2-8-0',
  'libselinux1',
  'libgmp10',
  'coreutils',
  'dash',
  // shells and text tools
  'libtinfo6',
  'bash',
  'grep',
  'sed',
  'mawk',
  'findutils',
  'gzip',
  'tar',
  // procps (ps, free, kill, top) and libproc2's libsystemd0 closure
  'libncursesw6',
  'libcap2',
  'libgpg-error0',
  'libgcrypt20',
  'liblz4-1',
  'liblzma5',
  'libzstd1',
  'libsystemd0',
  'libproc2-0',
  'procps',
  // python3 with its standard library (sqlite3, ssl, …)
  'zlib1g',
  'libexpat1',
  'libssl3',
  'libbz2-1.0',
  'libcrypt1',
  'libdb5.3',
  'libffi8',
  'libuuid1',
  'libsqlite3-0',
  'libcom-err2',
  'libkeyutils1',
  'libkrb5support0',
  'libk5crypto3',
  'libkrb5-3',
  'libgssapi-krb5-2',
  'libtirpc-common',
  'libtirpc3',
  'libnsl2',
  'readline-common',
  'libreadline8',
  'media-types',
  'libpython3.11-minimal',
  'python3.11-minimal',
  'python3-minimal',
  'libpython3.11-stdlib',
  'python3.11',
  'libpython3-stdlib',
  'python3',
  'git',
] as const;

/** Of git, only what `git init / add / commit / log` use. */
const keepOfGit = (e: FsEntry) => e.path === 'usr/bin/git' || e.path.startsWith('usr/share/git-core/');

const keepOf: Partial<Record<string, (e: FsEntry) => boolean>> = { git: keepOfGit };

export function agentBaseTree(contents: (pkg: string) => readonly FsEntry[]): FsTree {
  const tree: FsTree = new Map();
  for (const pkg of AGENT_BASE_PACKAGES) {
    const entries = contents(pkg);
    const keep = keepOf[pkg];
    addEntries(tree, keep ? entries.filter(keep) : entries);
  }
  // What the packages' postinst scripts register as alternatives.
  addEntries(tree, [symlink('usr/bin/awk', 'mawk')]);
  addEntries(tree, baseEntries());
  ensureParents(tree);
  return tree;
}
