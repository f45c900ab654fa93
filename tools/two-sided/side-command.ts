/**
 * Runs one side command; a failure is one SetupError line with the tail of its output. The
 * command runs in its own process group, and an abort signals the whole group: a setup killed
 * mid-way must not leave an orphaned initdb or image push writing into the side's state dir
 * while the restore removes it. (Supervised services start in sessions of their own and are
 * not in the group; the side's teardown stops them.)
 */
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { execaOptions, type SideCommand } from './side-builder.ts';

const GRACE_MS = 5000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export async function runSideCommand(what: string, cmd: SideCommand, signal?: AbortSignal): Promise<string> {
  const { cancelSignal: _c, ...opts } = execaOptions(cmd);
  const child = execa(cmd.argv[0]!, cmd.argv.slice(1), { ...opts, detached: true });
  let hard: NodeJS.Timeout | undefined;
  const onAbort = () => {
    killGroup(child.pid, 'SIGTERM');
    hard = setTimeout(() => killGroup(child.pid, 'SIGKILL'), GRACE_MS);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  try {
    const res = await child;
    if (signal?.aborted) throw signal.reason ?? new Error(`${what}: interrupted`);
    const output = String(res.all ?? '');
    if (res.exitCode !== 0) {
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      throw new SetupError(`${what} failed (exit ${res.exitCode ?? res.signal}): ${tail}`);
    }
    return output;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The group may linger after its leader exits: give it the grace, then make sure.
    if (hard) {
      clearTimeout(hard);
      await new Promise((r) => setTimeout(r, 500));
      killGroup(child.pid, 'SIGKILL');
    }
  }
}
