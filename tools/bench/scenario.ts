/**
 * What a bench scenario is, independent of any one scenario: the per-iteration contract, what
 * it needs from a target (so a target that lacks it is reported "not runnable" with the
 * reason instead of failing every iteration), and the small helpers iterations share.
 */
import type { BareDocker } from './bare-docker.ts';
import type { BenchOps } from './rest-ops.ts';

export interface IterationResult {
  metrics: Record<string, number>;
  /** Per-step times inside the iteration (execs of a loop, churn cycles), for drift charts. */
  series?: Record<string, number[]>;
}

export interface ScenarioContext {
  ops: BenchOps;
  /** Upstream sleeps 2 s after each create before touching the box; totals add it in. */
  settleMs: number;
  /** The Docker engine the sim's runner uses, when the target has one we may drive. */
  bare: BareDocker | null;
}

export interface Needs {
  /** Boxes alive at the same time at the peak of one iteration. */
  concurrentBoxes: number;
  /** Drives the target's Docker engine directly (bare-Docker physical limit). */
  dockerEngine?: boolean;
}

export interface Scenario {
  name: string;
  summary: string;
  needs: Needs;
  runOnce(ctx: ScenarioContext, iteration: number): Promise<IterationResult>;
}

/** What a target offers; unknown limits are null (assumed enough). */
export interface Capabilities {
  maxBoxes: number | null;
  maxTotalCpus: number | null;
  maxTotalMemoryMib: number | null;
  /** null when the target has a Docker engine we can drive, else why not. */
  dockerEngine: string | null;
}

/** Why `scenario` cannot run on a target with `caps`, or null when it can. */
export function notRunnableReason(
  scenario: Scenario,
  caps: Capabilities,
  perBox: { cpus: number; memoryMib: number },
): string | null {
  const n = scenario.needs.concurrentBoxes;
  if (scenario.needs.dockerEngine && caps.dockerEngine !== null) return caps.dockerEngine;
  if (caps.maxBoxes !== null && caps.maxBoxes < n)
    return `needs ${n} boxes at once; the key's quota max_boxes is ${caps.maxBoxes}`;
  if (caps.maxTotalCpus !== null && caps.maxTotalCpus < n * perBox.cpus)
    return `needs ${n * perBox.cpus} cpus at once; the key's quota max_total_cpus is ${caps.maxTotalCpus}`;
  if (caps.maxTotalMemoryMib !== null && caps.maxTotalMemoryMib < n * perBox.memoryMib)
    return `needs ${n * perBox.memoryMib} MiB at once; the key's quota max_total_memory_mib is ${caps.maxTotalMemoryMib}`;
  return null;
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

/** Settles every task, then rethrows the first failure: cleanup sees every box that was made. */
export async function settleAll<T>(tasks: Promise<T>[]): Promise<{ ok: T[]; error: unknown }> {
  const results = await Promise.allSettled(tasks);
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return { ok, error: failed ? (failed.reason ?? new Error('failed')) : null };
}
