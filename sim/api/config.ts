/**
 * CLI (one option table, kernel/options.ts) + stack-file loading. Everything the API needs
 * comes from the stack file (service endpoints) and the secrets file it names (DB_PASSWORD,
 * ADMIN_API_KEY, RUNNER_TOKEN).
 * Postgres user/database come from the stack's connection URL so a dev stack can point the
 * sim at its own role and database.
 */
import { PG_DATABASE, PG_USER } from '../../bootstrap/services/postgres.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { UsageError } from '../../kernel/errors.ts';
import { type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { type Endpoint, readStackFile } from '../../kernel/stack-file.ts';
import { type BugId, parseBugs, SIM_BUGS_OPTION } from '../bugs.ts';

export interface ApiConfig {
  port: number;
  host: string;
  runnerUrl: string;
  accessLog: string;
  bugs: Set<BugId>;
  postgres: { host: string; port: number; user: string; password: string; database: string };
  redis: Endpoint;
  /** "host:port" of the stack registry, used to resolve image names. */
  registry: string;
  adminApiKey: string;
  runnerToken: string;
}

export const API_OPTIONS = {
  port: { flag: 'port', type: 'int', min: 0, max: 65535, required: true, doc: 'listen port (0 = any)' },
  host: { flag: 'host', type: 'string', default: '127.0.0.1', doc: 'listen address' },
  stack: { flag: 'stack', type: 'path', required: true, doc: 'the stack file' },
  runnerUrl: {
    flag: 'runner-url',
    type: 'string',
    required: true,
    doc: 'the sim runner, http://host:port',
    check: (v: string) => {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw new Error('is not a URL');
      }
      if (u.protocol !== 'http:') throw new Error('must be http://');
    },
  },
  accessLog: { flag: 'access-log', type: 'path', required: true, doc: 'access log (JSON lines)' },
  bugs: SIM_BUGS_OPTION,
  dbName: {
    flag: 'db-name',
    type: 'string',
    doc: 'database name (default: from the stack)',
    check: (v: string) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v)) throw new Error('must be a lowercase SQL identifier');
    },
  },
} as const satisfies OptionTable;

export type CliArgs = Omit<Resolved<typeof API_OPTIONS>, 'bugs'> & { bugs: Set<BugId> };

/** One door: flags win over env (`--bugs` over BOXLITE_SIM_BUGS), like every entry point. */
export function parseApiArgs(argv: readonly string[], env: Env): CliArgs {
  const { values } = resolveOptions(API_OPTIONS, argv, env);
  return { ...values, runnerUrl: new URL(values.runnerUrl).origin, bugs: parseBugs(values.bugs.join(',')) };
}

/** Reads the stack and secrets; a missing service is bad input (exit 2), not a crash. */
export async function loadConfig(args: CliArgs): Promise<ApiConfig> {
  const stack = await readStackFile(args.stack);
  if (!stack) throw new UsageError(`stack file ${args.stack} does not exist`);
  const { postgres, redis, registry } = stack.services;
  if (!postgres || !redis || !registry)
    throw new UsageError(`stack file ${args.stack} lacks postgres, redis or registry`);
  const secrets = await readSecrets(stack.secretsFile);
  let user = PG_USER;
  let database = PG_DATABASE;
  try {
    const u = new URL(postgres.url);
    if (u.username) user = decodeURIComponent(u.username);
    if (u.pathname.length > 1) database = decodeURIComponent(u.pathname.slice(1));
  } catch {
    // A URL we cannot parse just means the bootstrap defaults.
  }
  const pwKey = (postgres.credentials.password ?? 'DB_PASSWORD') as keyof typeof secrets;
  const password = secrets[pwKey];
  if (!password) throw new UsageError(`secrets file lacks ${pwKey}`);
  return {
    port: args.port,
    host: args.host,
    runnerUrl: args.runnerUrl,
    accessLog: args.accessLog,
    bugs: args.bugs,
    postgres: {
      host: postgres.endpoint.host,
      port: postgres.endpoint.port,
      user,
      password,
      database: args.dbName ?? database,
    },
    redis: redis.endpoint,
    registry: `${registry.endpoint.host}:${registry.endpoint.port}`,
    adminApiKey: secrets.ADMIN_API_KEY,
    runnerToken: secrets.RUNNER_TOKEN,
  };
}
