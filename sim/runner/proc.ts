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

/** How long a just-started exec may take to show its pid before it counts as never started. */
const PID_WAIT_MS = 5_000;

/** What `exec inspect` says about the process: its host pid once it has one, exit code once done. */
export interface ProcessState {
  Pid: number;
  Running: boolean;
  ExitCode: number | null;
}

/**
 * The host pid of a just-started exec, polled until it shows (Docker fills it in a moment
 * after the start); null once the process exited without one or the wait ran out. Bounded by
 * time, not by a number of tries, so a loaded engine only makes it slower.
 */
export async function waitForPid(inspect: () => Promise<ProcessState>): Promise<number | null> {
  const deadline = Date.now() + PID_WAIT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const info = await inspect();
    if (info.Pid > 0) return info.Pid;
    if (!info.Running && typeof info.ExitCode === 'number') return null;
    if (Date.now() + pause > deadline) return null;
    await new Promise((r) => setTimeout(r, pause));
  }
}
