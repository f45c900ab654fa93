/**
 * A Docker engine for the containers provider and the image builder. A running engine is
 * reused as is. Otherwise we start Debian's dockerd ourselves, detached so it outlives
 * setup: `--storage-driver=vfs` because overlayfs is often unavailable when this machine
 * is itself a container, `--iptables=false` because such machines rarely allow netfilter
 * (published ports then go through docker-proxy, which is all loopback needs).
 */
import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dockerClient } from '../../kernel/docker.ts';
import { parseDockerHost } from '../../kernel/docker-host.ts';
import { SetupError } from '../../kernel/errors.ts';
import type { Progress } from '../../kernel/progress.ts';
import { findExecutable } from '../../kernel/which.ts';
import { ensureDebianPackages } from './apt.ts';

/** The arguments we start dockerd with for a given socket. */
export function dockerdArgs(socketPath: string): string[] {
  return [`--host=unix://${socketPath}`, '--storage-driver=vfs', '--iptables=false'];
}

/** Most telling line of a dockerd log: the last fatal/error message, else the last line. */
export function lastLogLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = lines.filter((l) => /level=(fatal|error)|^failed|^Error/i.test(l));
  const line = bad.at(-1) ?? lines.at(-1);
  if (!line) return 'the log is empty';
  // logrus lines: time=... level=... msg="..."; the msg is the part worth a terminal line.
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]?.replace(/\\"/g, '"');
  return (msg ?? line).slice(0, 300);
}

const HOST_HINT = 'use BOXLITE_E2E_PROVIDER=host instead';

/** The side effects ensureDockerEngine needs; tests swap them to avoid touching the real engine. */
export interface DockerEngineDeps {
  /** Resolves with the engine version; throws with the reason it did not answer. */
  ping(dockerHost: string): Promise<string>;
  /** Path of the dockerd binary on `searchPath` (or sbin), or null when it is not installed. */
  findDockerd(searchPath: string): Promise<string | null>;
  install(progress: Progress): Promise<void>;
  /** Starts dockerd detached; `exitCode()` is null while it still runs. */
  start(dockerd: string, args: string[], logFile: string): Promise<{ exitCode(): number | null }>;
  readLog(logFile: string): Promise<string>;
  sleep(ms: number): Promise<void>;
}

async function pingEngine(dockerHost: string): Promise<string> {
  const docker = dockerClient(dockerHost, 3000);
  await docker.ping();
  const v = await docker.version();
  return v.Version;
}

async function startDetached(dockerd: string, args: string[], logFile: string) {
  await mkdir(dirname(logFile), { recursive: true });
  const log = await open(logFile, 'a');
  try {
    // detached = own session (setsid): dockerd survives our exit and terminal hang-ups.
    const child = spawn(dockerd, args, { detached: true, stdio: ['ignore', log.fd, log.fd] });
    let code: number | null = null;
    let spawnError: Error | null = null;
    child.on('exit', (c, sig) => {
      code = c ?? (sig ? 128 : 1);
    });
    child.on('error', (err) => {
      spawnError = err;
      code = 127;
    });
    child.unref();
    return {
      exitCode: () => {
        if (spawnError)
          throw new SetupError(`cannot start ${dockerd}: ${(spawnError as Error).message}; ${HOST_HINT}`);
        return code;
      },
    };
  } finally {
    await log.close();
  }
}

export const realDockerEngineDeps: DockerEngineDeps = {
  ping: pingEngine,
  // sbin is often missing from a non-login PATH, and Debian puts dockerd there.
  findDockerd: (searchPath) =>
    findExecutable('dockerd', searchPath, ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/sbin']),
  install: (progress) => ensureDebianPackages(['docker.io'], progress),
  start: startDetached,
  readLog: (f) => readFile(f, 'utf8').catch(() => ''),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface EnsureDockerEngineOptions {
  dockerHost: string;
  /** PATH as the entry point resolved it (config `searchPath`). */
  searchPath: string;
  logFile: string;
  progress: Progress;
  /** How long a freshly started dockerd gets to answer /_ping. */
  timeoutMs?: number;
}

/** Reuses a reachable engine, else installs/starts dockerd; failures are one SetupError line. */
export async function ensureDockerEngine(
  opts: EnsureDockerEngineOptions,
  deps: DockerEngineDeps = realDockerEngineDeps,
): Promise<{ started: boolean; version: string }> {
  const { dockerHost, logFile, progress, searchPath } = opts;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const ep = parseDockerHost(dockerHost);
  let why: string;
  try {
    return { started: false, version: await deps.ping(dockerHost) };
  } catch (err) {
    why = (err as Error).message;
  }
  if (ep.kind !== 'unix') {
    throw new SetupError(
      `Docker engine at ${dockerHost} is not reachable (${why}); start it, or ${HOST_HINT}`,
    );
  }

  let dockerd = await deps.findDockerd(searchPath);
  if (!dockerd) {
    try {
      await deps.install(progress);
    } catch (err) {
      throw new SetupError(
        `no Docker engine at ${dockerHost} and dockerd could not be installed (${(err as Error).message}); ${HOST_HINT}`,
      );
    }
    dockerd = await deps.findDockerd(searchPath);
    if (!dockerd)
      throw new SetupError(`docker.io was installed but no dockerd binary was found; ${HOST_HINT}`);
  }

  return progress.step(`start dockerd on ${dockerHost} (log: ${logFile})`, async () => {
    const child = await deps.start(dockerd, dockerdArgs(ep.socketPath), logFile);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return { started: true, version: await deps.ping(dockerHost) };
      } catch (err) {
        why = (err as Error).message;
      }
      const code = child.exitCode();
      if (code !== null) {
        // Lost a start race to another setup? Then the engine is up and that is fine.
        const version = await deps.ping(dockerHost).catch(() => null);
        if (version) return { started: false, version };
        const last = lastLogLine(await deps.readLog(logFile));
        throw new SetupError(
          `dockerd exited with code ${code} during start-up: ${last} (log: ${logFile}); ${HOST_HINT}`,
        );
      }
      if (Date.now() > deadline) {
        const last = lastLogLine(await deps.readLog(logFile));
        throw new SetupError(
          `dockerd did not answer on ${dockerHost} within ${timeoutMs / 1000} s (${why}; last log line: ${last}; log: ${logFile}); ${HOST_HINT}`,
        );
      }
      await deps.sleep(250);
    }
  });
}
