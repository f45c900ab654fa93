/**
 * Host /proc helpers. Exec pids from `exec inspect` are host pids and the runner runs as root
 * in the host pid namespace, so signals go straight to the process (no extra docker exec).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid from /proc/<pid>/stat (field 4, after the parenthesised comm). */
function ppidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

/** True while the process exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** pid and all its descendants, parents first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = ppidOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Sends a signal, ignoring "already gone". Returns false when the process did not exist. */
export function signalPid(pid: number, sig: number | NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** SIGKILLs a whole tree: collected first so orphans cannot slip away to the container's init. */
export function killTree(root: number): number {
  const pids = processTree(root);
  for (const pid of pids) signalPid(pid, 'SIGKILL');
  return pids.length;
}
