/**
 * The path-bypass guard: every box a case created, through ANY driver, must show up in the
 * runner journal and in the API access log written during the case, and every lifecycle
 * operation the API served for it (create/start/stop/exec/remove) must show up in the runner
 * journal as that operation (ops.ts for the sim's logs, cloud-ops.ts for the real API's and
 * runner's). A box that reached the runner without the API, or an
 * operation the API answered on its own, means the case did not test the real path. Polls
 * briefly (logs are written asynchronously), then names what is missing.
 */
import type { LogSource } from '../../kernel/stack-file.ts';
import { describeLogSource } from '../handle/journal-source.ts';
import { apiOpsFromRequestLog, createdWithoutJob, runnerOpsFromLog } from './cloud-ops.ts';
import { type Cursor, type JournalReader, journalReader } from './journal-reader.ts';
import {
  apiOpsFromAccessLog,
  describeGap,
  mergeCounts,
  type OpGap,
  opGaps,
  opTotal,
  runnerOpsFromJournal,
} from './ops.ts';

export interface GuardSources {
  runner: LogSource | null;
  api: LogSource | null;
  /**
   * Whether both logs are operation-shaped (the sim's JSON lines): then each operation is
   * checked, else why not (the id-presence check still runs). Default: unavailable.
   */
  perOp?: { available: true } | { available: false; why: string };
}

/** What the per-operation check found: operations checked and gaps, or why it could not run. */
export type OpsVerdict = { checked: number; gaps: OpGap[] } | { unavailable: string };

export interface GuardCursors {
  runner: Cursor | null;
  api: Cursor | null;
}

export interface GuardVerdict {
  ok: boolean;
  checked: number;
  missing: { runner: string[]; api: string[] };
  ops: OpsVerdict;
  waitedMs: number;
  message: string;
}

export interface PathGuard {
  begin(): Promise<GuardCursors>;
  verify(
    boxIds: readonly string[],
    cursors: GuardCursors,
    /**
     * `minOps`: wait (within the timeout) until the API log shows at least this many
     * lifecycle operations for the boxes. The API writes its line once the response is
     * closed, so the client can be ahead of the log; a caller that knows what it did waits
     * for all of it instead of checking a prefix.
     */
    opts?: { timeoutMs?: number; minOps?: number },
  ): Promise<GuardVerdict>;
}

export function createPathGuard(sources: GuardSources): PathGuard {
  const readers: { runner: JournalReader | null; api: JournalReader | null } = {
    runner: sources.runner ? journalReader(sources.runner) : null,
    api: sources.api ? journalReader(sources.api) : null,
  };
  const missingIn = async (reader: JournalReader | null, cursor: Cursor | null, ids: readonly string[]) => {
    if (!reader || !cursor) return [...ids];
    const text = await reader.readSince(cursor);
    return ids.filter((id) => !text.includes(id));
  };
  const perOp = sources.perOp ?? { available: false as const, why: 'logs not operation-shaped' };
  const checkOps = async (cursors: GuardCursors, ids: readonly string[]): Promise<OpsVerdict> => {
    if (!perOp.available) return { unavailable: perOp.why };
    if (!readers.runner || !readers.api || !cursors.runner || !cursors.api)
      return { unavailable: 'no runner journal or API log' };
    const apiText = await readers.api.readSince(cursors.api);
    const runnerText = await readers.runner.readSince(cursors.runner);
    // Either stack's shape (the sim's JSON lines, the cloud's request and job lines): one
    // never matches the other's patterns.
    const api = mergeCounts(apiOpsFromAccessLog(apiText), apiOpsFromRequestLog(apiText));
    const runner = mergeCounts(runnerOpsFromJournal(runnerText), runnerOpsFromLog(runnerText));
    // Creates the API log could not attribute (no id in the request line) are checked on the runner.
    const unattributed = ids.filter((id) => !api.get(id)?.get('create'));
    const creates = createdWithoutJob(unattributed, runner).map((box) => ({
      box,
      op: 'create' as const,
      api: 1,
      runner: 0,
    }));
    return {
      checked: opTotal(ids, api) + unattributed.length,
      gaps: [...opGaps(ids, api, runner), ...creates],
    };
  };
  return {
    async begin() {
      return {
        runner: readers.runner ? await readers.runner.cursor() : null,
        api: readers.api ? await readers.api.cursor() : null,
      };
    },
    async verify(boxIds, cursors, opts = {}) {
      const t0 = performance.now();
      const deadline = Date.now() + (opts.timeoutMs ?? 5000);
      let missing = { runner: [...boxIds], api: [...boxIds] };
      let ops: OpsVerdict = { unavailable: 'not checked' };
      const gaps = () => ('gaps' in ops ? ops.gaps : []);
      while (true) {
        missing = {
          runner: await missingIn(readers.runner, cursors.runner, boxIds),
          api: await missingIn(readers.api, cursors.api, boxIds),
        };
        ops = await checkOps(cursors, boxIds);
        const settled = !('checked' in ops) || ops.checked >= (opts.minOps ?? 0);
        const clean =
          missing.runner.length === 0 && missing.api.length === 0 && gaps().length === 0 && settled;
        if (clean || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const ok = missing.runner.length === 0 && missing.api.length === 0 && gaps().length === 0;
      const where = (k: 'runner' | 'api') =>
        sources[k] ? describeLogSource(sources[k]!) : 'no source configured';
      const parts: string[] = [];
      if (missing.runner.length)
        parts.push(`runner journal (${where('runner')}) lacks ${missing.runner.join(', ')}`);
      if (missing.api.length) parts.push(`API access log (${where('api')}) lacks ${missing.api.join(', ')}`);
      if (gaps().length)
        parts.push(
          `operation(s) served by the API never reached the runner (${where('runner')}): ${gaps().map(describeGap).join('; ')}`,
        );
      const opsNote =
        'checked' in ops ? `, ${ops.checked} operation(s)` : ` (per operation: ${ops.unavailable})`;
      return {
        ok,
        checked: boxIds.length,
        missing,
        ops,
        waitedMs: performance.now() - t0,
        message: ok
          ? `path guard: ${boxIds.length} box(es)${opsNote} seen by API and runner`
          : `path guard: box(es) did not travel SDK → API → runner: ${parts.join('; ')}`,
      };
    },
  };
}

/**
 * Which stacks' logs the per-operation check can read: the sim's JSON lines (its own stack, or
 * a remote URL that is our sim with its journals given) and the cloud stack the recipe
 * started (its API's request lines and its runner's job lines, cloud-ops.ts). Others say why not.
 */
export function perOpSupport(stack: { kind: string; simulated: boolean }): GuardSources['perOp'] {
  if (stack.simulated || stack.kind === 'boxlite') return { available: true };
  if (stack.kind === 'serve')
    return { available: false, why: 'boxlite serve is API and runtime in one process: no runner hop' };
  return {
    available: false,
    why: 'a remote stack: its API request lines and runner job lines are not known to be enabled (BOXLITE_E2E_API_LOG / _RUNNER_UNIT give box ids)',
  };
}
