/**
 * The sim self-tests' stack: the bootstrap stack of the configured state dir (the e2e
 * project's global setup provisions it and hands its config over, kernel/self-test.ts),
 * derived into a throw-away state dir with the StackFile writers. The own state dir gives
 * the runners a test starts their own runner id (their boxes never mix with the stack's),
 * run dir and logs; services, images and secrets are the stack's.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { type StatePaths, statePaths } from '../../kernel/paths.ts';
import { readSecrets, type Secrets } from '../../kernel/secrets.ts';
import { selfTestContext } from '../../kernel/self-test.ts';
import { emptyStack, readStackFile, writeStackFile } from '../../kernel/stack-file.ts';
import { runnerIdFor } from '../runner/config.ts';

export interface TestServices {
  stateDir: string;
  paths: StatePaths;
  /** The derived stack file the processes a test starts are given. */
  stackFile: string;
  secrets: Secrets;
  /** Bearer for the runner (RUNNER_TOKEN) and the API (ADMIN_API_KEY). */
  token: string;
  adminKey: string;
  /** "host:port" of the stack registry. */
  registry: string;
  /** Postgres connection for direct assertions (e.g. keys are stored hashed). */
  pg: pg.ClientConfig;
  /** The engine of this run (DOCKER_HOST as the global setup resolved it). */
  dockerHost: string;
  runnerId: string;
  /** A guest image as the stack registry holds it. */
  image(kind?: 'busybox' | 'debian'): string;
}

export async function testServices(): Promise<TestServices> {
  const { config } = selfTestContext();
  const source = statePaths(config.stateDir).stackFile;
  const stack = await readStackFile(source);
  const { postgres, registry } = stack?.services ?? {};
  if (!stack || !postgres || !registry)
    throw new Error(`no services in ${source}: the self-test project's global setup provisions them`);
  const stateDir = await mkdtemp(join(tmpdir(), 'sim-test-'));
  const paths = statePaths(stateDir);
  const derived = {
    ...emptyStack(stack.provider, 'sim', stateDir, stack.secretsFile),
    services: stack.services,
  };
  await writeStackFile(paths.stackFile, { ...derived, ...(stack.images ? { images: stack.images } : {}) });
  const secrets = await readSecrets(stack.secretsFile);
  const reg = `${registry.endpoint.host}:${registry.endpoint.port}`;
  return {
    stateDir,
    paths,
    stackFile: paths.stackFile,
    secrets,
    token: secrets.RUNNER_TOKEN,
    adminKey: secrets.ADMIN_API_KEY,
    registry: reg,
    pg: {
      host: postgres.endpoint.host,
      port: postgres.endpoint.port,
      user: decodeURIComponent(new URL(postgres.url).username),
      password: secrets.DB_PASSWORD,
    },
    dockerHost: config.dockerHost,
    runnerId: runnerIdFor(stateDir),
    image: (kind = 'busybox') =>
      stack.images?.find((i) => i.name.endsWith(`/${kind}`))?.reference ?? `${reg}/boxlite-e2e/${kind}:1`,
  };
}
