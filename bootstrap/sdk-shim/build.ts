/**
 * Running a driver build: the library's cargo step (a checkout's), then the C and Go driver
 * steps, every command's output in the build's log, a progress line while cargo runs.
 */
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../../kernel/errors.ts';
import { findExecutable } from '../../kernel/which.ts';
import type { BuildContext } from '../build-cache/index.ts';
import { findCargo } from '../cargo-workspace/cargo.ts';
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

const runStep = (ctx: BuildContext, step: Step) =>
  ctx.run({ ...step, ...(step.label.startsWith('cargo') ? { tick: { name: step.label, ms: 20_000 } } : {}) });

export interface BuildRequest {
  /** The library's cargo step; null when the library is already built. */
  cargo: Step | null;
  /** The built library, copied into `inputs.libDir` as libboxlite.a. */
  library: string;
  inputs: DriverInputs;
  tools: Tools;
}

/** Builds the library (if asked), then both drivers; returns the outputs and the library's size. */
export async function buildDrivers(
  ctx: BuildContext,
  req: BuildRequest,
): Promise<{ c: string; go: string; libBytes: number }> {
  await mkdir(req.inputs.outDir, { recursive: true });
  await mkdir(req.inputs.libDir, { recursive: true });
  if (req.cargo) await runStep(ctx, req.cargo);
  const lib = join(req.inputs.libDir, 'libboxlite.a');
  await copyFile(req.library, lib).catch((e: Error) => {
    throw new SetupError(`the library ${req.library} was not built (${e.message}); see ${ctx.logPath}`);
  });
  const plan = driverBuildPlan(req.inputs, req.tools, await readFile(join(GO_DRIVER_DIR, 'go.mod'), 'utf8'));
  await writeFile(plan.modfile.path, plan.modfile.text);
  for (const step of plan.steps) await runStep(ctx, step);
  // Kept: other driver builds (upstream's own C and Go e2e drivers) link the same archive.
  const libBytes = (await stat(lib)).size;
  return { ...plan.outputs, libBytes };
}
