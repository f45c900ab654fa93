/**
 * One execution: its Docker exec (or, for a box's main command, its container) and hijacked
 * stream, an output backlog, and at most one attached WebSocket at a time.
 *
 * Replay policy: output is buffered from the moment the exec starts; a chunk leaves the
 * backlog when it is handed to an OPEN socket. A (re-)attach receives exactly the bytes not
 * yet handed to any socket, then live output, then the exit frame — never a repeat. Bytes
 * handed to a socket that then dies silently are lost (TCP gives no delivery receipt).
 * Exit codes are the engine's: normal exits verbatim, signal deaths as 128+N like a shell.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { Demuxer, type StreamId } from './demux.ts';
import { bounded } from './docker.ts';
import { ApiError, badRequest } from './errors.ts';
import { ALLOWED_SIGNALS } from './exec-spec.ts';
import { killTree, type ProcessState, signalPid, waitForPid } from './proc.ts';

export type ExecStatus = 'running' | 'completed' | 'killed' | 'timed_out';

export const TERM_GRACE_MS = 2_000;
export const PING_MS = 15_000;
const MAX_BACKLOG_BYTES = 16 << 20;
/** The terminal's end-of-input character (VEOF, ^D): how a tty reader is told stdin ended. */
const TTY_EOF = '\u0004';
/** exec-stdout-drop: how often the exit frame wins the race against the output pump. */
const DROP_RATE = 0.7;
const DROP_PUMP_MS = 20;

export interface SessionBugs {
  stdoutDrop: boolean;
  noReplay: boolean;
  signalAfterExit204: boolean;
}

export interface SessionHooks {
  output(bytes: number): void;
  stdin(bytes: number): void;
  exited(s: ExecSession): void;
  note(op: string, extra: Record<string, unknown>): void;
}

interface Chunk {
  stream: StreamId;
  data: Buffer;
}

/**
 * What a session asks of the process behind it. A Docker exec fits as is; a box's main
 * command is its container, adapted (mainHandle in main-session.ts). ExitCode is null while
 * the process has not exited.
 */
export interface ProcessHandle {
  inspect(o: { abortSignal: AbortSignal }): Promise<ProcessState>;
  resize(o: { h: number; w: number; abortSignal: AbortSignal }): Promise<unknown>;
}

/** `exec`: a tenant command; `main`: the box's init, reached through the box-level attach. */
export type SessionKind = 'exec' | 'main';

export class ExecSession {
  readonly id: string;
  readonly boxId: string;
  readonly kind: SessionKind;
  readonly tty: boolean;
  readonly startedAt = Date.now();
  status: ExecStatus = 'running';
  exitCode: number | null = null;
  endedAt: number | null = null;
  attachCount = 0;
  droppedBytes = 0;
  private pid: number | null = null;
  private pidLookup: Promise<number | null> | null = null;
  private reason: 'killed' | 'timed_out' | null = null;
  private streamEnded = false;
  private stdinClosed = false;
  private backlog: Chunk[] = [];
  private backlogBytes = 0;
  private socket: WebSocket | null = null;
  /** The current socket asked for `?stdin=0`: its writes are refused. */
  private readOnly = false;
  private pumpTimer: NodeJS.Timeout | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly exec: ProcessHandle;
  private readonly stream: Duplex;
  private readonly bugs: SessionBugs;
  private readonly hooks: SessionHooks;
  private resolveDone!: () => void;
  readonly done: Promise<void> = new Promise((r) => {
    this.resolveDone = r;
  });

  constructor(p: {
    id: string;
    boxId: string;
    kind?: SessionKind;
    tty: boolean;
    exec: ProcessHandle;
    stream: Duplex;
    timeoutSeconds: number | null;
    bugs: SessionBugs;
    hooks: SessionHooks;
  }) {
    this.id = p.id;
    this.boxId = p.boxId;
    this.kind = p.kind ?? 'exec';
    this.tty = p.tty;
    this.exec = p.exec;
    this.stream = p.stream;
    this.bugs = p.bugs;
    this.hooks = p.hooks;
    const demux = new Demuxer((s, d) => this.onOutput(s, d));
    this.stream.on('data', (b: Buffer) => (this.tty ? this.onOutput(1, b) : demux.push(b)));
    this.stream.on('end', () => void this.finish());
    this.stream.on('close', () => void this.finish());
    this.stream.on('error', (err) => {
      this.hooks.note('exec_stream_error', { error: err.message });
      void this.finish();
    });
    if (p.timeoutSeconds !== null)
      this.timers.push(setTimeout(() => void this.onTimeout(), p.timeoutSeconds * 1000));
  }

  /**
   * Resolves once the command's process exists (or has already exited): BoxLite's guest
   * spawns the process before it answers the exec request (src/guest/src/service/exec/mod.rs
   * spawn_execution), so a signal, resize or `ps` right after the create must find it.
   */
  async processStarted(): Promise<void> {
    await this.ensurePid().catch(() => {});
  }

