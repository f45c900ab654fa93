/** Runs one side command; a failure is one SetupError line with the tail of its output. */
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { execaOptions, type SideCommand } from './side-builder.ts';

export async function runSideCommand(what: string, cmd: SideCommand, signal?: AbortSignal): Promise<string> {
  const res = await execa(cmd.argv[0]!, cmd.argv.slice(1), execaOptions(cmd, signal));
  if (signal?.aborted) throw signal.reason ?? new Error(`${what}: interrupted`);
  const output = String(res.all ?? '');
  if (res.exitCode !== 0) {
    const tail = output.trim().split('\n').slice(-3).join(' | ');
    throw new SetupError(`${what} failed (exit ${res.exitCode ?? res.signal}): ${tail}`);
  }
  return output;
}
