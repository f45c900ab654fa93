import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSecrets, mintSecrets } from '../../kernel/secrets.ts';
import { emptyStack, writeStackFile } from '../../kernel/stack-file.ts';
import {
  NO_STACK_MESSAGE,
  remoteSimSwitches,
  resolveStackHandle as resolve,
  stackHandleOptions,
} from './handle.ts';

const resolveStackHandle = (env: Record<string, string>) => resolve(stackHandleOptions(env));

describe('stack handle', () => {
  it('no stack and no remote config: one line telling how to get one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nostack-'));
    await expect(resolveStackHandle({ BOXLITE_E2E_STATE_DIR: dir })).rejects.toThrow(NO_STACK_MESSAGE);
  });

  it('a services-only stack (no API yet) says how to add the sim', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-'));
    await writeStackFile(join(dir, 'stack.json'), emptyStack('host', null, dir, join(dir, 'secrets.env')));
    await expect(resolveStackHandle({ BOXLITE_E2E_STATE_DIR: dir })).rejects.toThrow(
      /has services but no API; run `pnpm e2e:setup --target sim`/,
    );
  });

  it('an older stack file schema gets an upgrade message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'old-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'stack.json'), JSON.stringify({ schema: 'boxlite-e2e/stack', version: 0 }));
    await expect(resolveStackHandle({ BOXLITE_E2E_STATE_DIR: dir })).rejects.toThrow(
      /schema version 0, this tool reads 1/,
    );
  });

  it('remote stack: unreachable API is one clear line', async () => {
    await expect(
      resolveStackHandle({ BOXLITE_E2E_URL: 'http://127.0.0.1:9/api', BOXLITE_E2E_API_KEY: 'k' }),
    ).rejects.toThrow(/^API http:\/\/127\.0\.0\.1:9\/api unreachable: /);
  });

  it('remote stack without journal sources: path guard disabled, and it says so', async () => {
    const h = await resolveStackHandle({
      BOXLITE_E2E_URL: 'http://127.0.0.1:9/api',
      BOXLITE_E2E_API_KEY: 'k',
      BOXLITE_E2E_PREFIX: 'p',
    });
    expect(h.kind).toBe('remote');
    expect(h.pathGuard.enabled).toBe(false);
    expect(h.pathGuard.reason).toMatch(/DISABLED for remote stack/);
    expect(h.images.default).toBe('alpine:3.23');
  });

  it('a serve stack: one process is both hops, its log the journal of both; no runner access', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serve-'));
    await writeFile(join(dir, 'secrets.env'), formatSecrets(mintSecrets()), { mode: 0o600 });
    const stack = { ...emptyStack('host', 'serve', dir, join(dir, 'secrets.env')) };
    const journal = { kind: 'file', path: join(dir, 'logs/boxlite-serve.journal.jsonl') } as const;
    stack.api = {
      url: 'http://127.0.0.1:9',
      endpoint: { host: '127.0.0.1', port: 9 },
      credentials: { apiKey: 'ADMIN_API_KEY' },
      process: { kind: 'supervised', supervisorPid: 1, pid: 2 },
      log: { kind: 'file', path: join(dir, 'logs/boxlite-serve.log') },
      journal,
      version: '0.11.0+x',
      startedAt: '',
      bugs: [],
    };
    await writeStackFile(join(dir, 'stack.json'), stack);
    const h = await resolveStackHandle({ BOXLITE_E2E_STATE_DIR: dir, BOXLITE_E2E_PREFIX: '' });
    expect(h.kind).toBe('serve');
    expect(h.journals).toEqual({ runner: journal, api: journal });
    expect(h.runner).toBeNull();
    expect(h.pathGuard).toMatchObject({ enabled: true });
    expect(h.pathGuard.reason).toMatch(/one process/);
  });
});

describe('a remote URL that is our sim', () => {
  /** Serves GET /api/health with `body` (status 200) on a loopback port for the test. */
  async function healthServer(body: unknown): Promise<{ url: string; close: () => void }> {
    const server = createServer((req, res) => {
      if (req.url !== '/api/health') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/api`, close: () => server.close() };
  }

  it('is judged by the switches its health reports; anything else by the ledger', async () => {
    const sim = await healthServer({ status: 'ok', version: 'sim-api/1', bug_switches: ['exec-user-500'] });
    const other = await healthServer({ status: 'ok', version: '0.11.0' });
    try {
      expect(await remoteSimSwitches(sim.url)).toEqual({ bugs: ['exec-user-500'], simulated: true });
      expect(await remoteSimSwitches(other.url)).toEqual({ bugs: [], simulated: false });
      expect(await remoteSimSwitches('http://127.0.0.1:9/api')).toEqual({ bugs: [], simulated: false });
    } finally {
      sim.close();
      other.close();
    }
  });
});
