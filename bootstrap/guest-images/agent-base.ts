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
import { AGENT_BASE_PACKAGES } from './package-sets.ts';
import { addEntries, baseEntries, ensureParents } from './rootfs.ts';

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
