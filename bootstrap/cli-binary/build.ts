/**
 * The cold path: one cargo run, its whole output in a log file, and a progress line with the
 * elapsed time and crate count every so often (a cold build is ~16 min; silence reads as a
 * hang). Failures are one line naming the log.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { findExecutable } from '../../kernel/which.ts';
import { runLogged } from '../logged-command.ts';
import { ensureDebianPackages } from '../system/apt.ts';
import type { CliSource } from './spec.ts';

export interface BuildPlan {
  cargo: string;
  /** Where `protoc` is looked for; apt installs protobuf-compiler when it is not there. */
  searchPath: string;
  source: Exclude<CliSource, { kind: 'binary' }>;
  /** Where the binary must end up. */
  binary: string;
  targetDir: string;
  log: string;
  progress: Progress;
  /** How often to print a progress line (default 20 s). */
  tickMs?: number;
}

/** Argv and environment of the cargo run for a source. */
export function cargoCommand(plan: Pick<BuildPlan, 'source' | 'binary' | 'targetDir'>): {
  args: string[];
  env: Record<string, string>;
  cwd?: string;
} {
  const env: Record<string, string> = { CARGO_TARGET_DIR: plan.targetDir };
  if (plan.source.kind === 'crates') {
    // 1 = stub the native deps (REST-only); a registry copy would otherwise pick 2 (download).
    env.BOXLITE_DEPS_STUB = '1';
    return {
      args: [
        'install',
        'boxlite-cli',
        '--version',
        plan.source.version,
        '--locked',
        '--root',
        dirname(dirname(plan.binary)),
      ],
      env,
    };
  }
  return { args: ['build', '--release', '--locked', '-p', 'boxlite-cli'], env, cwd: plan.source.dir };
}

/** cargo on the search path, else rustup's default place (often not on PATH in non-login shells). */
export async function findCargo(searchPath: string): Promise<string> {
  return (await findExecutable('cargo', searchPath, [join(homedir(), '.cargo', 'bin')])) ?? 'cargo';
}

export async function buildCli(plan: BuildPlan): Promise<void> {
  await mkdir(dirname(plan.log), { recursive: true });
  const probe = await execa(plan.cargo, ['--version'], { reject: false });
  if (probe.failed) {
    const why = `cargo not found or not working (${plan.cargo}): install Rust with rustup to build the boxlite CLI`;
    await writeFile(plan.log, `${why}\n${probe.stderr ?? ''}\n`);
    throw new SetupError(`${why}; see ${plan.log}`);
  }
  // boxlite-shared's build script runs protoc.
  if (!(await findExecutable('protoc', plan.searchPath)))
    await ensureDebianPackages(['protobuf-compiler'], plan.progress);
  const cmd = cargoCommand(plan);
  const log = createWriteStream(plan.log, { flags: 'w' });
  try {
    await runLogged({
      label: 'building the boxlite CLI',
      exitWord: 'cargo exit',
      cmd: plan.cargo,
      args: cmd.args,
      ...(cmd.cwd ? { cwd: cmd.cwd } : {}),
      env: cmd.env,
      log,
      logPath: plan.log,
      progress: plan.progress,
      tick: { name: 'cargo', ms: plan.tickMs ?? 20_000 },
    });
  } finally {
    await new Promise((r) => log.end(r));
  }
  if (plan.source.kind === 'checkout') {
    await mkdir(dirname(plan.binary), { recursive: true });
    await copyFile(join(plan.targetDir, 'release', 'boxlite'), plan.binary);
  }
}
