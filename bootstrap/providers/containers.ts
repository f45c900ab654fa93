/**
 * The `containers` provider: each service is a testcontainers GenericContainer from a local
 * image (config.images; `pnpm e2e:service-images` builds the defaults from Debian packages, since
 * no registry is reachable), published on 127.0.0.1, data bind-mounted from the state dir.
 * Containers outlive setup: Ryuk is off unless the user turns it on, and we never call
 * testcontainers' stop. Reuse/repair is decided from Docker itself (name + labels), not
 * only from the stack file, so one service never gets two containers.
 */
import { mkdir } from 'node:fs/promises';
import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import type { ServiceName } from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { parseDockerHost } from '../../kernel/docker-host.ts';
import { SetupError, UsageError } from '../../kernel/errors.ts';
import { waitHealthy } from '../../kernel/health.ts';
import { choosePort } from '../../kernel/ports.ts';
import type { Endpoint, ServiceRecord } from '../../kernel/stack-file.ts';
import { missingImages } from '../service-images/service-images.ts';
import { SERVICES } from '../services/index.ts';
import { ensureDatabase } from '../services/postgres.ts';
import { ensureDockerEngine, lastLogLine } from '../system/docker-engine.ts';
import {
  CONTAINER_DATA_PATH,
  CONTAINER_PORT,
  containerEnv,
  containerLabels,
  containerName,
  imageMissingMessage,
  judgeExisting,
  LABEL_SERVICE,
  LABEL_STATE_DIR,
  loopbackHostPort,
  READY_LOG,
  STOP_SIGNAL,
  serviceDataDir,
  specHash,
  stateDirLabel,
} from './containers-spec.ts';
import type { ProviderContext, ServiceProvider, ServiceSpec, UpResult } from './provider.ts';
import { startServiceContainer } from './testcontainers-start.ts';

const LOOPBACK = '127.0.0.1';
/** A kept container must answer quickly; a fresh one gets time for initdb on 2 cores. */
const REUSE_PROBE_MS = 5_000;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_S = 20;
const REPLACE_STOP_S = 5;

/**
 * testcontainers reads its settings from process.env on first use; set them from our config
 * (the one place that writes the environment; kernel/env-access.test.ts allows it).
 * The host override matters when this machine is itself a container (/.dockerenv): testcontainers
 * would then probe the bridge gateway, but we publish on 127.0.0.1 only.
 */
export function configureTestcontainersEnv(
  config: { dockerHost: string; ryuk: boolean },
  env: NodeJS.ProcessEnv = process.env,
): void {
  env.DOCKER_HOST = config.dockerHost;
  env.TESTCONTAINERS_RYUK_DISABLED = config.ryuk ? 'false' : 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= LOOPBACK;
}

