import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerHost } from '../../kernel/docker-host.ts';
import { SetupError, UsageError } from '../../kernel/errors.ts';
import { createProgress } from '../../kernel/progress.ts';
import { notRootMessage } from './apt.ts';
import {
  type DockerEngineDeps,
  dockerdArgs,
  ensureDockerEngine,
  lastLogLine,
  realDockerEngineDeps,
} from './docker-engine.ts';

const progress = createProgress(process.stderr, true);
const HINT = 'use BOXLITE_E2E_PROVIDER=host instead';

/** Fake side effects; each test overrides what it exercises. Nothing touches the real engine. */
function fakeDeps(over: Partial<DockerEngineDeps> = {}): DockerEngineDeps & { started: string[][] } {
  const started: string[][] = [];
  return {
    started,
    ping: async () => {
      throw new Error('connect ENOENT');
    },
    findDockerd: async () => '/usr/sbin/dockerd',
    install: async () => {},
    start: async (bin, args) => {
      started.push([bin, ...args]);
      return { exitCode: () => null };
    },
    readLog: async () => '',
    sleep: async () => {},
    ...over,
  };
}

async function oneLineError(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SetupError);
  const msg = (err as Error).message;
  expect(msg).not.toContain('\n');
  return msg;
}

describe('parseDockerHost', () => {
  it('reads unix and tcp forms', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2375,
      protocol: 'http',
    });
    expect(parseDockerHost('tcp://docker')).toMatchObject({ host: 'docker', port: 2375 });
  });

  it('rejects what we cannot talk to as a usage error', () => {
    expect(() => parseDockerHost('ssh://me@host')).toThrow(UsageError);
    expect(() => parseDockerHost('unix://relative.sock')).toThrow(UsageError);
    expect(() => parseDockerHost('nonsense')).toThrow(UsageError);
  });
});

describe('lastLogLine', () => {
  it('picks the last error message out of logrus lines', () => {
    const log = [
      'time="t" level=info msg="Starting up"',
      'time="t" level=error msg="failed to mount overlay: \\"invalid argument\\""',
      'time="t" level=info msg="stopping"',
    ].join('\n');
    expect(lastLogLine(log)).toBe('failed to mount overlay: "invalid argument"');
    expect(lastLogLine('plain\nlast one\n')).toBe('last one');
    expect(lastLogLine('')).toBe('the log is empty');
  });
});

describe('ensureDockerEngine', () => {
  it('reuses an engine that answers, without starting anything', async () => {
    const deps = fakeDeps({ ping: async () => '20.10.24' });
    const res = await ensureDockerEngine(
      { dockerHost: 'unix:///x.sock', logFile: '/tmp/x.log', progress, searchPath: '/usr/bin' },
      deps,
    );
    expect(res).toEqual({ started: false, version: '20.10.24' });
    expect(deps.started).toEqual([]);
  });

  it('unreachable socket + dockerd missing + install impossible: one line naming the host provider', async () => {
    // The real ping against a socket that does not exist; only install/start are faked.
    const deps = fakeDeps({
      ping: realDockerEngineDeps.ping,
      findDockerd: async () => null,
      install: async () => {
        throw new SetupError(notRootMessage(['docker.io']));
      },
    });
    const msg = await oneLineError(
      ensureDockerEngine(
        { dockerHost: 'unix:///nonexistent.sock', logFile: '/tmp/x.log', progress, searchPath: '/usr/bin' },
        deps,
      ),
    );
    expect(msg).toContain('unix:///nonexistent.sock');
    expect(msg).toContain('docker.io');
    expect(msg).toContain(HINT);
    expect(deps.started).toEqual([]);
  });

  it('starts dockerd with vfs and no iptables on the requested socket, and waits for it', async () => {
    let pings = 0;
    const deps = fakeDeps({
      ping: async () => {
        pings += 1;
        if (pings < 3) throw new Error('not yet');
        return '20.10.24';
      },
    });
    const res = await ensureDockerEngine(
      { dockerHost: 'unix:///run/d.sock', logFile: '/tmp/x.log', progress, searchPath: '/usr/bin' },
      deps,
    );
    expect(res).toEqual({ started: true, version: '20.10.24' });
    expect(deps.started).toEqual([['/usr/sbin/dockerd', ...dockerdArgs('/run/d.sock')]]);
    expect(dockerdArgs('/run/d.sock')).toEqual([
      '--host=unix:///run/d.sock',
      '--storage-driver=vfs',
      '--iptables=false',
    ]);
  });

  it('dockerd that exits during start-up: one line with its last log message', async () => {
    const deps = fakeDeps({
      start: async () => ({ exitCode: () => 1 }),
      readLog: async () =>
        'time="t" level=info msg="x"\ntime="t" level=fatal msg="pid file found, ensure docker is not running"\n',
    });
    const msg = await oneLineError(
      ensureDockerEngine(
        { dockerHost: 'unix:///run/d.sock', logFile: '/tmp/d.log', progress, searchPath: '/usr/bin' },
        deps,
      ),
    );
    expect(msg).toContain('dockerd exited with code 1');
    expect(msg).toContain('pid file found, ensure docker is not running');
    expect(msg).toContain('/tmp/d.log');
    expect(msg).toContain(HINT);
  });

  it('dockerd that never answers: times out with one line', async () => {
    let now = 0;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const deps = fakeDeps({
        sleep: async (ms) => {
          now += ms;
        },
        readLog: async () => 'time="t" level=info msg="Loading containers: start."\n',
      });
      const msg = await oneLineError(
        ensureDockerEngine(
          {
            dockerHost: 'unix:///run/d.sock',
            logFile: '/tmp/d.log',
            progress,
            timeoutMs: 2000,
            searchPath: '/usr/bin',
          },
          deps,
        ),
      );
      expect(msg).toContain('did not answer on unix:///run/d.sock within 2 s');
      expect(msg).toContain('Loading containers: start.');
      expect(msg).toContain(HINT);
    } finally {
      Date.now = realNow;
    }
  });

  it('an unreachable tcp engine is never started locally', async () => {
    const deps = fakeDeps();
    const msg = await oneLineError(
      ensureDockerEngine(
        { dockerHost: 'tcp://127.0.0.1:1', logFile: '/tmp/x.log', progress, searchPath: '/usr/bin' },
        deps,
      ),
    );
    expect(msg).toContain('tcp://127.0.0.1:1 is not reachable');
    expect(msg).toContain(HINT);
    expect(deps.started).toEqual([]);
  });
});

describe('detached start (real spawn of a harmless stand-in)', () => {
  it('writes stdout/stderr to the log file and reports the exit code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dockerd-start-'));
    try {
      const log = join(dir, 'logs', 'd.log');
      const child = await realDockerEngineDeps.start(
        '/bin/sh',
        ['-c', 'echo out; echo level=fatal msg=\\"boom\\" >&2; exit 3'],
        log,
      );
      for (let i = 0; i < 100 && child.exitCode() === null; i++) await new Promise((r) => setTimeout(r, 20));
      expect(child.exitCode()).toBe(3);
      const text = await readFile(log, 'utf8');
      expect(text).toContain('out');
      expect(lastLogLine(text)).toBe('boom');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a binary that cannot be spawned is one SetupError line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dockerd-start-'));
    try {
      const child = await realDockerEngineDeps.start('/nonexistent/dockerd', [], join(dir, 'd.log'));
      await new Promise((r) => setTimeout(r, 100));
      expect(() => child.exitCode()).toThrow(SetupError);
      expect(() => child.exitCode()).toThrow(
        /cannot start \/nonexistent\/dockerd: .*BOXLITE_E2E_PROVIDER=host/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
