/**
 * The real PyPI SDK (`boxlite`, REST mode) driven from TypeScript: `driver.py` runs a list of
 * ops in one Python process and answers one JSON line per op. Every box it creates is
 * announced (`box_created`) before anything else touches it, and reported to the hook at
 * once — so cleanup and the path guard cover it even if the script dies later.
 */
import { fileURLToPath } from 'node:url';
import { type DriverTarget, execOp, runJsonLinesDriver } from '../json-lines.ts';
import type { BoxCreatedHook, ExecOutcome, ExecRequest } from '../protocol.ts';
import { emptyOutcome } from '../protocol.ts';

export { execOp };

export const PYTHON_DRIVER = 'python-sdk';
const SCRIPT = fileURLToPath(new URL('./driver.py', import.meta.url));

export type PyTarget = DriverTarget;

/** `box`: "$N" (N-th box created in this run), "$last", or a literal id/name; omitted = last created. */
type BoxRef = { box?: string };
interface CopyFlags {
  recursive?: boolean;
  overwrite?: boolean;
  follow_symlinks?: boolean;
}

export type PyOp = (
  | {
      op: 'create';
      image?: string;
      name?: string;
      cpus?: number;
      memory_mib?: number;
      disk_size_gb?: number;
      working_dir?: string;
      env?: Record<string, string>;
      /** Any other BoxOptions keyword arguments, passed through verbatim. */
      options?: Record<string, unknown>;
    }
  | ({ op: 'get_info' | 'get' | 'info' | 'stop' | 'start' | 'metrics' } & BoxRef)
  | { op: 'list' | 'runtime_metrics' }
  | ({ op: 'remove'; force?: boolean } & BoxRef)
  | ({
      op: 'exec';
      command: string;
      args?: string[];
      env?: Record<string, string>;
      cwd?: string;
      user?: string;
      tty?: boolean;
      timeout_secs?: number;
      stdin?: string;
    } & BoxRef)
  | ({ op: 'copy_in'; host_path: string; dest: string } & CopyFlags & BoxRef)
  | ({ op: 'copy_out'; src: string; host_path: string } & CopyFlags & BoxRef)
) & { stop_on_error?: boolean; op_timeout_secs?: number };

export interface PyOpResult<T = unknown> {
  index: number;
  op: PyOp['op'];
  ms: number;
  /** The SDK's error text (`str(exc)`), null on success. */
  error: string | null;
  /** The Python exception class, e.g. NotFoundError. */
  error_type: string | null;
  /** The SDK error's machine code (e.g. not_found), when it carries one. */
  error_code: string | null;
  result: T;
}

/** BoxInfo as the SDK exposes it (getters read into a dict). */
export interface PyBoxInfo {
  id: string;
  name: string | null;
  image: string;
  cpus: number;
  memory_mib: number;
  created_at: string;
  state: { status: string; running: boolean; pid: number | null; exit_code: number | null };
  [k: string]: unknown;
}

export interface RunPythonOptions {
  stopOnError?: boolean;
  /** Bound on each op inside Python (asyncio.wait_for). */
  opTimeoutSecs?: number;
  /** Kill the whole script after this long (default 180 s). */
  timeoutMs?: number;
}

/**
 * Runs `ops` through the Python SDK (the JSON-lines protocol, drivers/json-lines.ts); resolves
 * with one result per op answered, throws when the script died before answering them all.
 */
export async function runPythonOps(
  pythonPath: string,
  target: PyTarget,
  ops: PyOp[],
  onBoxCreated: BoxCreatedHook,
  opts: RunPythonOptions = {},
): Promise<PyOpResult[]> {
  return runJsonLinesDriver<PyOpResult>({
    driver: PYTHON_DRIVER,
    command: pythonPath,
    args: ['-u', SCRIPT],
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    target,
    ops,
    extra: opts.opTimeoutSecs !== undefined ? { op_timeout_secs: opts.opTimeoutSecs } : {},
    ...(opts.stopOnError !== undefined ? { stopOnError: opts.stopOnError } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    onBoxCreated,
  });
}

/** One exec on an existing box through the Python SDK, as an ExecOutcome. */
export async function pythonExec(
  pythonPath: string,
  target: PyTarget,
  boxId: string,
  req: ExecRequest,
  onBoxCreated: BoxCreatedHook,
): Promise<ExecOutcome> {
  const t0 = performance.now();
  try {
    const [r] = await runPythonOps(pythonPath, target, [execOp(boxId, req)], onBoxCreated);
    return r!.result as ExecOutcome;
  } catch (err) {
    return emptyOutcome(PYTHON_DRIVER, (err as Error).message, performance.now() - t0);
  }
}
