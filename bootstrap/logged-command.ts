/**
 * One build command with its output appended to a log file and, for a long cargo run, a
 * progress line every `tickMs` counting the crates compiled — every build-cache build runs
 * its steps through it. A failure is one line naming what failed, how long it ran, and the log.
 */
import type { WriteStream } from 'node:fs';
import { execa } from 'execa';
import { SetupError } from '../kernel/errors.ts';
import type { Progress } from '../kernel/progress.ts';

export interface LoggedCommand {
  /** What failed, in the error line ("building the boxlite CLI", "cargo build -p boxlite-c"). */
  label: string;
  /** How the exit is named in the error line, e.g. "cargo exit" (default "exit"). */
  exitWord?: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
  log: WriteStream;
  logPath: string;
  progress: Progress;
  /** Print "<progress>: 1m05s, N crates compiled" every tickMs (cargo runs); off when absent. */
  tick?: { name: string; ms: number };
}

export function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export async function runLogged(c: LoggedCommand): Promise<void> {
  const envText = Object.entries(c.env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  c.log.write(`\n$ ${envText} ${c.cmd} ${c.args.join(' ')}${c.cwd ? `   (in ${c.cwd})` : ''}\n`);
  const t0 = performance.now();
  let crates = 0;
  const tick = c.tick
    ? setInterval(() => {
        c.progress.info(
          `${c.tick!.name}: ${elapsed(performance.now() - t0)}, ${crates} crates compiled (log ${c.logPath})`,
        );
      }, c.tick.ms)
    : null;
  try {
    const child = execa(c.cmd, c.args, { cwd: c.cwd, env: c.env, reject: false, all: true, buffer: false });
    child.all?.on('data', (chunk: Buffer) => {
      c.log.write(chunk);
      crates += chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trimStart().startsWith('Compiling ')).length;
    });
    const res = await child;
    if (res.exitCode !== 0)
      throw new SetupError(
        `${c.label} failed (${c.exitWord ?? 'exit'} ${res.exitCode ?? res.signal ?? res.shortMessage}) after ${elapsed(performance.now() - t0)}; see ${c.logPath}`,
      );
  } finally {
    if (tick) clearInterval(tick);
  }
}
