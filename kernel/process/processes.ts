/** Host process facts: liveness that survives pid reuse, and bounded termination. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SupervisorState } from './supervisor.ts';

/** Whether a process with this pid exists (one we may not signal, EPERM, exists too). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pid is "ours" only if it is alive AND its command line contains the marker. */
export function pidMatches(pid: number | null | undefined, marker: string): boolean {
  if (!pid || pid <= 0 || !pidAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    // A zombie has an empty cmdline: treat it as dead.
    return cmdline.includes(marker);
  } catch {
    return false;
  }
}

export async function readSupervisorState(stateFile: string): Promise<SupervisorState | null> {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8')) as SupervisorState;
  } catch {
    return null;
  }
}

/** Sends `signal`, waits up to `timeoutMs` for the process to go, then SIGKILLs it. */
export async function terminate(
  pid: number,
  marker: string,
  signal: NodeJS.Signals,
  timeoutMs = 20_000,
): Promise<void> {
  if (!pidMatches(pid, marker)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidMatches(pid, marker)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}
