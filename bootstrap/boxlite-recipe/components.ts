/**
 * Starts, reuses and stops the API and the runner: systemd units where systemd is PID 1, the
 * project's supervisor (kernel/process) elsewhere. Both read the same two 0600 env files (the
 * API's, then the runner's overrides). A running component is reused when it is alive,
 * answers its probe and was started with the same identity (argv, env files, binary key).
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from 'zx';
import { SetupError } from '../../kernel/errors.ts';
import { waitHealthy } from '../../kernel/health.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import { inspectSupervised, launchSupervised, stopSupervised } from '../../kernel/process/supervised.ts';
import type { LogSource, ProcessRef } from '../../kernel/stack-file.ts';
import { parseEnvFile } from './env-file.ts';
import type { LaunchMode } from './layout.ts';
import { renderUnit, UNIT_DIR, type UnitSpec, unitStartCommands, unitStopCommands } from './units.ts';

export interface ComponentLaunch {
  unit: UnitSpec;
  /** Identity inputs beyond the unit (e.g. the runner binary's build key). */
  identityExtra: string;
  /** Matches the child's /proc cmdline (pid-reuse safe liveness). */
  marker: string;
  probe: () => Promise<string>;
  /** Bounded waits (upstream: API 90 s, runner 60 s; the API gets longer here, launch.ts). */
  timeoutMs: number;
}

export interface Started {
  process: ProcessRef;
  log: LogSource;
  identity: string;
  reused: boolean;
}

export async function identityOf(l: ComponentLaunch): Promise<string> {
  const h = createHash('sha256').update(renderUnit(l.unit)).update(l.identityExtra);
  for (const f of l.unit.environmentFiles) h.update(await readFile(f));
  return h.digest('hex').slice(0, 12);
}

async function mergedEnv(u: UnitSpec): Promise<Record<string, string>> {
  let env: Record<string, string> = {};
  for (const f of u.environmentFiles) env = { ...env, ...parseEnvFile(await readFile(f, 'utf8')) };
  return { ...env, ...u.environment };
}

async function systemctl(argv: string[]): Promise<void> {
  const r = await $({ quiet: true, nothrow: true })`${argv}`;
  if (r.exitCode !== 0) throw new SetupError(`\`${argv.join(' ')}\` failed: ${r.stderr.trim()}`);
}

async function unitPid(name: string): Promise<number | null> {
  const r = await $({ quiet: true, nothrow: true })`systemctl show -p MainPID --value ${name}`;
  const pid = Number(r.stdout.trim());
  return pid > 0 ? pid : null;
}

async function alive(mode: LaunchMode, paths: StatePaths, l: ComponentLaunch): Promise<boolean> {
  if (mode === 'systemd') return (await unitPid(l.unit.name)) !== null;
  const s = await inspectSupervised(paths.runDir, l.unit.name, l.marker);
  return s.alive && s.childAlive;
}

export async function ensureComponent(
  mode: LaunchMode,
  paths: StatePaths,
  l: ComponentLaunch,
  previousIdentity: string | null,
): Promise<Started> {
  const identity = await identityOf(l);
  const log: LogSource =
    l.unit.logFile || mode === 'supervisor'
      ? { kind: 'file', path: l.unit.logFile ?? join(paths.logDir, `${l.unit.name}.log`) }
      : { kind: 'journald', unit: l.unit.name };
  const ok = () =>
    l.probe().then(
      () => true,
      () => false,
    );
  if (identity === previousIdentity && (await alive(mode, paths, l)) && (await ok()))
    return { process: await processRef(mode, paths, l), log, identity, reused: true };
  await stopComponent(mode, paths, l.unit.name, l.marker);
  if (mode === 'systemd') {
    await writeFile(join(UNIT_DIR, `${l.unit.name}.service`), renderUnit(l.unit));
    for (const argv of unitStartCommands(l.unit.name)) await systemctl(argv);
  } else {
    await launchSupervised({
      name: l.unit.name,
      runDir: paths.runDir,
      argv: l.unit.execStart,
      env: await mergedEnv(l.unit),
      cwd: l.unit.workingDirectory,
      logFile: (log as { path: string }).path,
      stopSignal: 'SIGTERM',
    });
  }
  const hint = log.kind === 'file' ? log.path : `journalctl -u ${l.unit.name} -n 100`;
  try {
    await waitHealthy(l.unit.name, l.probe, {
      timeoutMs: l.timeoutMs,
      logHint: hint,
      isAlive: () => alive(mode, paths, l),
    });
  } catch (err) {
    throw new SetupError((err as Error).message);
  }
  return { process: await processRef(mode, paths, l), log, identity, reused: false };
}

async function processRef(mode: LaunchMode, paths: StatePaths, l: ComponentLaunch): Promise<ProcessRef> {
  if (mode === 'systemd') return { kind: 'systemd', unit: l.unit.name, pid: await unitPid(l.unit.name) };
  const s = await inspectSupervised(paths.runDir, l.unit.name, l.marker);
  return { kind: 'supervised', supervisorPid: s.state?.supervisorPid ?? 0, pid: s.state?.childPid ?? null };
}

export async function stopComponent(
  mode: LaunchMode,
  paths: StatePaths,
  name: string,
  marker: string,
): Promise<void> {
  if (mode === 'systemd') {
    const file = join(UNIT_DIR, `${name}.service`);
    if (
      await readFile(file).then(
        () => true,
        () => false,
      )
    ) {
      for (const argv of unitStopCommands(name)) await $({ quiet: true, nothrow: true })`${argv}`;
      await rm(file, { force: true });
      await $({ quiet: true, nothrow: true })`systemctl daemon-reload`;
    }
    return;
  }
  await stopSupervised(paths.runDir, name, marker);
}
