/**
 * The C and Go SDK drivers (drivers/c, drivers/go) driven from TypeScript. They speak the
 * protocol drivers/python/driver.py speaks — one JSON request on stdin, `box_created` the
 * moment a box exists, one line per op, `done` — so a case can run the same op list through
 * any of them. Their errors carry the SDK's typed code (BoxliteErrorCode) instead of a Python
 * exception class.
 */
import { execa } from 'execa';
import type { BoxCreatedHook, ExecOutcome, ExecRequest } from '../protocol.ts';
import { emptyOutcome } from '../protocol.ts';
import type { PyOp, PyTarget } from '../python/driver.ts';

export type NativeDriver = 'c-sdk' | 'go-sdk';
/** The op vocabulary is the Python driver's (minus metrics, which the C/Go drivers do not map). */
export type NativeOp = Exclude<PyOp, { op: 'metrics' | 'runtime_metrics' }> & { auto_remove?: boolean };

export interface NativeOpResult<T = unknown> {
  index: number;
  op: NativeOp['op'];
  ms: number;
  /** The SDK's error message, null on success. */
  error: string | null;
  /** BoxliteErrorCode's name, e.g. NotFound ("Other" for an error that is not the SDK's). */
  error_type: string | null;
  /** BoxliteErrorCode's number, e.g. 2. */
  error_code: number | null;
  result: T;
}

/** BoxInfo as both drivers print it (the C API's CBoxInfo fields). */
export interface NativeBoxInfo {
  id: string;
  name: string | null;
  image: string;
  status: string;
  running: boolean;
  pid: number;
  cpus: number;
  memory_mib: number;
  /** Unix seconds. */
  created_at: number;
}

/** BoxliteErrorCode name → the REST envelope's error code, the vocabulary of drivers/error-kind.ts. */
const KIND_OF_CODE: Record<string, string> = {
  NotFound: 'not_found',
  AlreadyExists: 'already_exists',
  InvalidState: 'invalid_state',
  InvalidArgument: 'invalid_argument',
  Stopped: 'stopped',
  Execution: 'execution_failed',
  Network: 'network',
  Internal: 'internal',
  Unsupported: 'unsupported',
  ResourceExhausted: 'resource_exhausted',
};

/** The error class of a C/Go result, comparable with errorKind() of the other drivers. */
export function nativeErrorKind(r: Pick<NativeOpResult, 'error' | 'error_type'>): string | null {
  if (r.error === null) return null;
  return KIND_OF_CODE[r.error_type ?? ''] ?? 'other';
}

export interface RunNativeOptions {
  stopOnError?: boolean;
  /** Kill the driver after this long (default 180 s). */
  timeoutMs?: number;
}

interface Line {
  event: 'box_created' | 'op' | 'fatal' | 'done';
  id?: string;
  error?: string;
}

/**
 * Runs `ops` through a C or Go driver binary; resolves with one result per op answered. Throws
 * (with the driver's stderr tail) when it could not start, reported a fatal error, or died
 * before answering every op — boxes created so far were already reported.
 */
export async function runNativeOps(
  binary: string,
  driver: NativeDriver,
  target: PyTarget,
  ops: NativeOp[],
  onBoxCreated: BoxCreatedHook,
  opts: RunNativeOptions = {},
): Promise<NativeOpResult[]> {
  const input = JSON.stringify({
    url: target.apiUrl,
    api_key: target.apiKey,
    path_prefix: target.pathPrefix,
    stop_on_error: opts.stopOnError ?? false,
    ops,
  });
  const child = execa(binary, [], {
    input,
    reject: false,
    timeout: opts.timeoutMs ?? 180_000,
    env: { RUST_LOG: 'off' },
    buffer: { stdout: false, stderr: true },
    stripFinalNewline: false,
  });
  const results: NativeOpResult[] = [];
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
    if (line.event === 'box_created' && line.id) onBoxCreated(line.id, driver);
    else if (line.event === 'op') {
      const { event: _event, ...result } = line as unknown as NativeOpResult & { event: string };
      results.push(result);
    } else if (line.event === 'fatal') fatal = line.error ?? 'unknown';
    else if (line.event === 'done') done = true;
  }
  const res = await child;
  const last = results.at(-1);
  const stopped = last?.error != null && (opts.stopOnError || ops[last.index]?.stop_on_error === true);
  if (fatal !== null || !done || (results.length < ops.length && !stopped)) {
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
    throw new Error(`${driver} driver ${why} after ${results.length}/${ops.length} op(s)\n${tail}`);
  }
  return results;
}

/** Maps an ExecRequest (the shared protocol) onto the drivers' exec op. */
export function nativeExecOp(box: string, req: ExecRequest): NativeOp {
  return {
    op: 'exec',
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

/** One exec on an existing box through a C/Go driver, as an ExecOutcome plus its error class. */
export async function nativeExec(
  binary: string,
  driver: NativeDriver,
  target: PyTarget,
  boxId: string,
  req: ExecRequest,
  onBoxCreated: BoxCreatedHook,
): Promise<{ outcome: ExecOutcome; kind: string | null }> {
  const t0 = performance.now();
  try {
    const [r] = await runNativeOps(binary, driver, target, [nativeExecOp(boxId, req)], onBoxCreated);
    return { outcome: r!.result as ExecOutcome, kind: nativeErrorKind(r!) };
  } catch (err) {
    return { outcome: emptyOutcome(driver, (err as Error).message, performance.now() - t0), kind: 'other' };
  }
}
