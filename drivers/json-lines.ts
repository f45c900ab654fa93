/**
 * The JSON-lines driver protocol every out-of-process SDK driver speaks (drivers/python,
 * drivers/c, drivers/go): one JSON request on stdin (target + ops), then on stdout
 * `box_created` the moment a box exists, one `op` line per op answered, `fatal` or `done`.
 * One runner for all of them, so a box is reported the instant it exists whatever the
 * language, and a driver that dies early says so with its stderr tail.
 */
import { execa } from 'execa';
import type { BoxCreatedHook, ExecRequest } from './protocol.ts';

export interface DriverTarget {
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
}

export interface JsonLinesRun {
  /** The driver's name in box reports and errors (python-sdk, c-sdk, go-sdk). */
  driver: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  target: DriverTarget;
  ops: readonly { stop_on_error?: boolean }[];
  /** Extra request fields (e.g. op_timeout_secs). */
  extra?: Record<string, unknown>;
  stopOnError?: boolean;
  /** Kill the driver after this long (default 180 s). */
  timeoutMs?: number;
  onBoxCreated: BoxCreatedHook;
}

interface Line {
  event: 'box_created' | 'op' | 'fatal' | 'done';
  id?: string;
  error?: string;
}

/**
 * Runs the ops; resolves with one result per op answered. Throws (with the stderr tail) when
 * the driver could not start, reported a fatal error, or died before answering every op —
 * boxes created so far were already reported.
 */
export async function runJsonLinesDriver<R extends { index: number; error: string | null }>(
  run: JsonLinesRun,
): Promise<R[]> {
  const input = JSON.stringify({
    url: run.target.apiUrl,
    api_key: run.target.apiKey,
    path_prefix: run.target.pathPrefix,
    stop_on_error: run.stopOnError ?? false,
    ...(run.extra ?? {}),
    ops: run.ops,
  });
  const child = execa(run.command, run.args, {
    input,
    reject: false,
    timeout: run.timeoutMs ?? 180_000,
    env: run.env,
    buffer: { stdout: false, stderr: true },
    stripFinalNewline: false,
  });
  const results: R[] = [];
  let fatal: string | null = null;
  let done = false;
  for await (const raw of child.iterable({ from: 'stdout' })) {
    const text = String(raw).trim();
    if (!text) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue; // not protocol (the drivers keep their channel clean, but be tolerant)
    }
    if (line.event === 'box_created' && line.id) run.onBoxCreated(line.id, run.driver);
    else if (line.event === 'op') {
      const { event: _event, ...result } = line as unknown as R & { event: string };
      results.push(result as unknown as R);
    } else if (line.event === 'fatal') fatal = line.error ?? 'unknown';
    else if (line.event === 'done') done = true;
  }
  const res = await child;
  // A stop_on_error op (or run) that failed ends the run early, legitimately.
  const last = results.at(-1);
  const stopped = last?.error != null && (run.stopOnError || run.ops[last.index]?.stop_on_error === true);
  if (fatal !== null || !done || (results.length < run.ops.length && !stopped)) {
    const tail = String(res.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    let why = `failed: ${res.shortMessage}`;
    if (fatal !== null) why = `fatal: ${fatal}`;
    else if (res.timedOut) why = 'timed out';
    else if (res.exitCode !== undefined) why = `exited ${res.exitCode}`;
    else if (res.signal) why = `killed by ${res.signal}`;
    throw new Error(`${run.driver} driver ${why} after ${results.length}/${run.ops.length} op(s)\n${tail}`);
  }
  return results;
}

/** The drivers' exec op for an ExecRequest (the shared protocol). */
export function execOp(box: string, req: ExecRequest) {
  return {
    op: 'exec' as const,
    box,
    command: req.command,
    ...(req.args ? { args: req.args } : {}),
    ...(req.env ? { env: req.env } : {}),
    ...(req.workingDir !== undefined ? { cwd: req.workingDir } : {}),
    ...(req.user !== undefined ? { user: req.user } : {}),
    ...(req.tty !== undefined ? { tty: req.tty } : {}),
    ...(req.timeoutSecs !== undefined ? { timeout_secs: req.timeoutSecs } : {}),
    ...(req.stdin !== undefined ? { stdin: req.stdin } : {}),
  };
}
