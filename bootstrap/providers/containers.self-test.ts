/**
 * Containers provider self-test: local images (built from Debian packages when missing),
 * the three services as containers in a temp state dir, proven with real traffic, then
 * reuse, repair without duplicates, pinned-port and missing-image errors, and data kept
 * across down/up. Timings are printed at the end (cold image build can take minutes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootstrapConfig, SERVICE_NAMES, type ServiceName } from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { SetupError } from '../../kernel/errors.ts';
import { statePaths } from '../../kernel/paths.ts';
import { freePort } from '../../kernel/ports.ts';
import { createProgress } from '../../kernel/progress.ts';
import { loadOrMintSecrets, type Secrets } from '../../kernel/secrets.ts';
import { isolatedConfig, selfTestContext } from '../../kernel/self-test.ts';
import type { ServiceRecord } from '../../kernel/stack-file.ts';
import { ensureServiceImages } from '../service-images/service-images.ts';
import { provePostgres, proveRedis, proveRegistry, readPostgresMarkers } from '../services/prove.ts';
import { registryUrl } from '../services/registry.ts';
import { ensureDockerEngine } from '../system/docker-engine.ts';
import { createContainersProvider } from './containers.ts';
import { containerName, LABEL_SERVICE, LABEL_STATE_DIR, serviceDataDir } from './containers-spec.ts';
import type { ServiceProvider } from './provider.ts';

let stateDir: string;
let config: BootstrapConfig;
let secrets: Secrets;
let docker: Docker;
let provider: ServiceProvider;
const records: Partial<Record<ServiceName, ServiceRecord>> = {};
const timings: string[] = [];
const progress = createProgress(process.stderr, !selfTestContext().verbose);

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  timings.push(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

function makeProvider(extra: Partial<BootstrapConfig> = {}): ServiceProvider {
  const cfg = { ...config, ...extra };
  return createContainersProvider({ config: cfg, paths: statePaths(stateDir), secrets, progress });
}

async function upAll(
  previous: Partial<Record<ServiceName, ServiceRecord>>,
): Promise<Record<ServiceName, boolean>> {
  const reused = {} as Record<ServiceName, boolean>;
  for (const name of SERVICE_NAMES) {
    const res = await provider.up({ name, pinnedPort: undefined }, previous[name]);
    records[name] = res.record;
    reused[name] = res.reused;
  }
  return reused;
}

/** Every container of this state dir, running or not (the "never two" check). */
async function ourContainers(service?: ServiceName) {
  const label = [`${LABEL_STATE_DIR}=${stateDir}`];
  if (service) label.push(`${LABEL_SERVICE}=${service}`);
  return docker.listContainers({ all: true, filters: { label } });
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'e2e-containers-'));
  config = isolatedConfig(stateDir, { provider: 'containers' });
  const paths = statePaths(stateDir);
  secrets = (await loadOrMintSecrets(paths.secretsFile)).secrets;
  await timed('docker engine', () =>
    ensureDockerEngine({
      dockerHost: config.dockerHost,
      searchPath: config.searchPath,
      logFile: join(paths.logDir, 'dockerd.log'),
      progress,
    }),
  );
  docker = dockerClient(config.dockerHost);
  const built = await timed('service images (ensure)', () =>
    ensureServiceImages({ docker, cacheDir: paths.cacheDir, progress }),
  );
  timings.push(`  image states: ${JSON.stringify(built)}`);
  await timed('service images (second ensure)', () =>
    ensureServiceImages({ docker, cacheDir: paths.cacheDir, progress }),
  );
  provider = makeProvider();
  await provider.prepare(SERVICE_NAMES);
}, 1_200_000);

afterAll(async () => {
  if (docker) {
    for (const c of await ourContainers().catch(() => []))
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {});
  }
  await rm(stateDir, { recursive: true, force: true });
  process.stderr.write(`containers provider timings:\n  ${timings.join('\n  ')}\n`);
}, 120_000);

