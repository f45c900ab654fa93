/**
 * The ONE place tests find a stack: the bootstrap stack (<repo>/.e2e-state/stack.json),
 * which the e2e project's global setup provisions. Each caller gets its own derived stack
 * file whose stateDir is a temp dir, so the runner it spawns labels its containers apart
 * from any long-running stack runner.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { REPO_ROOT } from '../../../kernel/paths.ts';
import { readSecrets, type Secrets } from '../../../kernel/secrets.ts';
import { readStackFile, type StackFile } from '../../../kernel/stack-file.ts';

export const REAL_STACK_FILE = join(REPO_ROOT, '.e2e-state', 'stack.json');
export interface TestStack {
  source: 'stack';
  /** Derived stack file for processes this test spawns. */
  stackFile: string;
  stateDir: string;
  secrets: Secrets;
  /** "host:port" of the registry. */
  registry: string;
  /** Postgres connection for direct assertions (e.g. keys are stored hashed). */
  pg: pg.ClientConfig;
}

export async function testStack(): Promise<TestStack> {
  const stack = existsSync(REAL_STACK_FILE) ? await readStackFile(REAL_STACK_FILE) : null;
  if (!stack)
    throw new Error(
      `no stack at ${REAL_STACK_FILE}: run \`pnpm e2e:setup\` (the e2e project's global setup does)`,
    );
  const stateDir = await mkdtemp(join(tmpdir(), 'sim-api-test-'));
  const derived: StackFile = { ...stack, stateDir };
  const stackFile = join(stateDir, 'stack.json');
  await writeFile(stackFile, `${JSON.stringify(derived, null, 2)}\n`);
  const secrets = await readSecrets(stack.secretsFile);
  const p = stack.services.postgres;
  const r = stack.services.registry;
  if (!p || !r) throw new Error('stack lacks postgres or registry');
  const u = new URL(p.url);
  return {
    source: 'stack',
    stackFile,
    stateDir,
    secrets,
    registry: `${r.endpoint.host}:${r.endpoint.port}`,
    pg: {
      host: p.endpoint.host,
      port: p.endpoint.port,
      user: decodeURIComponent(u.username),
      password: secrets.DB_PASSWORD,
    },
  };
}
