/**
 * CLI + stack-file loading. Everything the API needs comes from the stack file (service
 * endpoints) and the secrets file it names (DB_PASSWORD, ADMIN_API_KEY, RUNNER_TOKEN).
 * Postgres user/database come from the stack's connection URL so a dev stack can point the
 * sim at its own role and database.
 */
import { parseArgs } from 'node:util';
import { PG_DATABASE, PG_USER } from '../../bootstrap/services/postgres.ts';
import { UsageError } from '../../kernel/errors.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { type Endpoint, readStackFile } from '../../kernel/stack-file.ts';
import { type BugId, parseBugs } from '../bugs.ts';

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

export interface CliArgs {
  port: number;
  host: string;
  stack: string;
  runnerUrl: string;
  accessLog: string;
  bugs: Set<BugId>;
  dbName?: string;
}

const USAGE =
  'usage: sim/api/main.ts --port N --stack <stack.json> --runner-url http://host:port --access-log <file> [--bugs a,b] [--host H] [--db-name NAME]';

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliArgs {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        stack: { type: 'string' },
        'runner-url': { type: 'string' },
        'access-log': { type: 'string' },
        bugs: { type: 'string' },
        'db-name': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; ${USAGE}`);
  }
  const port = Number(values.port);
  if (!values.port || !/^\d+$/.test(values.port) || port > 65535)
    throw new UsageError(`--port must be 0-65535; ${USAGE}`);
  for (const k of ['stack', 'runner-url', 'access-log'] as const) {
    if (!values[k]) throw new UsageError(`--${k} is required; ${USAGE}`);
  }
  let runnerUrl: URL;
  try {
    runnerUrl = new URL(values['runner-url'] as string);
  } catch {
    throw new UsageError(`--runner-url ${JSON.stringify(values['runner-url'])} is not a URL`);
  }
  if (runnerUrl.protocol !== 'http:') throw new UsageError('--runner-url must be http://');
  let bugs: Set<BugId>;
  try {
    bugs = parseBugs([values.bugs, env.BOXLITE_SIM_BUGS].filter(Boolean).join(','));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values['db-name'] !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(values['db-name'])) {
    throw new UsageError('--db-name must be a lowercase SQL identifier');
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    stack: values.stack as string,
    runnerUrl: runnerUrl.origin,
    accessLog: values['access-log'] as string,
    bugs,
    ...(values['db-name'] ? { dbName: values['db-name'] } : {}),
  };
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
