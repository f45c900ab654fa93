/**
 * Sim processes for self-tests, started exactly as setup starts them (sim/launch.ts: under
 * the supervisor, configured by flags only) on a test stack. Every process is tracked per
 * stack, so `disposeStack` stops them all, removes the boxes their runners made and drops
 * the state dir — whatever a test did or failed to do.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dockerClient } from '../../kernel/docker.ts';
import type { ComponentRecord } from '../../kernel/stack-file.ts';
import {
  type ComponentSpec,
  launchComponent,
  removeRunnerBoxes,
  type SimComponent,
  stopComponent,
} from '../launch.ts';
import type { TestServices } from './test-services.ts';

/** Self-tests use their own database so they never touch the stack API's rows. */
export const TEST_DB = 'boxlite_sim_api_test';

export interface SimProc {
  which: SimComponent;
  name: string;
  url: string;
  port: number;
  record: ComponentRecord;
  /** What the process (and its supervisor) printed so far. */
  log(): string;
  /** Stops it (SIGTERM via the supervisor); answers the exit code the supervisor saw. */
  stop(): Promise<number | null>;
}

const started = new Map<TestServices, SimProc[]>();
let seq = 0;

async function start(
  stack: TestServices,
  spec: Omit<ComponentSpec, 'name' | 'paths' | 'stackFile' | 'codeHash'> & { name?: string },
): Promise<SimProc> {
  const name = spec.name ?? `test-${spec.which}-${++seq}`;
  const record = await launchComponent({
    ...spec,
    name,
    paths: stack.paths,
    stackFile: stack.stackFile,
    codeHash: 'test',
  });
  const logFile = record.log.kind === 'file' ? record.log.path : '';
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const proc: SimProc = {
    which: spec.which,
    name,
    url: record.url,
    port: record.endpoint.port,
    record,
    log,
    async stop() {
      await stopComponent(stack.paths, name, spec.which);
      const exits = [...log().matchAll(/ exited code=(\S+) signal=/g)];
      const code = exits.at(-1)?.[1];
      return code === undefined || code === 'null' ? null : Number(code);
    },
  };
  started.set(stack, [...(started.get(stack) ?? []), proc]);
  return proc;
}

/** A runner on `stack`; `name` again (after a stop) reuses its log and journal, like a restart. */
export function startRunner(
  stack: TestServices,
  opts: { bugs?: readonly string[]; dockerHost?: string; dockerTimeoutMs?: number; name?: string } = {},
): Promise<SimProc> {
  return start(stack, {
    which: 'runner',
    bugs: opts.bugs ?? [],
    dockerHost: opts.dockerHost ?? stack.dockerHost,
    ...(opts.dockerTimeoutMs ? { dockerTimeoutMs: opts.dockerTimeoutMs } : {}),
    ...(opts.name ? { name: opts.name } : {}),
  });
}

/** An API on `stack` with the test database, forwarding to `runnerUrl`; restarted as `again`. */
export function startApi(
  stack: TestServices,
  opts: { runnerUrl: string; bugs?: readonly string[]; again?: SimProc },
): Promise<SimProc> {
  return start(stack, {
    which: 'api',
    bugs: opts.bugs ?? [],
    runnerUrl: opts.runnerUrl,
    dbName: TEST_DB,
    // Same name and port: one access log, one URL, as setup restarts it.
    ...(opts.again ? { name: opts.again.name, preferredPort: opts.again.port } : {}),
  });
}

/** Reads a journal (JSON lines) a process wrote. */
// biome-ignore lint/suspicious/noExplicitAny: journal lines are free-form
export function readJournal(proc: SimProc): Array<Record<string, any>> {
  if (proc.record.journal.kind !== 'file') return [];
  let text = '';
  try {
    text = readFileSync(proc.record.journal.path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Stops every process started on `stack`, removes its runners' boxes and its state dir. */
export async function disposeStack(stack: TestServices): Promise<void> {
  for (const p of (started.get(stack) ?? []).reverse()) await p.stop().catch(() => null);
  started.delete(stack);
  await removeRunnerBoxes(dockerClient(stack.dockerHost, 10_000), stack.runnerId).catch(() => 0);
  await rm(stack.stateDir, { recursive: true, force: true });
}
