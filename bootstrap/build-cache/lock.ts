/**
 * The machine-wide build lock: several clones (or vitest workers) may want a build at once, and
 * two builds on 2 cores sharing one cargo target dir help nobody. A build legitimately holds
 * it for 20 minutes, so staleness is decided by the owner's pid being gone, not by age.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import { pidMatches } from '../../kernel/process/processes.ts';

/** Builds run under node (`pnpm e2e:cli`, `pnpm e2e`, …): a reused pid of another program is no owner. */
const alive = (pid: number) => pidMatches(pid, 'node');

async function ownerPid(lock: string): Promise<number | null> {
  try {
    const pid = Number(JSON.parse(await readFile(join(lock, 'owner.json'), 'utf8')).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock, waiting while a live process holds it; calls `waiting` once when it has to
 * wait. Returns the release function.
 */
export async function acquireBuildLock(
  lock: string,
  opts: { waitMs: number; waiting?: (pid: number | null) => void },
): Promise<() => Promise<void>> {
  await mkdir(dirname(lock), { recursive: true });
  const t0 = Date.now();
  let told = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, since: new Date() }));
      return () => rm(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = await ownerPid(lock);
    // No owner file may be a lock taken a moment ago; only a dead owner (or none for a minute) is stale.
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (pid !== null ? !alive(pid) : age > 60_000) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      told = true;
      opts.waiting?.(pid);
    }
    if (Date.now() - t0 > opts.waitMs)
      throw new SetupError(`waited ${Math.round(opts.waitMs / 60_000)} min for the build lock ${lock}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
