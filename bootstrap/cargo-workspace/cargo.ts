/**
 * What every cargo build here needs before it starts: cargo itself (found, and working), its
 * host triple, and protoc (boxlite-shared's build script runs it).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { findExecutable } from '../../kernel/which.ts';
import type { BuildContext } from '../build-cache/index.ts';
import { ensureDebianPackages } from '../system/apt.ts';

/** cargo on the search path, else rustup's default place (often not on PATH in non-login shells). */
export async function findCargo(searchPath: string): Promise<string> {
  return (await findExecutable('cargo', searchPath, [join(homedir(), '.cargo', 'bin')])) ?? 'cargo';
}

/** The host triple cargo builds for; a missing or broken cargo is one line naming the log. */
export async function cargoHost(ctx: BuildContext, cargo: string, what: string): Promise<string> {
  const probe = await execa(cargo, ['-vV'], { reject: false });
  const host = /^host: (\S+)$/m.exec(probe.stdout ?? '')?.[1];
  if (probe.failed || !host) {
    const why = `cargo not found or not working (${cargo}): install Rust with rustup to build ${what}`;
    ctx.log.write(`${why}\n${probe.stderr ?? ''}\n`);
    throw new SetupError(`${why}; see ${ctx.logPath}`);
  }
  return host;
}

export async function ensureProtoc(searchPath: string, progress: Progress): Promise<void> {
  if (!(await findExecutable('protoc', searchPath)))
    await ensureDebianPackages(['protobuf-compiler'], progress);
}
