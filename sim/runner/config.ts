/**
 * Runner configuration, derived only from the stack file (registry endpoint, secrets file)
 * and the secrets file (RUNNER_TOKEN) — never from inline secrets or flags.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { UsageError } from '../../kernel/errors.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { readStackFile } from '../../kernel/stack-file.ts';

export interface RunnerConfig {
  /** Stable per stack: labels this runner's containers so runners sharing an engine never mix boxes. */
  runnerId: string;
  stateDir: string;
  /** host:port of the stack registry, or null when the stack has none (unqualified refs then fail). */
  registry: string | null;
  token: string;
}

/** Same stack → same id, so a restarted runner re-adopts exactly the boxes it created. */
export function runnerIdFor(stateDir: string): string {
  return createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 12);
}

export async function loadRunnerConfig(stackPath: string): Promise<RunnerConfig> {
  const stack = await readStackFile(stackPath);
  if (!stack) throw new UsageError(`stack file ${stackPath} does not exist`);
  const reg = stack.services.registry?.endpoint;
  const secrets = await readSecrets(resolve(stack.secretsFile));
  return {
    runnerId: runnerIdFor(stack.stateDir),
    stateDir: stack.stateDir,
    registry: reg ? `${reg.host}:${reg.port}` : null,
    token: secrets.RUNNER_TOKEN,
  };
}
