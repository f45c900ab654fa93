import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SetupError, UsageError } from './errors.ts';
import {
  emptyStack,
  readStackFile,
  STACK_VERSION,
  type StackFile,
  validateStackFile,
  writeStackFile,
} from './stack-file.ts';

function sample(): StackFile {
  const s = emptyStack('host', 'sim', '/state', '/state/secrets.env');
  s.services.postgres = {
    name: 'postgres',
    endpoint: { host: '127.0.0.1', port: 5432 },
    url: 'postgres://boxlite@127.0.0.1:5432/boxlite_e2e',
    credentials: { password: 'DB_PASSWORD' },
    process: { kind: 'supervised', supervisorPid: 10, pid: 11 },
    log: { kind: 'file', path: '/state/logs/postgres.log' },
    dataDir: '/state/data/host/postgres',
    version: '15.1',
    startedAt: new Date().toISOString(),
  };
  return s;
}

describe('stack file', () => {
  it('writes atomically and reads back what it wrote', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'stack-')), 'stack.json');
    const s = sample();
    await writeStackFile(path, s);
    const back = await readStackFile(path);
    expect(back?.services.postgres).toEqual(s.services.postgres);
    expect(back?.version).toBe(STACK_VERSION);
  });

  it('a missing file means no stack (null), not an error', async () => {
    expect(await readStackFile('/nonexistent/stack.json')).toBeNull();
  });

  it('never stores a secret value: credentials are key names only', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'stack-')), 'stack.json');
    await writeStackFile(path, sample());
    const text = await readFile(path, 'utf8');
    expect(text).toContain('"password": "DB_PASSWORD"');
  });

  it('rejects an older schema version with an upgrade message', () => {
    const err = (() => {
      try {
        validateStackFile('/s.json', { ...sample(), version: 0 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/schema version 0, this tool reads 1: it was written by an older/);
  });

  it.each([
    ['not JSON object', []],
    ['wrong schema', { ...sample(), schema: 'other' }],
    ['bad provider', { ...sample(), provider: 'k8s' }],
    [
      'bad endpoint',
      { ...sample(), services: { redis: { ...sample().services.postgres, endpoint: { host: 'x' } } } },
    ],
    [
      'bad process',
      { ...sample(), services: { redis: { ...sample().services.postgres, process: { kind: 'vm' } } } },
    ],
  ])('rejects %s with a one-line SetupError naming the file', (_what, data) => {
    expect(() => validateStackFile('/s.json', data)).toThrow(SetupError);
    expect(() => validateStackFile('/s.json', data)).toThrow(/stack file \/s\.json is invalid/);
  });

  it('a corrupt file is reported, not silently replaced', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'stack-')), 'stack.json');
    await writeFile(path, '{"schema": ');
    await expect(readStackFile(path)).rejects.toThrow(/not JSON/);
  });
});
