/**
 * The real PyPI SDK (`boxlite`, REST mode) driven from TypeScript: `driver.py` runs a list of
 * ops in one Python process and answers one JSON line per op. Every box it creates is
 * announced (`box_created`) before anything else touches it, and reported to the hook at
 * once — so cleanup and the path guard cover it even if the script dies later.
 */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { BoxCreatedHook, ExecOutcome, ExecRequest } from '../protocol.ts';
import { emptyOutcome } from '../protocol.ts';

export const PYTHON_DRIVER = 'python-sdk';
const SCRIPT = fileURLToPath(new URL('./driver.py', import.meta.url));

export interface PyTarget {
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
}

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

interface Line {
  event: 'box_created' | 'op' | 'fatal' | 'done';
  id?: string;
  error?: string;
}

/**
 * Runs `ops` through the Python SDK; resolves with one result per op answered. Throws (with
 * the script's stderr tail) when the script could not start, reported a fatal error, or died
 * before answering every op it was meant to — boxes created so far were already reported.
 */
export async function runPythonOps(
  pythonPath: string,
  target: PyTarget,
  ops: PyOp[],
  onBoxCreated: BoxCreatedHook,
  opts: RunPythonOptions = {},
): Promise<PyOpResult[]> {
  const input = JSON.stringify({
    url: target.apiUrl,
    api_key: target.apiKey,
    path_prefix: target.pathPrefix,
    stop_on_error: opts.stopOnError ?? false,
    ...(opts.opTimeoutSecs !== undefined ? { op_timeout_secs: opts.opTimeoutSecs } : {}),
    ops,
  });
  const child = execa(pythonPath, ['-u', SCRIPT], {
    input,
    reject: false,
    timeout: opts.timeoutMs ?? 180_000,
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    buffer: { stdout: false, stderr: true },
    stripFinalNewline: false,
  });
  const results: PyOpResult[] = [];
  let fatal: string | null = null;
  let done = false;
  for await (const raw of child.iterable({ from: 'stdout' })) {
    const text = String(raw).trim();
    if (!text) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue; // not protocol (driver.py keeps fd 1 clean, but be tolerant)
    }
    if (line.event === 'box_created' && line.id) onBoxCreated(line.id, PYTHON_DRIVER);
    else if (line.event === 'op') {
      const { event: _event, ...result } = line as unknown as PyOpResult & { event: string };
      results.push(result);
    } else if (line.event === 'fatal') fatal = line.error ?? 'unknown';
    else if (line.event === 'done') done = true;
  }
  const res = await child;
  // A stop_on_error op (or run) that failed ends the run early, legitimately.
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
    throw new Error(`python driver ${why} after ${results.length}/${ops.length} op(s)\n${tail}`);
  }
  return results;
}

/** Maps an ExecRequest (the shared protocol) onto the driver's exec op. */
export function execOp(box: string, req: ExecRequest): PyOp {
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
