import { describe, expect, it } from 'vitest';
import { statePaths } from '../../kernel/paths.ts';
import { serveArgv, serveEnv, serveIdentity, servePaths, serveRuntimeConfig } from './spec.ts';

const files = servePaths(statePaths('/state'));
const launch = { binary: '/cache/bin/boxlite', port: 4100, apiKey: 'sekrit', files };

describe('boxlite serve launch spec', () => {
  it('makes the stack registry pullable: plain http, searched for unqualified names', () => {
    expect(serveRuntimeConfig('127.0.0.1:5000')).toEqual({
      image_registries: [{ host: '127.0.0.1:5000', transport: 'http', search: true }],
    });
    expect(serveRuntimeConfig(null)).toEqual({ image_registries: [] });
  });

  it('keeps home, config and logs in the state dir; the key never in argv', () => {
    const argv = serveArgv(launch);
    expect(argv).toEqual([
      '/cache/bin/boxlite',
      'serve',
      '--home',
      '/state/data/serve/home',
      '--config',
      '/state/data/serve/config.json',
      '--host',
      '127.0.0.1',
      '--port',
      '4100',
    ]);
    expect(argv.join(' ')).not.toContain('sekrit');
    expect(serveEnv(launch)).toMatchObject({
      BOXLITE_SERVE_API_KEY: 'sekrit',
      BOXLITE_LOG_FILE: '/state/logs/boxlite-serve.journal.jsonl',
    });
    expect(serveEnv(launch).RUST_LOG).toMatch(/boxlite=debug/);
  });

  it('identity changes with binary, registry and key, and never shows the key', () => {
    const base = {
      binary: '/b',
      cliVersion: '0.11.0',
      binaryStamp: '1:2',
      registryHost: 'r:1',
      apiKey: 'sekrit',
    };
    const id = serveIdentity(base);
    expect(id).toMatch(/^0\.11\.0\+[0-9a-f]{12}$/);
    expect(id).not.toContain('sekrit');
    for (const change of [{ binaryStamp: '1:3' }, { registryHost: 'r:2' }, { apiKey: 'other' }]) {
      expect(serveIdentity({ ...base, ...change })).not.toBe(id);
    }
    expect(serveIdentity({ ...base })).toBe(id);
  });
});