/** Our containers for a service: by name, by labels, and by the recorded id (deduplicated). */
async function findServiceContainers(
  docker: Docker,
  stateDir: string,
  name: ServiceName,
  previous: ServiceRecord | undefined,
): Promise<ContainerInspectInfo[]> {
  const ids = new Set<string>();
  const byLabel = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_STATE_DIR}=${stateDirLabel(stateDir)}`, `${LABEL_SERVICE}=${name}`] },
  });
  for (const c of byLabel) ids.add(c.Id);
  const cname = containerName(stateDir, name);
  const byName = await docker.listContainers({ all: true, filters: { name: [cname] } });
  for (const c of byName) if (c.Names.includes(`/${cname}`)) ids.add(c.Id);
  if (previous?.process.kind === 'container') ids.add(previous.process.id);
  const found: ContainerInspectInfo[] = [];
  for (const id of ids) {
    const info = await docker
      .getContainer(id)
      .inspect()
      .catch((err: { statusCode?: number }) => {
        if (err.statusCode === 404) return null;
        throw err;
      });
    if (info) found.push(info);
  }
  return found;
}

/** Stops (SIGTERM/SIGINT, then SIGKILL after `stopSeconds`) and removes; gone already is fine. */
async function removeContainer(docker: Docker, id: string, stopSeconds: number): Promise<void> {
  const c = docker.getContainer(id);
  const ignoreGone = (err: { statusCode?: number }) => {
    // 304: already stopped; 404: already gone; 409: removal already in progress.
    if (![304, 404, 409].includes(err.statusCode ?? 0)) throw err;
  };
  if (stopSeconds > 0) await c.stop({ t: stopSeconds }).catch(ignoreGone);
  await c.remove({ force: true, v: false }).catch(ignoreGone);
}

/** Joins the payloads of Docker's multiplexed (non-TTY) log stream: 8-byte header + chunk. */
export function demuxDockerLog(buf: Buffer): string {
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length && buf[off]! <= 2 && buf.readUIntBE(off + 1, 3) === 0) {
    const size = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, off + 8 + size));
    off += 8 + size;
  }
  // Not multiplexed (TTY container) or trailing garbage: keep the raw rest.
  if (off < buf.length) parts.push(buf.subarray(off));
  return Buffer.concat(parts).toString('utf8');
}

/** Last log line of a container, for one-line error messages. */
async function containerLastLine(docker: Docker, id: string): Promise<string> {
  try {
    const buf = (await docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true, tail: 20 })) as unknown as Buffer;
    return lastLogLine(demuxDockerLog(buf));
  } catch {
    return 'no logs';
  }
}

export function createContainersProvider(ctx: ProviderContext): ServiceProvider {
  const { config, paths, secrets, progress } = ctx;
  const ep = parseDockerHost(config.dockerHost);
  if (ep.kind === 'tcp' && !['127.0.0.1', 'localhost', '::1'].includes(ep.host)) {
    // Ports are published on the engine's 127.0.0.1; a remote engine's loopback is not ours.
    throw new UsageError(
      `DOCKER_HOST=${config.dockerHost} is remote; the containers provider needs a local engine (unix socket or tcp://127.0.0.1)`,
    );
  }
  configureTestcontainersEnv(config);
  const docker = dockerClient(config.dockerHost);

  const probe = (name: ServiceName, endpoint: Endpoint) => SERVICES[name].probe(endpoint, secrets);

  function record(
    name: ServiceName,
    info: ContainerInspectInfo,
    port: number,
    version: string,
  ): ServiceRecord {
    const endpoint = { host: LOOPBACK, port };
    const cname = info.Name.replace(/^\//, '');
    return {
      name,
      endpoint,
      url: SERVICES[name].url(endpoint),
      credentials: { ...SERVICES[name].credentials },
      process: { kind: 'container', id: info.Id, name: cname, image: config.images[name] },
      log: { kind: 'container', id: info.Id, dockerHost: config.dockerHost },
      dataDir: serviceDataDir(paths, name),
      version,
      startedAt: info.State.StartedAt,
    };
  }

  async function imageId(image: string): Promise<string> {
    try {
      return (await docker.getImage(image).inspect()).Id;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new SetupError(imageMissingMessage(image));
      throw err;
    }
  }

  return {
    kind: 'containers',

    async prepare(services) {
      await ensureDockerEngine({
        dockerHost: config.dockerHost,
        searchPath: config.searchPath,
        logFile: `${paths.logDir}/dockerd.log`,
        progress,
      });
      const missing = await missingImages(
        docker,
        services.map((s) => config.images[s]),
      );
      if (missing.length) throw new SetupError(imageMissingMessage(missing.join(', ')));
      if (config.ryuk) {
        // Ryuk's own image must be local too; fail here with one line rather than mid-start.
        const { getContainerRuntimeClient, getReaper } = await import('testcontainers');
        try {
          await getReaper(await getContainerRuntimeClient());
        } catch (err) {
          throw new SetupError(
            `Ryuk is enabled (TESTCONTAINERS_RYUK_DISABLED=false) but could not start (${(err as Error).message.split('\n')[0]}); set TESTCONTAINERS_RYUK_DISABLED=true`,
          );
        }
      }
    },

    async up(spec: ServiceSpec, previous: ServiceRecord | undefined): Promise<UpResult> {
      const { name } = spec;
      const image = config.images[name];
      const dataDir = serviceDataDir(paths, name);
      const env = containerEnv(name, secrets);
      const wantSpec = specHash({
        image,
        imageId: await imageId(image),
        env,
        dataDir,
        containerPort: CONTAINER_PORT[name],
      });

      const existing = (await findServiceContainers(docker, paths.stateDir, name, previous)).map((info) => ({
        info,
        hostPort: loopbackHostPort(info.NetworkSettings.Ports, CONTAINER_PORT[name]),
      }));
      // A pinned port held by someone else fails before we touch our containers.
      if (spec.pinnedPort !== undefined && !existing.some((e) => e.hostPort === spec.pinnedPort)) {
        await choosePort(name, spec.pinnedPort, undefined);
      }

      // Keep at most one healthy matching container; everything else of ours goes.
      let kept: UpResult | null = null;
      for (const { info, hostPort } of existing) {
        let verdict = judgeExisting(
          {
            running: info.State.Running,
            status: info.State.Status,
            labels: info.Config.Labels ?? {},
            hostPort,
          },
          { specHash: wantSpec, pinnedPort: spec.pinnedPort },
        );
        if (verdict.action === 'reuse' && !kept) {
          const port = verdict.port;
          const version = await waitHealthy(name, () => probe(name, { host: LOOPBACK, port }), {
            timeoutMs: REUSE_PROBE_MS,
            logHint: `docker logs ${info.Name.slice(1)}`,
          }).catch((err: Error) => {
            verdict = { action: 'replace', why: `running but unhealthy: ${err.message}` };
            return null;
          });
          if (version) {
            kept = { record: record(name, info, port, version), reused: true };
            continue;
          }
        }
        const why = verdict.action === 'replace' ? verdict.why : 'duplicate container for this service';
        progress.info(
          `${name}: replacing container ${info.Name.slice(1)} (${why}); data in ${dataDir} is kept`,
        );
        // A clean stop spares Postgres crash recovery; a hung one gets little patience.
        await removeContainer(docker, info.Id, info.State.Running ? REPLACE_STOP_S : 0);
      }
      if (kept) return kept;

      await mkdir(dataDir, { recursive: true });
      const port = await choosePort(name, spec.pinnedPort, previous?.endpoint.port ?? spec.preferredPort);
      const cname = containerName(paths.stateDir, name);
      let id: string;
      try {
        id = await startServiceContainer({
          image,
          name: cname,
          labels: containerLabels(paths.stateDir, name, wantSpec),
          env,
          containerPort: CONTAINER_PORT[name],
          hostPort: port,
          bind: { source: dataDir, target: CONTAINER_DATA_PATH[name] },
          readyLog: READY_LOG[name],
          stopSignal: STOP_SIGNAL[name],
          startupTimeoutMs: START_TIMEOUT_MS,
          ryuk: config.ryuk,
        });
      } catch (err) {
        const existing = await docker
          .getContainer(cname)
          .inspect()
          .catch(() => null);
        const last = existing ? await containerLastLine(docker, existing.Id) : 'container was not created';
        throw new SetupError(
          `${name} container ${cname} did not start: ${(err as Error).message.split('\n')[0]} (last log line: ${last}; see \`docker logs ${cname}\`)`,
        );
      }
      const endpoint = { host: LOOPBACK, port };
      const version = await waitHealthy(name, () => probe(name, endpoint), {
        timeoutMs: 60_000,
        logHint: `docker logs ${cname}`,
        isAlive: async () => (await docker.getContainer(id).inspect()).State.Running,
      }).catch((err: Error) => {
        throw new SetupError(err.message);
      });
      // First boot creates the DB via POSTGRES_DB; this also repairs a data dir that lacks it.
      if (name === 'postgres') await ensureDatabase(endpoint, secrets.DB_PASSWORD);
      return { record: record(name, await docker.getContainer(id).inspect(), port, version), reused: false };
    },

    async down(rec: ServiceRecord): Promise<void> {
      // By recorded id and by name/labels: a container recreated behind the record's back goes too.
      for (const info of await findServiceContainers(docker, paths.stateDir, rec.name, rec)) {
        await removeContainer(docker, info.Id, STOP_TIMEOUT_S);
      }
    },
  };
}
