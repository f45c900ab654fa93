/**
 * One target's part of the stack: what `up` starts once the services and guest images are
 * there (the API and runner the cases talk to), and what `down` stops. A state dir runs one
 * API at a time, so setup switching targets first takes the previous one down.
 */
import { join } from 'node:path';
import { ensureDockerEngine } from '../../bootstrap/system/docker-engine.ts';
import type { BootstrapConfig, TargetKind } from '../../kernel/config.ts';
import { UsageError } from '../../kernel/errors.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import type { PortBook } from '../../kernel/ports.ts';
import type { Progress } from '../../kernel/progress.ts';
import type { Secrets } from '../../kernel/secrets.ts';
import type { ComponentRecord, StackFile } from '../../kernel/stack-file.ts';
import type { SetupOptions } from '../up.ts';

export interface TargetUp {
  opts: SetupOptions;
  config: BootstrapConfig;
  stack: StackFile;
  paths: StatePaths;
  secrets: Secrets;
  progress: Progress;
  /** The ports the stack had last time (the port book). */
  ports: PortBook;
  /** What the previous stack file ran, read before this setup changed it. */
  was: { target: TargetKind | null; api: ComponentRecord | undefined };
  /** Writes the stack file as it is now. */
  save(): Promise<void>;
}

export interface TargetDown {
  config: BootstrapConfig;
  paths: StatePaths;
  /** The stack file being torn down or switched away from (null: lost or corrupt). */
  stack: StackFile | null;
  progress: Progress;
  /** Teardown modes (a target switch keeps everything). */
  wipeData: boolean;
  full: boolean;
}

export interface StackTarget {
  readonly name: TargetKind;
  /** Whether `up` will start an API with these options (else what runs is kept as it is). */
  startsApi(opts: SetupOptions): boolean;
  up(ctx: TargetUp): Promise<void>;
  /**
   * Stops what `up` started and forgets it in the stack file; a no-op when nothing runs.
   * Answers a note for the teardown line when it dropped data (e.g. "3 sim box(es) removed").
   */
  down(ctx: TargetDown): Promise<string | undefined>;
}

/** Sim bug switches belong to the sim: one line when another target is asked for with them. */
export function refuseBugs(target: TargetKind, bugs: readonly string[]): void {
  if (bugs.length)
    throw new UsageError(`--bugs (${bugs.join(',')}) are sim switches; target ${target} has none`);
}

/** The sim runner's "VMs" (and a fixture checkout's) are Docker containers: an engine, whatever the provider. */
export async function dockerEngineStep(ctx: TargetUp): Promise<void> {
  const { config, paths, progress } = ctx;
  await progress.step('docker engine', () =>
    ensureDockerEngine({
      dockerHost: config.dockerHost,
      searchPath: config.searchPath,
      logFile: join(paths.logDir, 'dockerd.log'),
      progress,
    }),
  );
}
