import { describe, expect, it } from 'vitest';
import { readConfig } from '../../kernel/config.ts';
import { UsageError } from '../../kernel/errors.ts';
import { statePaths } from '../../kernel/paths.ts';
import { createProgress } from '../../kernel/progress.ts';
import { mintSecrets } from '../../kernel/secrets.ts';
import { configureTestcontainersEnv, createContainersProvider, demuxDockerLog } from './containers.ts';
import {
  containerEnv,
  containerLabels,
  containerName,
  type ExistingContainer,
  imageMissingMessage,
  judgeExisting,
  LABEL_SERVICE,
  LABEL_SPEC,
  LABEL_STATE_DIR,
  loopbackHostPort,
  serviceDataDir,
  specHash,
} from './containers-spec.ts';

const secrets = mintSecrets();

describe('naming and labels', () => {
  it('container names are stable per state dir, distinct across state dirs, and valid Docker names', () => {
    const a = containerName('/tmp/a', 'postgres');
    expect(containerName('/tmp/a/', 'postgres')).toBe(a);
    expect(containerName('/tmp/b', 'postgres')).not.toBe(a);
    expect(containerName('/tmp/a', 'redis')).not.toBe(a);
    expect(a).toMatch(/^boxlite-e2e-postgres-[0-9a-f]{10}$/);
    expect(a).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
  });

  it('labels carry the resolved state dir, the service and the spec hash', () => {
    expect(containerLabels('/tmp/a/', 'redis', 'h')).toEqual({
      [LABEL_STATE_DIR]: '/tmp/a',
      [LABEL_SERVICE]: 'redis',
      [LABEL_SPEC]: 'h',
    });
  });

  it('data lives under <dataDir>/containers/<service>', () => {
    expect(serviceDataDir(statePaths('/s'), 'registry')).toBe('/s/data/containers/registry');
  });

  it('postgres gets the upstream POSTGRES_* env; the others none', () => {
    expect(containerEnv('postgres', secrets)).toEqual({
      POSTGRES_USER: 'boxlite',
      POSTGRES_PASSWORD: secrets.DB_PASSWORD,
      POSTGRES_DB: 'boxlite_e2e',
    });
    expect(containerEnv('redis', secrets)).toEqual({});
  });
});

describe('spec hash and reuse verdict', () => {
  const inputs = {
    image: 'i:1',
    imageId: 'sha256:1',
    env: { A: '1', B: '2' },
    dataDir: '/d',
    containerPort: 5432,
  };
  const want = specHash(inputs);

  it('the spec hash moves with image id, env, data dir; not with env order; never shows secrets', () => {
    expect(specHash({ ...inputs, env: { B: '2', A: '1' } })).toBe(want);
    expect(specHash({ ...inputs, imageId: 'sha256:2' })).not.toBe(want);
    expect(specHash({ ...inputs, env: { A: '1', B: '3' } })).not.toBe(want);
    expect(specHash({ ...inputs, dataDir: '/e' })).not.toBe(want);
    expect(want).toMatch(/^[0-9a-f]{16}$/);
    const pg = specHash({ ...inputs, env: containerEnv('postgres', secrets) });
    expect(pg).not.toContain(secrets.DB_PASSWORD);
  });

  const running: ExistingContainer = {
    running: true,
    status: 'running',
    labels: { [LABEL_SPEC]: want },
    hostPort: 40000,
  };

  it('keeps a running, matching container on its published port', () => {
    expect(judgeExisting(running, { specHash: want, pinnedPort: undefined })).toEqual({
      action: 'reuse',
      port: 40000,
    });
    expect(judgeExisting(running, { specHash: want, pinnedPort: 40000 })).toEqual({
      action: 'reuse',
      port: 40000,
    });
  });

  it('replaces stopped, changed, unpublished or wrongly pinned containers, saying why', () => {
    const cases: [ExistingContainer, number | undefined, RegExp][] = [
      [{ ...running, running: false, status: 'exited' }, undefined, /container is exited/],
      [{ ...running, running: false, status: 'dead' }, undefined, /container is dead/],
      [{ ...running, labels: { [LABEL_SPEC]: 'other' } }, undefined, /image or settings changed/],
      [{ ...running, labels: {} }, undefined, /image or settings changed/],
      [{ ...running, hostPort: null }, undefined, /not published on 127\.0\.0\.1/],
      [running, 41000, /pinned port 41000 differs from published 40000/],
    ];
    for (const [c, pinned, why] of cases) {
      const v = judgeExisting(c, { specHash: want, pinnedPort: pinned });
      expect(v.action).toBe('replace');
      expect(v.action === 'replace' && v.why).toMatch(why);
    }
  });

  it('only a 127.0.0.1 binding counts as published', () => {
    expect(loopbackHostPort({ '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '40001' }] }, 5432)).toBe(40001);
    expect(loopbackHostPort({ '5432/tcp': [{ HostIp: '0.0.0.0', HostPort: '40001' }] }, 5432)).toBeNull();
    expect(loopbackHostPort({ '5432/tcp': null }, 5432)).toBeNull();
    expect(loopbackHostPort(undefined, 5432)).toBeNull();
  });
});

describe('provider set-up', () => {
  it('the missing-image message is one line pointing at pnpm e2e:service-images', () => {
    expect(imageMissingMessage('boxlite-e2e/redis:local')).toBe(
      'image boxlite-e2e/redis:local not found locally; run `pnpm e2e:service-images` (air-gapped: images are built from Debian packages)',
    );
  });

  it('testcontainers env follows the config: Ryuk off by default, loopback host unless the user overrides', () => {
    const env: NodeJS.ProcessEnv = {};
    configureTestcontainersEnv({ dockerHost: 'unix:///x.sock', ryuk: false }, env);
    expect(env).toEqual({
      DOCKER_HOST: 'unix:///x.sock',
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
    });
    const mine: NodeJS.ProcessEnv = { TESTCONTAINERS_HOST_OVERRIDE: 'localhost' };
    configureTestcontainersEnv({ dockerHost: 'unix:///x.sock', ryuk: true }, mine);
    expect(mine.TESTCONTAINERS_RYUK_DISABLED).toBe('false');
    expect(mine.TESTCONTAINERS_HOST_OVERRIDE).toBe('localhost');
  });

  it('a remote DOCKER_HOST is refused: ports are published on the engine host loopback', () => {
    const config = readConfig({ DOCKER_HOST: 'tcp://10.0.0.5:2375', BOXLITE_E2E_STATE_DIR: '/tmp/x' });
    const ctx = {
      config,
      paths: statePaths('/tmp/x'),
      secrets,
      progress: createProgress(process.stderr, true),
    };
    expect(() => createContainersProvider(ctx)).toThrow(UsageError);
    expect(() => createContainersProvider(ctx)).toThrow(/needs a local engine/);
  });
});

describe('container logs', () => {
  it('demultiplexes Docker log frames and passes raw text through', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const buf = Buffer.concat([frame(1, 'starting\n'), frame(2, 'FATAL: boom\n')]);
    expect(demuxDockerLog(buf)).toBe('starting\nFATAL: boom\n');
    expect(demuxDockerLog(Buffer.from('plain tty output\n'))).toBe('plain tty output\n');
  });
});