  get finished(): boolean {
    return this.endedAt !== null;
  }

  // ---- output ---------------------------------------------------------------------------

  private onOutput(stream: StreamId, data: Buffer): void {
    this.hooks.output(data.length);
    const ws = this.openSocket();
    if (ws && !this.bugs.stdoutDrop) {
      this.send(ws, stream, data);
      return;
    }
    if (!ws && this.bugs.noReplay) {
      this.droppedBytes += data.length;
      return;
    }
    this.backlog.push({ stream, data });
    this.backlogBytes += data.length;
    while (this.backlogBytes > MAX_BACKLOG_BYTES && this.backlog.length > 1) {
      const old = this.backlog.shift() as Chunk;
      this.backlogBytes -= old.data.length;
      this.droppedBytes += old.data.length;
    }
    // exec-stdout-drop: live output goes through a delayed pump the exit frame can overtake.
    if (ws && !this.pumpTimer) this.pumpTimer = setTimeout(() => this.pump(), DROP_PUMP_MS);
  }

  private pump(): void {
    this.pumpTimer = null;
    const ws = this.openSocket();
    if (ws) this.flushBacklog(ws);
  }

  private send(ws: WebSocket, stream: StreamId, data: Buffer): void {
    ws.send(Buffer.concat([Buffer.from([stream]), data]), { binary: true });
  }

  private flushBacklog(ws: WebSocket): void {
    const chunks = this.backlog;
    this.backlog = [];
    this.backlogBytes = 0;
    for (const c of chunks) this.send(ws, c.stream, c.data);
  }

  private openSocket(): WebSocket | null {
    return this.socket && this.socket.readyState === WebSocket.OPEN ? this.socket : null;
  }

  // ---- attach ---------------------------------------------------------------------------

