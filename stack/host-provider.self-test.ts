/**
 * Host provider self-test: real services in a temp state dir, proven with real connections,
 * then idempotence, repair of stale state, and the three teardown modes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  provePostgres,
  proveRedis,
  proveRegistry,
  readPostgresMarkers,
} from '../bootstrap/services/prove.ts';
import type { BootstrapConfig } from '../kernel/config.ts';
import { statePaths } from '../kernel/paths.ts';
import { freePort } from '../kernel/ports.ts';
import { pidMatches } from '../kernel/process/processes.ts';
import { readSecrets } from '../kernel/secrets.ts';
import { isolatedConfig } from '../kernel/self-test.ts';
import { readStackFile, type StackFile } from '../kernel/stack-file.ts';
import { teardownStack } from './down.ts';
import { setupStack } from './up.ts';

let stateDir: string;
let config: BootstrapConfig;
const up = (extra: Partial<BootstrapConfig> = {}) =>
  setupStack({ config: { ...config, ...extra }, quiet: true, skipImages: true });
const down = (mode: { wipeData?: boolean; full?: boolean } = {}) =>
  teardownStack({ config, quiet: true, wipeData: mode.wipeData ?? false, full: mode.full ?? false });
const stack = async (): Promise<StackFile> => (await readStackFile(statePaths(stateDir).stackFile))!;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'e2e-host-'));
  config = isolatedConfig(stateDir, { provider: 'host' });
});

afterAll(async () => {
  await down({ full: true }).catch(() => {});
  await rm(stateDir, { recursive: true, force: true });
});

describe('host provider', () => {
  it('cold setup brings up postgres, redis and registry that answer real traffic', async () => {
    const summary = await up();
    expect(summary).toMatch(
      /stack up \(host\): postgres 127\.0\.0\.1:\d+, redis 127\.0\.0\.1:\d+, registry 127\.0\.0\.1:\d+ — 0 reused, 3 started/,
    );
    const s = await stack();
    const secrets = await readSecrets(s.secretsFile);
    expect(await provePostgres(s.services.postgres!.endpoint, secrets, 'cold')).toEqual(['cold']);
    expect(await proveRedis(s.services.redis!.endpoint, 'cold')).toBe('cold');
    const blob = await proveRegistry(s.services.registry!.endpoint, 'cold');
    expect(blob.pulled).toBe(blob.pushed);
    for (const svc of Object.values(s.services)) {
      expect(svc.process.kind).toBe('supervised');
      expect(existsSync((svc.log as { path: string }).path)).toBe(true);
      expect(svc.endpoint.host).toBe('127.0.0.1');
      expect(svc.url).not.toContain(secrets.DB_PASSWORD);
    }
    // The secrets file is private and the stack file holds no secret value.
    expect(execFileSync('stat', ['-c', '%a', s.secretsFile]).toString().trim()).toBe('600');
    const stackText = await readFile(statePaths(stateDir).stackFile, 'utf8');
    for (const value of Object.values(secrets)) expect(stackText).not.toContain(value);
  });

  it('a second setup reuses all healthy services and keeps their pids', async () => {
    const before = await stack();
    const summary = await up();
    expect(summary).toMatch(/3 reused, 0 started/);
    const after = await stack();
    for (const name of ['postgres', 'redis', 'registry'] as const) {
      expect(after.services[name]!.process).toEqual(before.services[name]!.process);
      expect(after.services[name]!.endpoint).toEqual(before.services[name]!.endpoint);
    }
  });

  it('a service killed behind our back (supervisor and child) is repaired, not duplicated', async () => {
    const before = await stack();
    const redis = before.services.redis!;
    if (redis.process.kind !== 'supervised') throw new Error('expected supervised');
    process.kill(redis.process.supervisorPid, 'SIGKILL');
    process.kill(redis.process.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const summary = await up();
    expect(summary).toMatch(/2 reused, 1 started/);
    const after = (await stack()).services.redis!;
    expect(after.process).not.toEqual(redis.process);
    expect(await proveRedis(after.endpoint, 'repaired')).toBe('repaired');
    const count = execFileSync('sh', [
      '-c',
      `pgrep -c -f 'redis-server 127\\.0\\.0\\.1:${after.endpoint.port}$' || true`,
    ])
      .toString()
      .trim();
    expect(count).toBe('1');
  });

  it('a stale stack file with dead pids is repaired on the next setup', async () => {
    const s = await stack();
    // Forge a stack file from a "previous boot": the pids are long gone.
    const paths = statePaths(stateDir);
    for (const name of ['postgres', 'redis', 'registry'] as const) {
      const svc = s.services[name]!;
      if (svc.process.kind === 'supervised')
        svc.process = { ...svc.process, supervisorPid: 999_999, pid: 999_998 };
    }
    await writeFile(paths.stackFile, JSON.stringify(s));
    // The run dir still knows the live supervisors: they are adopted (not duplicated) and the
    // stack file is corrected to their real pids.
    const summary = await up();
    expect(summary).toMatch(/3 reused, 0 started/);
    const fixed = await stack();
    for (const svc of Object.values(fixed.services)) {
      if (svc.process.kind !== 'supervised') throw new Error('expected supervised');
      expect(svc.process.supervisorPid).not.toBe(999_999);
      expect(pidMatches(svc.process.supervisorPid, 'supervisor.ts')).toBe(true);
    }
    expect(
      await readPostgresMarkers(fixed.services.postgres!.endpoint, await readSecrets(fixed.secretsFile)),
    ).toContain('cold');
  });

  it('a corrupt stack file is moved aside and rebuilt, losing nothing', async () => {
    const paths = statePaths(stateDir);
    await writeFile(paths.stackFile, '{ not json');
    const summary = await up();
    expect(summary).toMatch(/stack up \(host\)/);
    const s = await stack();
    expect(
      await readPostgresMarkers(s.services.postgres!.endpoint, await readSecrets(s.secretsFile)),
    ).toContain('cold');
  });

  it('teardown and setup keep every port; a remembered port taken meanwhile moves, saying so in one line', async () => {
    const ports = (f: StackFile) => Object.values(f.services).map((svc) => svc!.endpoint.port);
    const before = ports(await stack());
    await down();
    await up();
    expect(ports(await stack())).toEqual(before);
    await down();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(before[1], '127.0.0.1', r));
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      await up();
    } finally {
      process.stderr.write = write;
      blocker.close();
    }
    const moved = ports(await stack());
    expect(moved[1]).not.toBe(before[1]);
    expect(lines.filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: redis: port ${before[1]} was taken, so it now listens on ${moved[1]}; nothing outside the stack file names it\n`,
    ]);
  });

  it('a pinned port that is taken fails with one line naming it', async () => {
    await down();
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      await expect(up({ pinnedPorts: { redis: port } })).rejects.toThrow(
        `port ${port} for redis is already taken on 127.0.0.1`,
      );
    } finally {
      blocker.close();
    }
  });

  it('teardown keeps the database; --wipe-data drops it but keeps secrets; --full drops secrets', async () => {
    await up();
    const secretsFile = statePaths(stateDir).secretsFile;
    const secretsBefore = await readFile(secretsFile, 'utf8');
    expect(await down()).toMatch(/kept: data and secrets/);
    expect(existsSync(statePaths(stateDir).stackFile)).toBe(false);
    await up();
    let s = await stack();
    expect(
      await readPostgresMarkers(s.services.postgres!.endpoint, await readSecrets(secretsFile)),
    ).toContain('cold');

    expect(await down({ wipeData: true })).toMatch(/kept: secrets/);
    expect(await readFile(secretsFile, 'utf8')).toBe(secretsBefore);
    await up();
    s = await stack();
    expect(await readPostgresMarkers(s.services.postgres!.endpoint, await readSecrets(secretsFile))).toEqual(
      [],
    );

    expect(await down({ full: true })).toMatch(/kept: image cache/);
    expect(existsSync(secretsFile)).toBe(false);
  });
});
