/**
 * HTTP and attach for sim self-tests, on the raw REST driver (drivers/rest): one request
 * helper for runner and API alike, and attach facts derived from the driver's decoded frames
 * (order, output before the exit frame, frames after it) instead of a second decoder.
 */
import { type AttachResult, type AttachSession, attach } from '../../drivers/rest/attach.ts';
import { call, type RestRequest, type RestResponse, type RestTarget } from '../../drivers/rest/http.ts';

/** A base URL (the runner's, or the API's ending in /api) and the bearer to send. */
export interface Peer {
  url: string;
  key: string;
  /** Tenant prefix attach URLs carry (the API's `default`; none for the runner). */
  prefix?: string;
}

const target = (p: Peer): RestTarget => ({ apiUrl: p.url, apiKey: p.key, pathPrefix: p.prefix ?? '' });

/** `method path` against `peer`; `auth: false` sends no Authorization, a string sends that bearer. */
export function req(
  peer: Peer,
  method: string,
  path: string,
  opts: RestRequest = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary reply JSON.
): Promise<RestResponse<any>> {
  return call(target(peer), method, `${peer.url}${path}`, opts);
}

/** What a test asserts about one attach, beyond the driver's own summary. */
export interface Attached extends AttachResult {
  /** What the SDK would see: stdout that arrived before the exit frame. */
  stdoutBeforeExit: string;
  /** Frame kinds in arrival order: 'out' | 'err' | 'exit' | 'text' (pings left out). */
  order: string[];
  /** Data frames after the exit frame (the SDK never reads them). */
  afterExit: number;
}

export function facts(r: AttachResult): Attached {
  const order: string[] = [];
  let stdoutBeforeExit = '';
  let afterExit = 0;
  let exited = false;
  for (const f of r.frames) {
    if (f.kind === 'ping') continue;
    order.push(f.kind === 'stdout' ? 'out' : f.kind === 'stderr' ? 'err' : f.kind);
    if (f.kind === 'exit') exited = true;
    else if (f.kind === 'stdout' || f.kind === 'stderr') {
      if (exited) afterExit += 1;
      else if (f.kind === 'stdout') stdoutBeforeExit += f.data.toString('utf8');
    }
  }
  return { ...r, stdoutBeforeExit, order, afterExit };
}

/** Opens an attach socket (rejects with `status`/`body` when the upgrade is refused). */
export async function attachLive(
  peer: Peer,
  boxId: string,
  execId: string,
  opts: { auth?: false | string } = {},
): Promise<{ session: AttachSession; result: Promise<Attached> }> {
  const session = await attach(target(peer), boxId, execId, opts);
  return { session, result: session.done.then(facts) };
}

/** Attaches and collects until the socket closes. */
export async function attached(
  peer: Peer,
  boxId: string,
  execId: string,
  opts: { auth?: false | string } = {},
): Promise<Attached> {
  return (await attachLive(peer, boxId, execId, opts)).result;
}

/** The runner's exec round trip: POST exec, then attach until exit. */
export async function runExec(peer: Peer, boxId: string, body: Record<string, unknown>): Promise<Attached> {
  const rep = await req(peer, 'POST', `/v1/boxes/${boxId}/exec`, { body: { tty: false, ...body } });
  if (rep.status !== 201) throw new Error(`exec failed ${rep.status}: ${rep.text}`);
  return attached(peer, boxId, rep.json.execution_id);
}

/** The HTTP status of an attach upgrade (101 when it opened). */
export function upgradeStatus(peer: Peer, boxId: string, execId: string, auth?: false | string) {
  return attach(target(peer), boxId, execId, auth === undefined ? {} : { auth }).then(
    (s) => {
      s.drop();
      return 101;
    },
    (err: { status?: number }) => err.status ?? -1,
  );
}

/** POST …/executions/:id/signal on the runner. */
export function signalExec(peer: Peer, boxId: string, execId: string, signal: number) {
  return req(peer, 'POST', `/v1/boxes/${boxId}/executions/${execId}/signal`, { body: { signal } });
}
