/**
 * The box-level attach of BoxLite 0.11 (`GET /boxes/:id/attach`): a session on the box's main
 * command, i.e. its container's init. `boxlite run IMAGE CMD` creates the box (not started),
 * attaches here, then calls start — so the attach must be open before the command runs, or a
 * fast command's output and exit code are lost. Docker's attach-before-start gives exactly
 * that. The session joins the exec registry under the container id (what 0.11's serve hands
 * out), so status, signal, resize and kill go through the ordinary /executions/{id} routes.
 */
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { BoxService } from './boxes.ts';
import { bounded, dockerMessage } from './docker.ts';
import { ApiError } from './errors.ts';
import { DEFAULT_TTY, type ExecService } from './exec-service.ts';
import { ExecSession, type ProcessHandle } from './exec-session.ts';

/** The container as the process behind a session; a never-started container has no exit code yet. */
function mainHandle(container: Docker.Container): ProcessHandle {
  return {
    async inspect(o) {
      const s = (await container.inspect(o)).State;
      const exited = !s.Running && s.Status !== 'created';
      return { Running: s.Running, ExitCode: exited ? s.ExitCode : null, Pid: s.Pid };
    },
    resize: (o) => container.resize(o),
  };
}

/**
 * The box's live main session, opening one when there is none. A stopped box is refused:
 * attaching must not re-run a command that already finished (start it explicitly).
 */
export async function openMainSession(
  boxes: BoxService,
  execs: ExecService,
  boxId: string,
): Promise<ExecSession> {
  const live = execs.liveMain(boxId);
  if (live) return live;
  const info = await boxes.require(boxId);
  const state = info.State.Status;
  if (state !== 'created' && state !== 'running') {
    throw new ApiError(
      'invalid_state',
      `box ${boxId} is ${state === 'exited' ? 'stopped' : state}; start it to run its main command again`,
    );
  }
  const container = boxes.docker.getContainer(info.Id);
  let stream: Duplex;
  try {
    stream = (await bounded('container attach', (signal) =>
      container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
        abortSignal: signal,
      }),
    )) as Duplex;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('internal', `attach to box ${boxId} failed: ${dockerMessage(err)}`);
  }
  const session = new ExecSession({
    id: info.Id,
    boxId,
    kind: 'main',
    tty: info.Config.Tty === true,
    exec: mainHandle(container),
    stream,
    timeoutSeconds: null,
    bugs: execs.sessionBugs(),
    hooks: execs.sessionHooks(boxId, info.Id, 'main_exit'),
  });
  execs.register(session);
  await session.processStarted();
  if (session.tty && state === 'running') await session.resize(DEFAULT_TTY).catch(() => {});
  return session;
}