  /** Latest attach wins: an older socket is closed (the SDK reconnects only after its own died). */
  attach(ws: WebSocket, opts: { readOnly?: boolean } = {}): { replayedBytes: number; superseded: boolean } {
    const old = this.socket;
    const superseded = old !== null && old !== ws;
    if (old && superseded) {
      this.socket = null;
      try {
        old.close(4000, 'superseded by a newer attach');
      } catch {
        old.terminate();
      }
    }
    this.socket = ws;
    this.readOnly = opts.readOnly === true;
    this.attachCount++;
    ws.on('error', () => {});
    ws.ping();
    const ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), PING_MS);
    ws.on('close', () => {
      clearInterval(ping);
      if (this.socket === ws) this.socket = null;
    });
    ws.on('message', (data, isBinary) => this.onClientFrame(ws, data as Buffer, isBinary));
    const replayedBytes = this.backlogBytes;
    if (this.finished) this.deliverExit(ws);
    else if (!this.bugs.stdoutDrop) this.flushBacklog(ws);
    else if (this.backlog.length && !this.pumpTimer)
      this.pumpTimer = setTimeout(() => this.pump(), DROP_PUMP_MS);
    return { replayedBytes, superseded };
  }

  private onClientFrame(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    if (this.readOnly && ws === this.socket) {
      // 0.11 `?stdin=0`: the server, not the client, is the one refusing writes.
      if (ws.readyState === WebSocket.OPEN)
        ws.send(
          JSON.stringify({
            type: 'error',
            code: 'read_only_attach',
            message: 'read-only attach rejected a write',
          }),
        );
      return;
    }
    if (isBinary) {
      if (this.finished || this.stdinClosed) {
        this.errorFrame(ws, 'stdin is closed');
        return;
      }
      this.hooks.stdin(data.length);
      this.stream.write(data);
      return;
    }
    let msg: { type?: unknown; cols?: unknown; rows?: unknown; sig?: unknown; signal?: unknown };
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return; // non-JSON text is ignored, like the SDK does
    }
    if (msg.type === 'stdin_eof') {
      this.closeStdin();
      return;
    }
    if (msg.type === 'resize') {
      this.resize({ cols: Number(msg.cols), rows: Number(msg.rows) }).catch((e: Error) =>
        this.errorFrame(ws, e.message),
      );
      return;
    }
    if (msg.type === 'signal') {
      const sig = Number(msg.sig ?? msg.signal);
      if (ALLOWED_SIGNALS.has(sig)) this.signal(sig).catch((e: Error) => this.errorFrame(ws, e.message));
      else this.errorFrame(ws, `signal ${String(msg.sig ?? msg.signal)} is not allowed`);
    }
  }

  private errorFrame(ws: WebSocket, message: string): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'error', message }));
  }

  /**
   * Without a tty, half-closes the hijacked connection: Docker closes the process's stdin, so
   * `cat` ends. A terminal has no half-close — Docker tears a tty exec's whole stream down when
   * its stdin ends, and the output still to come is lost — so a tty gets what a user types for
   * end-of-input instead: the terminal's EOF character (^D), and the stream stays open.
   */
  closeStdin(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    if (this.finished) return;
    if (this.tty) this.stream.write(TTY_EOF);
    else this.stream.end();
  }

  writeStdin(text: string): void {
    this.hooks.stdin(Buffer.byteLength(text));
    this.stream.write(text);
  }

  // ---- completion -----------------------------------------------------------------------

  private async finish(): Promise<void> {
    if (this.streamEnded) return;
    this.streamEnded = true;
    for (const t of this.timers) clearTimeout(t);
    let code: number | null = null;
    // Docker ends the stream after the exit is recorded; retry briefly in case of a race.
    for (let i = 0; i < 20 && code === null; i++) {
      try {
        const info = await bounded(
          'exec inspect',
          (signal) => this.exec.inspect({ abortSignal: signal }),
          3000,
        );
        if (!info.Running && typeof info.ExitCode === 'number') code = info.ExitCode;
      } catch {
        break; // container gone or engine down: report -1 below
      }
      if (code === null) await new Promise((r) => setTimeout(r, 25));
    }
    this.exitCode = code ?? -1;
    this.status = this.reason ?? 'completed';
    this.endedAt = Date.now();
    this.stream.destroy();
    this.resolveDone();
    this.hooks.exited(this);
    const ws = this.openSocket();
    if (ws) this.deliverExit(ws);
  }

  /** Remaining output, then the exit frame LAST, then close (the SDK drops TCP after exit). */
  private deliverExit(ws: WebSocket): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    const frame = JSON.stringify({ type: 'exit', exit_code: this.exitCode ?? -1 });
    if (this.bugs.stdoutDrop && this.backlog.length && Math.random() < DROP_RATE) {
      ws.send(frame); // the bug: exit overtakes the undrained tail, which the SDK never reads
      this.flushBacklog(ws);
    } else {
      this.flushBacklog(ws);
      ws.send(frame);
    }
    ws.close(1000);
    if (this.socket === ws) this.socket = null;
  }

  // ---- control --------------------------------------------------------------------------

  private async ensurePid(): Promise<number> {
    if (this.pid) return this.pid;
    // One lookup at a time: the create's wait and an early signal share it.
    this.pidLookup ??= waitForPid(() =>
      bounded('exec inspect', (signal) => this.exec.inspect({ abortSignal: signal }), 3000),
    ).finally(() => {
      this.pidLookup = null;
    });
    const pid = await this.pidLookup;
    if (pid === null) throw new ApiError('invalid_state', `execution ${this.id} has no running process`);
    this.pid = pid;
    return pid;
  }

  private async onTimeout(): Promise<void> {
    if (this.streamEnded) return;
    this.reason ??= 'timed_out';
    this.hooks.note('exec_timeout', { grace_ms: TERM_GRACE_MS });
    const pid = await this.ensurePid().catch(() => null);
    if (pid === null) return;
    signalPid(pid, 'SIGTERM');
    this.timers.push(
      setTimeout(() => {
        if (!this.streamEnded) killTree(pid);
      }, TERM_GRACE_MS),
    );
  }

  /** SIGKILL to the process tree; resolves once the exec has finished (or after 5 s). */
  async kill(): Promise<void> {
    if (this.streamEnded) return;
    this.reason ??= 'killed';
    const pid = await this.ensurePid().catch(() => null);
    if (pid !== null) killTree(pid);
    await Promise.race([this.done, new Promise((r) => setTimeout(r, 5000))]);
  }

  async signal(sig: number): Promise<void> {
    if (!ALLOWED_SIGNALS.has(sig)) throw badRequest(`signal ${sig} is not allowed`);
    if (this.streamEnded) {
      if (this.bugs.signalAfterExit204) return;
      throw new ApiError('invalid_state', `execution ${this.id} has already finished`);
    }
    signalPid(await this.ensurePid(), sig);
  }

  async resize(size: { cols: number; rows: number }): Promise<void> {
    if (!this.tty) throw badRequest(`execution ${this.id} has no tty; resize needs tty=true`);
    if (!Number.isInteger(size.cols) || !Number.isInteger(size.rows) || size.cols < 1 || size.rows < 1) {
      throw badRequest('cols and rows must be positive integers');
    }
    if (this.streamEnded) throw new ApiError('invalid_state', `execution ${this.id} has already finished`);
    await bounded('exec resize', (signal) =>
      this.exec.resize({ h: size.rows, w: size.cols, abortSignal: signal }),
    );
  }

  /** Runner shutdown / box removal: forget sockets and timers, leave the process alone. */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.socket?.close(1001, 'runner going away');
    this.socket = null;
  }
}
