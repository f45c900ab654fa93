/** Facts about the run that reports print; written by the global setup, read by reporters. No secrets. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunContext } from '../context.ts';

export interface RunFacts {
  runId: string;
  startedAt: string;
  target: string;
  origin: string;
  apiUrl: string;
  pathPrefix: string;
  switches: string[];
  markersOff: boolean;
  pathGuard: { enabled: boolean; reason: string };
  versions: Record<string, string | null>;
  setupMs: number;
  /** Files holding secret values that reports must never contain. */
  secretsFile: string | null;
  /** `i/n` when this run is one shard of a sharded run (`pnpm e2e --shard`). */
  shard?: string;
}

export function factsFrom(run: RunContext, runId: string, setupMs: number, shard?: string): RunFacts {
  const s = run.stack.stack;
  const versions: Record<string, string | null> = {};
  for (const [name, svc] of Object.entries(s?.services ?? {})) versions[name] = svc.version;
  if (s?.api) versions.api = s.api.version;
  if (s?.runner) versions.runner = s.runner.version;
  // The client versions a run drove are facts of the run too (the CLI only when provided).
  if (run.cli.binary)
    versions['boxlite-cli'] =
      `${run.cli.binary.cliVersion} (${run.cli.binary.source} ${run.cli.binary.sourceRef})`;
  return {
    runId,
    startedAt: new Date().toISOString(),
    target: run.stack.kind,
    origin: run.stack.origin,
    apiUrl: run.stack.apiUrl,
    pathPrefix: run.stack.pathPrefix,
    switches: run.bugs.switches.slice(),
    markersOff: run.bugs.markersOff,
    pathGuard: run.stack.pathGuard,
    versions,
    setupMs,
    secretsFile: s?.secretsFile ?? null,
    ...(shard ? { shard } : {}),
  };
}

export const factsPath = (reportDir: string) => join(reportDir, 'run.json');

export async function writeFacts(reportDir: string, facts: RunFacts): Promise<void> {
  await writeFile(factsPath(reportDir), `${JSON.stringify(facts, null, 2)}\n`);
}

export async function readFacts(reportDir: string): Promise<RunFacts | null> {
  try {
    return JSON.parse(await readFile(factsPath(reportDir), 'utf8')) as RunFacts;
  } catch {
    return null;
  }
}
