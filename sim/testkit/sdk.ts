/** The real npm SDK (REST mode, drivers/node-sdk) pointed at a test sim. */
import type { Boxlite } from '@boxlite-ai/boxlite';
import { createRuntime, finishSdkExec, type SdkExecution } from '../../drivers/node-sdk/driver.ts';
import type { Sim } from './suites.ts';

/** Unqualified on purpose: the API resolves it against the stack registry. */
export const TEST_IMAGE = 'boxlite-e2e/busybox:1';

export function sdkRuntime(sim: Sim, opts: { key?: string; prefix?: string } = {}): Boxlite {
  return createRuntime({
    apiUrl: sim.apiUrl,
    apiKey: opts.key ?? sim.adminKey,
    pathPrefix: opts.prefix ?? 'default',
  });
}

/** Reads an execution to its end: stdout, stderr, exit code. */
export async function run(ex: SdkExecution): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return finishSdkExec(ex, await ex.stdout());
}