describe('containers provider', () => {
  it('cold up starts all three as loopback-only containers that answer real traffic', async () => {
    for (const name of SERVICE_NAMES) {
      const res = await timed(`cold up ${name}`, () =>
        provider.up({ name, pinnedPort: undefined }, undefined),
      );
      expect(res.reused).toBe(false);
      records[name] = res.record;
    }
    expect(await provePostgres(records.postgres!.endpoint, secrets, 'cold')).toEqual(['cold']);
    expect(await proveRedis(records.redis!.endpoint, 'cold')).toBe('cold');
    const blob = await proveRegistry(records.registry!.endpoint, 'cold');
    expect(blob.pulled).toBe(blob.pushed);

    for (const name of SERVICE_NAMES) {
      const rec = records[name]!;
      expect(rec.endpoint.host).toBe('127.0.0.1');
      expect(rec.url).not.toContain(secrets.DB_PASSWORD);
      expect(rec.process).toMatchObject({
        kind: 'container',
        name: containerName(stateDir, name),
        image: config.images[name],
      });
      // The path guard reads it on the same engine the provider used.
      expect(rec.log).toEqual({
        kind: 'container',
        id: rec.process.kind === 'container' ? rec.process.id : '',
        dockerHost: config.dockerHost,
      });
      expect(rec.dataDir).toBe(serviceDataDir(statePaths(stateDir), name));
      const info = await docker.getContainer(containerName(stateDir, name)).inspect();
      // Published on loopback only, data bind-mounted, and nothing that would reap it on our exit.
      const bindings = Object.values(info.HostConfig.PortBindings ?? {}).flat() as { HostIp: string }[];
      expect(bindings.map((b) => b.HostIp)).toEqual(['127.0.0.1']);
      expect(info.HostConfig.Binds?.[0]).toMatch(new RegExp(`^${rec.dataDir}:`));
      expect(info.HostConfig.AutoRemove).toBe(false);
      expect(info.Config.Labels[LABEL_STATE_DIR]).toBe(stateDir);
      if (name === 'postgres') expect((info.Config as { StopSignal?: string }).StopSignal).toBe('SIGINT');
    }
    expect(
      (await docker.listContainers({ filters: { ancestor: ['testcontainers/ryuk'] } }).catch(() => []))
        .length,
    ).toBe(0);
  });

  it('up again with the previous records reuses all three within seconds', async () => {
    const before = { ...records };
    const t0 = performance.now();
    const reused = await timed('warm up (all three)', () => upAll(before));
    expect(reused).toEqual({ postgres: true, redis: true, registry: true });
    expect(performance.now() - t0).toBeLessThan(5_000);
    for (const name of SERVICE_NAMES) expect(records[name]!.process).toEqual(before[name]!.process);
  });

  it('a lost stack file does not lead to duplicates: containers are found by name and label', async () => {
    const reused = await upAll({});
    expect(reused).toEqual({ postgres: true, redis: true, registry: true });
    expect((await ourContainers()).length).toBe(3);
  });

  it('a container killed behind our back is replaced on the same port and data dir, never duplicated', async () => {
    const before = records.redis!;
    await docker.getContainer(containerName(stateDir, 'redis')).kill();
    const res = await timed('repair up redis', () =>
      provider.up({ name: 'redis', pinnedPort: undefined }, before),
    );
    expect(res.reused).toBe(false);
    expect(res.record.process).not.toEqual(before.process);
    expect(res.record.endpoint).toEqual(before.endpoint);
    expect(await proveRedis(res.record.endpoint, 'repaired')).toBe('repaired');
    expect((await ourContainers('redis')).length).toBe(1);
    records.redis = res.record;
  });

  it('a pinned port that is taken fails with one line naming it, leaving the running container alone', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const err = await provider
        .up({ name: 'redis', pinnedPort: port }, records.redis)
        .catch((e: Error) => e);
      expect(err).toBeInstanceOf(SetupError);
      expect((err as Error).message).toBe(
        `port ${port} for redis is already taken on 127.0.0.1; free it or unset the pinned port to get a free one`,
      );
    } finally {
      blocker.close();
    }
    expect(await proveRedis(records.redis!.endpoint, 'still-up')).toBe('still-up');
  });

  it('a changed image is detected: the container is replaced on the same port, data kept', async () => {
    const alt = 'boxlite-e2e/redis:e2e-alt';
    await docker.getImage(config.images.redis).tag({ repo: 'boxlite-e2e/redis', tag: 'e2e-alt' });
    try {
      const altProvider = makeProvider({ images: { ...config.images, redis: alt } });
      const res = await altProvider.up({ name: 'redis', pinnedPort: undefined }, records.redis);
      expect(res.reused).toBe(false);
      expect(res.record.process).toMatchObject({ kind: 'container', image: alt });
      expect(res.record.endpoint).toEqual(records.redis!.endpoint);
      expect((await ourContainers('redis')).length).toBe(1);
      // And back: the default image replaces it again; the key written before survives (clean stop).
      const back = await provider.up({ name: 'redis', pinnedPort: undefined }, res.record);
      expect(back.reused).toBe(false);
      records.redis = back.record;
      expect(await proveRedis(back.record.endpoint, 'still-up')).toBe('still-up');
    } finally {
      await docker
        .getImage(alt)
        .remove({ noprune: true })
        .catch(() => {});
    }
  });

  it('a missing image fails prepare with one line pointing at pnpm e2e:service-images', async () => {
    const p = makeProvider({ images: { ...config.images, redis: 'boxlite-e2e/nope:missing' } });
    await expect(p.prepare(['redis'])).rejects.toThrow(
      'image boxlite-e2e/nope:missing not found locally; run `pnpm e2e:service-images` (air-gapped: images are built from Debian packages)',
    );
  });

  it('down removes the containers but keeps data: after up again the row, key and blob are still there', async () => {
    const blob = await proveRegistry(records.registry!.endpoint, 'kept');
    for (const name of SERVICE_NAMES) await timed(`down ${name}`, () => provider.down(records[name]!));
    expect((await ourContainers()).length).toBe(0);

    const previous = { ...records };
    const reused = await timed('up after down (all three)', () => upAll(previous));
    expect(reused).toEqual({ postgres: false, redis: false, registry: false });
    expect(await readPostgresMarkers(records.postgres!.endpoint, secrets)).toEqual(['cold']);
    // Redis saves its RDB on a clean stop (the default save points are on).
    const redis = new Redis({
      host: '127.0.0.1',
      port: records.redis!.endpoint.port,
      maxRetriesPerRequest: 1,
    });
    try {
      expect(await redis.get('e2e:proof:still-up')).toBe('still-up');
    } finally {
      redis.disconnect();
    }
    const res = await request(`${registryUrl(records.registry!.endpoint)}/v2/e2e/proof/blobs/${blob.pushed}`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    // Same ports as before, since they were free again.
    for (const name of SERVICE_NAMES) expect(records[name]!.endpoint).toEqual(previous[name]!.endpoint);
  });
});
