/**
 * The C and Go SDK drivers (drivers/c, drivers/go) driven from TypeScript. They speak the
 * protocol drivers/python/driver.py speaks — one JSON request on stdin, `box_created` the
 * moment a box exists, one line per op, `done` — so a case can run the same op list through
 * any of them. Their errors carry the SDK's typed code (BoxliteErrorCode) instead of a Python
 * exception class.
 */
import { execOp, runJsonLinesDriver } from '../json-lines.ts';
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

/**
 * Runs `ops` through a C or Go driver binary (the JSON-lines protocol, drivers/json-lines.ts);
 * resolves with one result per op answered, throws when it died before answering them all.
 */
export async function runNativeOps(
  binary: string,
  driver: NativeDriver,
  target: PyTarget,
  ops: NativeOp[],
  onBoxCreated: BoxCreatedHook,
  opts: RunNativeOptions = {},
): Promise<NativeOpResult[]> {
  return runJsonLinesDriver<NativeOpResult>({
    driver,
    command: binary,
    args: [],
    env: { RUST_LOG: 'off' },
    target,
    ops,
    ...(opts.stopOnError !== undefined ? { stopOnError: opts.stopOnError } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    onBoxCreated,
  });
}

/** Maps an ExecRequest (the shared protocol) onto the drivers' exec op. */
export const nativeExecOp = (box: string, req: ExecRequest): NativeOp => execOp(box, req);

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
