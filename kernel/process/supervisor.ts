/**
 * A tiny supervisor: one per service, started detached by the host provider so the service
 * outlives `pnpm e2e:setup`. It runs the service as its child, appends the child's output to
 * the service log, restarts it on unexpected exit (bounded), records pids in a state file,
 * and on SIGTERM stops the child with its preferred signal before exiting. The child gets
 * the spec's env and the supervisor's own PATH (inherited from whoever launched it), nothing
 * else: its configuration comes as flags.
 *
 * Usage: node supervisor.ts <spec.json>
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface SupervisorSpec {
  name: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  uid?: number;
  gid?: number;
  logFile: string;
  stateFile: string;
  stopSignal: NodeJS.Signals;
  /** Give up after this many restarts within a minute (a crash loop is a setup error, not a retry). */
  maxRestartsPerMinute: number;
}

export interface SupervisorState {
  name: string;
  supervisorPid: number;
  childPid: number | null;
  restarts: number;
  startedAt: string;
  status: 'running' | 'restarting' | 'stopping' | 'gave-up';
}

function writeState(spec: SupervisorSpec, state: SupervisorState): void {
  const tmp = `${spec.stateFile}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, spec.stateFile);
}

function main(): void {
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: supervisor.ts <spec.json>\n');
    process.exit(2);
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as SupervisorSpec;
  const state: SupervisorState = {
    name: spec.name,
    supervisorPid: process.pid,
    childPid: null,
    restarts: 0,
    startedAt: new Date().toISOString(),
    status: 'running',
  };
  let child: ChildProcess | null = null;
  let stopping = false;
  const recentRestarts: number[] = [];
  const log = (msg: string) => {
    writeFileSync(spec.logFile, `[supervisor ${new Date().toISOString()}] ${msg}\n`, { flag: 'a' });
  };

  const start = () => {
    const out = openSync(spec.logFile, 'a');
    child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...spec.env },
      stdio: ['ignore', out, out],
      ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
      ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
    });
    state.childPid = child.pid ?? null;
    state.status = 'running';
    writeState(spec, state);
    log(`started ${spec.name} pid ${child.pid}`);
    child.on('exit', (code, signal) => {
      log(`${spec.name} exited code=${code} signal=${signal}`);
      state.childPid = null;
      if (stopping) return;
      const now = Date.now();
      recentRestarts.push(now);
      while (recentRestarts.length && now - recentRestarts[0]! > 60_000) recentRestarts.shift();
      if (recentRestarts.length > spec.maxRestartsPerMinute) {
        state.status = 'gave-up';
        writeState(spec, state);
        log(`${spec.name} crash-looping; giving up`);
        process.exit(1);
      }
      state.restarts += 1;
      state.status = 'restarting';
      writeState(spec, state);
      setTimeout(start, Math.min(200 * 2 ** recentRestarts.length, 5000));
    });
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    state.status = 'stopping';
    writeState(spec, state);
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) process.exit(0);
    const killTimer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    c.once('exit', () => {
      clearTimeout(killTimer);
      process.exit(0);
    });
    c.kill(spec.stopSignal);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {}); // detached from any terminal: a hangup must not kill the service
  start();
}

if (import.meta.url === `file://${process.argv[1]}`) main();
