/**
 * Running a driver build: the library's cargo step (if any), then the C and Go driver steps,
 * every command's output in one log file, a progress line while cargo runs. A failure is one
 * line naming the step and the log.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { findExecutable } from '../../kernel/which.ts';
import { findCargo } from '../cli-binary/build.ts';
import { runLogged } from '../logged-command.ts';
import { ensureDebianPackages } from '../system/apt.ts';
import { type DriverInputs, driverBuildPlan, type Step, type Tools } from './plan.ts';
import { GO_DRIVER_DIR } from './sources.ts';

/** cargo, cc and go from the search path (or their usual install dirs); one line when one is missing. */
export async function findTools(searchPath: string): Promise<Tools> {
  const cc = (await findExecutable('cc', searchPath)) ?? (await findExecutable('gcc', searchPath));
  const go = await findExecutable('go', searchPath, ['/usr/local/go/bin', join(homedir(), 'go', 'bin')]);
  if (!cc)
    throw new SetupError(
      'no C compiler (cc) on the search path: install build-essential to build the C driver',
    );
  if (!go)
    throw new SetupError(
      'no Go toolchain (go) on the search path: install Go >= 1.22 to build the Go driver',
    );
  return { cargo: await findCargo(searchPath), cc, go };
}

/** protoc is needed by boxlite-shared's build script (cargo steps only). */
export async function ensureProtoc(searchPath: string, progress: Progress): Promise<void> {
  if (!(await findExecutable('protoc', searchPath)))
    await ensureDebianPackages(['protobuf-compiler'], progress);
}

function runStep(step: Step, log: WriteStream, logPath: string, progress: Progress): Promise<void> {
  return runLogged({
    label: step.label,
    cmd: step.cmd,
    args: step.args,
    ...(step.cwd ? { cwd: step.cwd } : {}),
    env: step.env,
    log,
    logPath,
    progress,
    ...(step.label.startsWith('cargo') ? { tick: { name: step.label, ms: 20_000 } } : {}),
  });
}

export interface BuildRequest {
  /** The library's cargo step; null when the library is already built. */
  cargo: Step | null;
  /** The built library, copied into `inputs.libDir` as libboxlite.a. */
  library: string;
  inputs: DriverInputs;
  tools: Tools;
  log: string;
  progress: Progress;
}

/** Builds the library (if asked), then both drivers; returns the outputs and the library's size. */
export async function buildDrivers(req: BuildRequest): Promise<{ c: string; go: string; libBytes: number }> {
  await mkdir(dirname(req.log), { recursive: true });
  await mkdir(req.inputs.outDir, { recursive: true });
  await mkdir(req.inputs.libDir, { recursive: true });
  const log = createWriteStream(req.log, { flags: 'w' });
  try {
    if (req.cargo) await runStep(req.cargo, log, req.log, req.progress);
    const lib = join(req.inputs.libDir, 'libboxlite.a');
    await copyFile(req.library, lib).catch((e: Error) => {
      throw new SetupError(`the library ${req.library} was not built (${e.message}); see ${req.log}`);
    });
    const plan = driverBuildPlan(
      req.inputs,
      req.tools,
      await readFile(join(GO_DRIVER_DIR, 'go.mod'), 'utf8'),
    );
    await writeFile(plan.modfile.path, plan.modfile.text);
    for (const step of plan.steps) await runStep(step, log, req.log, req.progress);
    // Kept: other driver builds (upstream's own C and Go e2e drivers) link the same archive.
    const libBytes = (await stat(lib)).size;
    return { ...plan.outputs, libBytes };
  } finally {
    await new Promise((r) => log.end(r));
  }
}
