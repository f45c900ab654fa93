/**
 * Starts executions and keeps the registry of live and recently finished ones. Sessions are
 * in memory only: after a runner restart old exec ids answer 404 (the SDK then stops
 * reconnecting), while the boxes themselves survive.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { BugId } from '../bugs.ts';
import { type BoxService, isMainBox } from './boxes.ts';
import { bounded, dockerMessage, dockerStatus } from './docker.ts';
import { ApiError, notFound } from './errors.ts';
import { ExecSession, type SessionHooks } from './exec-session.ts';
import { parseExecSpec } from './exec-spec.ts';
import type { Journal } from './journal.ts';
import type { Metrics } from './metrics.ts';
import { preflight, preflightError } from './preflight.ts';

/** Finished executions stay queryable (status probe, late attach) this long. */
const RETAIN_MS = 10 * 60_000;
export const DEFAULT_TTY = { cols: 80, rows: 24 };

export class ExecService {
  private readonly sessions = new Map<string, ExecSession>();
  private readonly boxes: BoxService;
  private readonly docker: Docker;
  private readonly bugs: ReadonlySet<BugId>;
  private readonly metrics: Metrics;
  private readonly journal: Journal;

  constructor(p: { boxes: BoxService; bugs: ReadonlySet<BugId>; metrics: Metrics; journal: Journal }) {
    this.boxes = p.boxes;
    this.docker = p.boxes.docker;
    this.bugs = p.bugs;
    this.metrics = p.metrics;
    this.journal = p.journal;
  }

  async start(boxId: string, body: unknown): Promise<{ session: ExecSession; preflightMs: number }> {
    const spec = parseExecSpec(body);
    let info = await this.boxes.require(boxId);
    // 0.11 (litebox box_impl `ensure_usable_without_rerunning_main`): booting a configured box
    // runs its init, and when that is the user's own command an exec must not start it as a
    // side effect — refused, and the command does not run. Every box this runner leaves
    // configured has one (plain boxes start at create), so a configured box is never booted here.
    if (info.State.Status === 'created' && isMainBox(info)) {
      this.metrics.box(boxId).exec_errors_total++;
      throw new ApiError(
        'invalid_state',
        `Cannot exec box ${boxId}: it is configured, and starting the box would run its main command. ` +
          'Start the box explicitly if that is what you want.',
      );
    }
    if (info.State.Status === 'created') {
      await this.boxes.start(boxId);
      info = await this.boxes.require(boxId);
    }
    if (!info.State.Running) {
      this.metrics.box(boxId).exec_errors_total++;
      if (this.bugs.has('exec-stopped-500'))
        throw new ApiError('internal', `exec failed: container for box ${boxId} is not running`);
      throw new ApiError('stopped', `box ${boxId} is stopped; start it before exec`);
    }
    const t0 = performance.now();
    const failure = await preflight(this.docker, info, spec);
    const preflightMs = performance.now() - t0;
    if (failure) {
      this.metrics.box(boxId).exec_errors_total++;
      throw preflightError(failure, {
        spawn500: this.bugs.has('exec-spawn-500'),
        user500: this.bugs.has('exec-user-500'),
      });
    }
    const container = this.docker.getContainer(info.Id);
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await bounded('exec create', (signal) =>
        container.exec({
          Cmd: [spec.command, ...spec.args],
          Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
          WorkingDir: spec.working_dir ?? undefined,
          User: spec.user ?? undefined,
          Tty: spec.tty,
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          abortSignal: signal,
        }),
      );
      stream = (await bounded('exec start', (signal) =>
        exec.start({ hijack: true, stdin: true, Tty: spec.tty, abortSignal: signal }),
      )) as Duplex;
    } catch (err) {
      this.metrics.box(boxId).exec_errors_total++;
      if (err instanceof ApiError) throw err;
      // The box stopped between inspect and exec: the same answer as the early check.
      if (dockerStatus(err) === 409)
        throw new ApiError('stopped', `box ${boxId} is stopped; start it before exec`);
      throw new ApiError('internal', `exec failed: ${dockerMessage(err)}`);
    }
    const id = `exec-${randomUUID()}`;
    const counters = this.metrics.box(boxId);
    const session = new ExecSession({
      id,
      boxId,
      tty: spec.tty,
      exec,
      stream,
      timeoutSeconds: spec.timeout_seconds,
      bugs: this.sessionBugs(),
      hooks: this.sessionHooks(boxId, id, 'exec_exit'),
    });
    this.sessions.set(id, session);
    counters.commands_executed_total++;
    await session.processStarted();
    if (spec.tty) {
      // Docker starts a TTY at 0x0; give it a terminal-like size until the client resizes.
      await session.resize(DEFAULT_TTY).catch(() => {});
    }
    if (spec.stdin !== null) {
      session.writeStdin(spec.stdin);
      session.closeStdin();
    }
    return { session, preflightMs };
  }

  /** Bug switches every session (exec or main) honours. */
  sessionBugs() {
    return {
      stdoutDrop: this.bugs.has('exec-stdout-drop'),
      noReplay: this.bugs.has('attach-no-replay'),
      signalAfterExit204: this.bugs.has('signal-after-exit-204'),
    };
  }

  /** Byte counters, the exit journal line, and retention of the finished session. */
  sessionHooks(boxId: string, id: string, exitOp: 'exec_exit' | 'main_exit'): SessionHooks {
    const counters = this.metrics.box(boxId);
    return {
      output: (n) => {
        counters.bytes_received_total += n;
      },
      stdin: (n) => {
        counters.bytes_sent_total += n;
      },
      exited: (s) => {
        this.journal.write({
          op: exitOp,
          box_id: boxId,
          exec_id: id,
          status: s.status,
          exit_code: s.exitCode,
          ms: (s.endedAt ?? Date.now()) - s.startedAt,
          ...(s.droppedBytes ? { dropped_bytes: s.droppedBytes } : {}),
        });
        // A main session's id (the container id) comes back after a restart: forget only this one.
        setTimeout(() => {
          if (this.sessions.get(id) === s) this.sessions.delete(id);
        }, RETAIN_MS).unref();
      },
      note: (op, extra) => this.journal.write({ op, box_id: boxId, exec_id: id, ...extra }),
    };
  }

  /** Adds a session made elsewhere (the box-level attach) to the registry. */
  register(session: ExecSession): void {
    this.sessions.set(session.id, session);
  }

  /** The box's main session while its command is still running. */
  liveMain(boxId: string): ExecSession | null {
    for (const s of this.sessions.values())
      if (s.boxId === boxId && s.kind === 'main' && !s.finished) return s;
    return null;
  }

  /** The session, only if it belongs to the box in the path (ids are not box-agnostic). */
  get(boxId: string, execId: string): ExecSession {
    const s = this.sessions.get(execId);
    if (!s || s.boxId !== boxId) throw notFound(`execution ${execId} not found in box ${boxId}`);
    return s;
  }

  find(boxId: string, execId: string): ExecSession | null {
    const s = this.sessions.get(execId);
    return s && s.boxId === boxId ? s : null;
  }

  /** Box removed: its executions are gone with it. */
  dropBox(boxId: string): void {
    for (const [id, s] of this.sessions) {
      if (s.boxId !== boxId) continue;
      s.dispose();
      this.sessions.delete(id);
    }
  }

  disposeAll(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}
