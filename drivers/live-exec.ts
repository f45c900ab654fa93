/**
 * One started execution, whichever client started it: the raw REST + WebSocket driver or the
 * npm SDK. Cases that cross every exec option with every client (cases/exec-combinations)
 * drive both through this shape: wait for output, signal, write stdin, read to the end.
 */

import { drain, type SdkBox, type SdkExecution, sdkExec } from './node-sdk/driver.ts';
import type { ExecRequest } from './protocol.ts';
import { type AttachSession, attach } from './rest/attach.ts';
import type { RestDriver } from './rest/driver.ts';

export type ExecClient = 'rest' | 'sdk';
/** How a signal reaches the exec: the HTTP control route, or (REST only) the in-band WS frame. */
export type SignalPath = 'http' | 'ws';

export interface LiveExec {
  client: ExecClient;
  execId: string;
  /** Resolves with everything read from stdout once `needle` is in it. */
  readUntil(needle: string): Promise<string>;
  signal(sig: number, path?: SignalPath): Promise<void>;
  writeStdin(text: string): Promise<void>;
  closeStdin(): Promise<void>;
  /** Reads both streams to their end and waits for the exit code. */
  finish(): Promise<{ stdout: string; stderr: string; exitCode: number | null }>;
}

function restLive(rest: RestDriver, boxId: string, execId: string, session: AttachSession): LiveExec {
  const stdoutSoFar = () =>
    Buffer.concat(session.frames.flatMap((f) => (f.kind === 'stdout' ? [f.data] : []))).toString('utf8');
  return {
    client: 'rest',
    execId,
    readUntil: (needle) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const out = stdoutSoFar();
          if (out.includes(needle)) return resolve(out);
          if (session.ws.readyState > 1)
            return reject(
              new Error(`socket closed before ${JSON.stringify(needle)} (got ${JSON.stringify(out)})`),
            );
          setTimeout(check, 20);
        };
        check();
      }),
    async signal(sig, path = 'http') {
      if (path === 'ws') {
        session.ws.send(JSON.stringify({ type: 'signal', sig }));
        return;
      }
      const res = await rest.tenant('POST', `/boxes/${boxId}/executions/${execId}/signal`, {
        body: { signal: sig },
      });
      if (res.status >= 300) throw new Error(`signal ${sig} → HTTP ${res.status} ${res.text}`);
    },
    writeStdin: async (text) => session.sendStdin(text),
    closeStdin: async () => session.sendEof(),
    async finish() {
      const r = await session.done;
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    },
  };
}

function sdkLive(ex: SdkExecution, execId: string): LiveExec {
  let seen = '';
  const stdout = ex.stdout();
  // Each stream handle can be taken from the SDK once.
  let stdin: ReturnType<SdkExecution['stdin']> | null = null;
  const takeStdin = () => {
    stdin ??= ex.stdin();
    return stdin;
  };
  return {
    client: 'sdk',
    execId,
    async readUntil(needle) {
      const s = await stdout;
      while (!seen.includes(needle)) {
        const chunk = await s.next();
        if (chunk === null)
          throw new Error(`stdout ended before ${JSON.stringify(needle)} (got ${JSON.stringify(seen)})`);
        seen += chunk;
      }
      return seen;
    },
    async signal(sig, path = 'http') {
      if (path !== 'http') throw new Error('the SDK signals over HTTP only (protocol §4.3)');
      await ex.signal(sig);
    },
    writeStdin: async (text) => (await takeStdin()).writeString(text),
    closeStdin: async () => (await takeStdin()).close(),
    async finish() {
      const [rest, stderr, res] = await Promise.all([stdout.then(drain), ex.stderr().then(drain), ex.wait()]);
      return { stdout: seen + rest, stderr, exitCode: res.exitCode };
    },
  };
}

/** Starts `req` through `client`; a refused start throws with the client's own error text. */
export async function startLive(
  client: ExecClient,
  ctx: { rest: RestDriver; box: SdkBox },
  req: ExecRequest,
): Promise<LiveExec> {
  if (client === 'sdk') {
    const ex = await sdkExec(ctx.box, req);
    return sdkLive(ex, await ex.id());
  }
  const started = await ctx.rest.startExec(ctx.box.id, req);
  const eid = started.json?.execution_id;
  if (started.status >= 300 || !eid) throw new Error(`HTTP ${started.status} ${started.text}`);
  const session = await attach(ctx.rest.target, ctx.box.id, eid);
  return restLive(ctx.rest, ctx.box.id, eid, session);
}

/** Start, write `req.stdin` (then EOF) when given, read to the end. */
export async function runLive(
  client: ExecClient,
  ctx: { rest: RestDriver; box: SdkBox },
  req: ExecRequest,
): Promise<{ stdout: string; stderr: string; exitCode: number | null; execId: string }> {
  const live = await startLive(client, ctx, req);
  if (req.stdin !== undefined) {
    await live.writeStdin(req.stdin);
    await live.closeStdin();
  }
  return { ...(await live.finish()), execId: live.execId };
}
