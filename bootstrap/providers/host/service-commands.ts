/**
 * How each service runs as a host process: Debian package, binary, data-dir preparation
 * and argv. Everything binds 127.0.0.1 only; every data dir lives under the state dir.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { $ } from 'zx';
import type { ServiceName } from '../../../kernel/config.ts';
import { SetupError } from '../../../kernel/errors.ts';
import type { Secrets } from '../../../kernel/secrets.ts';
import { PG_USER } from '../../services/postgres.ts';

export interface HostCommand {
  argv: string[];
  stopSignal: NodeJS.Signals;
  uid?: number;
  gid?: number;
}

export interface HostPlacement {
  dataDir: string;
  runDir: string;
  port: number;
}

export interface HostServiceDef {
  packages: string[];
  /** Substring of the child's /proc cmdline, to recognise an orphan after a supervisor crash. */
  childMarker(p: HostPlacement): string;
  /** Idempotent first-boot preparation (initdb, config files); returns how to run it. */
  prepare(opts: HostPlacement & { secrets: Secrets }): Promise<HostCommand>;
}

/** Newest installed PostgreSQL major (Debian keeps binaries out of PATH, per version). */
export function postgresBinDir(root = '/usr/lib/postgresql'): string {
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0])
    throw new SetupError(`no PostgreSQL server binaries under ${root}; install the postgresql package`);
  return join(root, majors[0], 'bin');
}

async function allowTraverse(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    const mode = (await stat(dir)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
  }
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const out = await $({ nothrow: true, quiet: true })`id -u ${name}; id -g ${name}`;
  const [uid, gid] = out.stdout.trim().split('\n').map(Number);
  if (out.exitCode !== 0 || uid === undefined || gid === undefined || Number.isNaN(uid)) {
    throw new SetupError(`system user ${name} does not exist; install the postgresql package`);
  }
  return { uid, gid };
}

const postgres: HostServiceDef = {
  packages: ['postgresql'],
  childMarker: ({ dataDir }) => dataDir,
  async prepare({ dataDir, runDir, port, secrets }) {
    const bin = postgresBinDir();
    // postgres refuses to run as root; as root we drop to the Debian `postgres` user.
    const asRoot = process.getuid?.() === 0;
    const owner = asRoot ? await systemUser('postgres') : undefined;
    const sockDir = join(runDir, 'postgres');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // The postgres user must be able to reach its dirs inside our (maybe 0700) state dir.
    if (owner) await allowTraverse([dirname(runDir), runDir, dirname(dataDir), dirname(dirname(dataDir))]);
    await mkdir(sockDir, { recursive: true });
    if (owner) {
      await chown(dataDir, owner.uid, owner.gid);
      await chown(sockDir, owner.uid, owner.gid);
    }
    await chmod(dataDir, 0o700);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      const pwfile = join(runDir, 'postgres.pw');
      await writeFile(pwfile, `${secrets.DB_PASSWORD}\n`, { mode: 0o600 });
      if (owner) await chown(pwfile, owner.uid, owner.gid);
      try {
        const initdb = [
          join(bin, 'initdb'),
          '-D',
          dataDir,
          '-U',
          PG_USER,
          '--auth=scram-sha-256',
          `--pwfile=${pwfile}`,
          '-E',
          'UTF8',
        ];
        const run = owner
          ? $({ quiet: true })`runuser -u postgres -- ${initdb}`
          : $({ quiet: true })`${initdb}`;
        const res = await run.nothrow();
        if (res.exitCode !== 0) throw new SetupError(`initdb failed: ${res.stderr.trim().split('\n').pop()}`);
      } finally {
        await rm(pwfile, { force: true });
      }
    }
    return {
      argv: [
        join(bin, 'postgres'),
        '-D',
        dataDir,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-k',
        sockDir,
        // Durable commits (the default): with synchronous_commit=off a Postgres crash dropped the
        // last commits — the Postgres fault test (harness/faults) saw a stop acknowledged just
        // before the crash come back `running`, and a new box come back `configured`.
      ],
      stopSignal: 'SIGINT', // "fast" shutdown: roll back clients, checkpoint, exit
      ...(owner ?? {}),
    };
  },
};

const redis: HostServiceDef = {
  packages: ['redis-server'],
  // redis rewrites its process title to "redis-server 127.0.0.1:PORT".
  childMarker: ({ port }) => `redis-server 127.0.0.1:${port}`,
  async prepare({ dataDir, port }) {
    await mkdir(dataDir, { recursive: true });
    return {
      argv: [
        '/usr/bin/redis-server',
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dataDir,
        '--save',
        '60 1',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      stopSignal: 'SIGTERM',
    };
  },
};

const registry: HostServiceDef = {
  packages: ['docker-registry'],
  childMarker: ({ runDir }) => join(runDir, 'registry.yml'),
  async prepare({ dataDir, runDir, port }) {
    await mkdir(dataDir, { recursive: true });
    const config = join(runDir, 'registry.yml');
    await writeFile(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${dataDir}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    return { argv: ['/usr/bin/docker-registry', 'serve', config], stopSignal: 'SIGTERM' };
  },
};

export const HOST_SERVICES: Record<ServiceName, HostServiceDef> = { postgres, redis, registry };
