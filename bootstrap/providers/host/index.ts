/**
 * The `host` provider: Debian binaries as child processes of our supervisor, each with its
 * own data dir under the state dir, bound to 127.0.0.1 on free ports, health-checked for real.
 */
import { join } from 'node:path';
import type { ServiceName } from '../../../kernel/config.ts';
import { SetupError } from '../../../kernel/errors.ts';
import { waitHealthy } from '../../../kernel/health.ts';
import { choosePort } from '../../../kernel/ports.ts';
import { inspectSupervised, launchSupervised, stopSupervised } from '../../../kernel/process/supervised.ts';
import type { ServiceRecord } from '../../../kernel/stack-file.ts';
import { SERVICES } from '../../services/index.ts';
import { ensureDatabase } from '../../services/postgres.ts';
import { ensureDebianPackages } from '../../system/apt.ts';
import type { ProviderContext, ServiceProvider, ServiceSpec, UpResult } from '../provider.ts';
import { HOST_SERVICES } from './service-commands.ts';

const HEALTH_TIMEOUT_MS = 30_000;

export function createHostProvider(ctx: ProviderContext): ServiceProvider {
  const { paths, secrets, progress } = ctx;
  const dataDirOf = (name: ServiceName) => join(paths.dataDir, 'host', name);
  const logOf = (name: ServiceName) => join(paths.logDir, `${name}.log`);

  async function healthy(name: ServiceName, record: ServiceRecord): Promise<string | null> {
    try {
      return await SERVICES[name].probe(record.endpoint, secrets);
    } catch {
      return null;
    }
  }

  return {
    kind: 'host',

    async prepare(services) {
      await ensureDebianPackages(
        services.flatMap((s) => HOST_SERVICES[s].packages),
        progress,
      );
    },

    async up(spec: ServiceSpec, previous: ServiceRecord | undefined): Promise<UpResult> {
      const { name } = spec;
      const def = HOST_SERVICES[name];
      const sup = await inspectSupervised(paths.runDir, name);
      // Reuse: our supervisor is alive and the recorded endpoint answers a real probe.
      // The run dir's supervisor state is the truth about pids; the stack file may be stale.
      if (previous && sup.alive && sup.state) {
        const version = await healthy(name, previous);
        const process = {
          kind: 'supervised' as const,
          supervisorPid: sup.state.supervisorPid,
          pid: sup.state.childPid,
        };
        if (version) return { record: { ...previous, version, process }, reused: true };
      }
      // Anything else is stale: stop whatever is left (supervisor and orphan child) and start fresh.
      if (sup.state) {
        progress.info(
          `${name}: stale process state found (supervisor ${sup.alive ? 'alive but unhealthy' : 'dead'}); restarting`,
        );
        const placement = {
          dataDir: dataDirOf(name),
          runDir: paths.runDir,
          port: previous?.endpoint.port ?? 0,
        };
        await stopSupervised(paths.runDir, name, def.childMarker(placement));
      }
      const port = await choosePort(name, spec.pinnedPort, previous?.endpoint.port ?? spec.preferredPort);
      const dataDir = dataDirOf(name);
      const cmd = await def.prepare({ dataDir, runDir: paths.runDir, port, secrets });
      const state = await launchSupervised({
        name,
        runDir: paths.runDir,
        argv: cmd.argv,
        logFile: logOf(name),
        stopSignal: cmd.stopSignal,
        ...(cmd.uid !== undefined ? { uid: cmd.uid, gid: cmd.gid } : {}),
      });
      const endpoint = { host: '127.0.0.1', port };
      const isAlive = async () => (await inspectSupervised(paths.runDir, name)).alive;
      const logHint = logOf(name);
      let version: string;
      try {
        if (name === 'postgres') {
          // First boot has only the maintenance DB; create ours, then probe it.
          await waitHealthy(
            name,
            () =>
              SERVICES.postgres.probe(endpoint, secrets).catch(async (err) => {
                if (!/does not exist/.test((err as Error).message)) throw err;
                await ensureDatabase(endpoint, secrets.DB_PASSWORD);
                return SERVICES.postgres.probe(endpoint, secrets);
              }),
            { timeoutMs: HEALTH_TIMEOUT_MS, logHint, isAlive },
          );
        }
        version = await waitHealthy(name, () => SERVICES[name].probe(endpoint, secrets), {
          timeoutMs: HEALTH_TIMEOUT_MS,
          logHint,
          isAlive,
        });
      } catch (err) {
        throw new SetupError((err as Error).message);
      }
      const record: ServiceRecord = {
        name,
        endpoint,
        url: SERVICES[name].url(endpoint),
        credentials: SERVICES[name].credentials,
        process: { kind: 'supervised', supervisorPid: state.supervisorPid, pid: state.childPid },
        log: { kind: 'file', path: logOf(name) },
        dataDir,
        version,
        startedAt: new Date().toISOString(),
      };
      return { record, reused: false };
    },

    async down(record) {
      const placement = { dataDir: record.dataDir, runDir: paths.runDir, port: record.endpoint.port };
      await stopSupervised(paths.runDir, record.name, HOST_SERVICES[record.name].childMarker(placement));
    },
  };
}
