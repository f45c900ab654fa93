/**
 * The real `boxlite serve` as setup runs it for target serve: supervised, answering with the
 * stack's key and refusing others, reused while it is the same binary/registry/key, replaced
 * when the key changes, and gone after stop (no orphan). No services: the launch alone.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../kernel/options.ts';
import { statePaths } from '../../kernel/paths.ts';
import { pidMatches } from '../../kernel/process/processes.ts';
import { createProgress } from '../../kernel/progress.ts';
import { ensureCliBinary } from '../cli-binary/index.ts';
import { CLI_BINARY_OPTIONS, cliBinarySpec } from '../cli-binary/options.ts';
import type { CliBinary } from '../cli-binary/spec.ts';
import { ensureServe, stopServe } from './index.ts';

let dir: string;
let binary: CliBinary;
const status = async (url: string, key: string | null) => {
  const res = await request(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  await res.body.dump();
  return res.statusCode;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serve-e2e-'));
  // The cached build (a cold cache builds it: ~16 min on 2 cores).
  const spec = cliBinarySpec(resolveOptions(CLI_BINARY_OPTIONS, [], {}).values);
  binary = await ensureCliBinary(spec, {
    progress: createProgress(process.stderr, true),
    searchPath: '/usr/bin:/bin',
  });
}, 30 * 60_000);

afterAll(async () => {
  await stopServe(statePaths(dir), binary?.path);
  await rm(dir, { recursive: true, force: true });
});

describe('boxlite serve under the supervisor', () => {
  it('answers with the key, refuses others, is reused, replaced on a new key, and stops', async () => {
    const paths = statePaths(dir);
    const opts = { paths, binary, apiKey: 'key-one', registryHost: '127.0.0.1:5000', previous: undefined };
    const first = await ensureServe(opts);
    const base = first.url;
    expect(await status(`${base}/v1/config`, null)).toBe(200);
    expect(await status(`${base}/v1/boxes`, 'key-one')).toBe(200);
    expect(await status(`${base}/v1/boxes`, 'key-two')).toBe(401);
    const config = JSON.parse(await readFile(join(paths.dataDir, 'serve', 'config.json'), 'utf8'));
    expect(config.image_registries).toEqual([{ host: '127.0.0.1:5000', transport: 'http', search: true }]);

    const again = await ensureServe({ ...opts, previous: first });
    expect(again).toBe(first);

    const rekeyed = await ensureServe({ ...opts, apiKey: 'key-two', previous: first });
    expect(rekeyed.process).not.toEqual(first.process);
    expect(await status(`${rekeyed.url}/v1/boxes`, 'key-two')).toBe(200);
    const pid = rekeyed.process.kind === 'supervised' ? rekeyed.process.pid : null;
    expect(pidMatches(pid, binary.path)).toBe(true);

    await stopServe(paths, binary.path);
    expect(pidMatches(pid, binary.path)).toBe(false);
  }, 120_000);
});
