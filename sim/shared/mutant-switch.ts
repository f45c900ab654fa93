/**
 * The switch the mutation check (tools/mutation) turns. In a Stryker sandbox the sim's modules
 * are instrumented: each mutant is a branch taken while `globalThis.__stryker__.activeMutant`
 * names it, and each mutant the code passes is counted under `__stryker__.currentTestId`.
 * This module owns that namespace, so that
 *  - the active mutant changes at run time (`POST …/_sim/mutant`), without a restart;
 *  - coverage is counted per scope — the route serving a request, a background sweep —
 *    through AsyncLocalStorage, so interleaved requests do not blur it. Code that runs before
 *    the first scope (module load, start-up) counts as static: only a restart switches it.
 * Outside a sandbox nothing reads the namespace: the switch answers, but switches nothing. It imports
 * no other sim module: those are the ones being mutated, and the switch must work under any.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface MutantCoverage {
  static: Record<string, number>;
  perTest: Record<string, Record<string, number>>;
}

interface StrykerNamespace {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: MutantCoverage;
}

/** Code reached after start-up outside any scope (a timer or socket callback nobody scoped). */
export const UNSCOPED = 'unscoped';
/** The path of the switch on both sim processes (the API's is under `/api`). */
export const SWITCH_PATH = '/_sim/mutant';
/** The header that carries the API's scope into the runner, so runner code counts under the route. */
export const SCOPE_HEADER = 'x-boxlite-e2e-scope';

const scopes = new AsyncLocalStorage<{ key: string }>();
let serving = false;
const holder = globalThis as { __stryker__?: StrykerNamespace };
holder.__stryker__ ??= {};
const ns = holder.__stryker__;
Object.defineProperty(ns, 'currentTestId', {
  get: () => scopes.getStore()?.key ?? (serving ? UNSCOPED : undefined),
  configurable: true,
});

/** Runs `fn` with coverage counted under `key`. */
export function inScope<T>(key: string, fn: () => T): T {
  serving = true;
  return scopes.run({ key }, fn);
}

/** Narrows the current scope once the route is known (the router runs inside it). */
export function renameScope(key: string): void {
  const store = scopes.getStore();
  if (store) store.key = key;
}

/** The scope to hand to the runner (either process may be the instrumented one). */
export function scopeForRunner(): string | undefined {
  return scopes.getStore()?.key;
}

/** Every event the emitter fires from now on runs in the current scope (sockets made elsewhere). */
export function keepScope(emitter: EventEmitter): void {
  emitter.emit = AsyncLocalStorage.bind(emitter.emit.bind(emitter));
}

/** Instrumented modules create the coverage object on their first call; plain ones never do. */
export const instrumented = (): boolean => ns.mutantCoverage !== undefined;

/** `{id}` or `{id: null}`: the mutant to switch on (null: none). Answers what is now active. */
function activate(body: unknown): string | null {
  const id = (body as { id?: unknown } | null)?.id;
  if (id !== null && typeof id !== 'string') throw new Error('id must be a string or null');
  ns.activeMutant = id ?? undefined;
  return ns.activeMutant ?? null;
}

/** The coverage so far; `reset` starts counting afresh. */
function coverage(reset: boolean): MutantCoverage {
  const cov = ns.mutantCoverage ?? { static: {}, perTest: {} };
  if (reset) ns.mutantCoverage = { static: {}, perTest: {} };
  return cov;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const refusal = (code: string, type: string, message: string) => ({ error: { message, type, code } });

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text.trim() ? JSON.parse(text) : null;
}

/** Where the API passes the switch on: its runner, with the runner's token. */
export interface SwitchRelay {
  url: string;
  token: string;
}

async function relayed(to: SwitchRelay, method: string, search: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${to.url}${SWITCH_PATH}${search}`, {
    method,
    headers: { authorization: `Bearer ${to.token}`, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(`runner switch answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Serves the switch; it checks the bearer itself, since the sim's own auth may be the mutant.
 * `POST` `{id}` activates, `GET` answers `{instrumented, active, coverage}` (`?reset=1` also clears the
 * counts). With `relay` (the API) the same request goes on to the runner, whose answer is
 * merged under `runner`.
 */
export async function serveSwitch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  p: { bearer: string; relay?: SwitchRelay },
): Promise<void> {
  if (req.headers.authorization !== `Bearer ${p.bearer}`) {
    reply(res, 401, refusal('unauthenticated', 'UnauthorizedError', 'the mutant switch needs the admin key'));
    return;
  }
  try {
    const body = req.method === 'POST' ? await readBody(req) : null;
    const active = req.method === 'POST' ? activate(body) : (ns.activeMutant ?? null);
    const own = {
      instrumented: instrumented(),
      active,
      coverage: coverage(url.searchParams.get('reset') === '1'),
    };
    const runner = p.relay ? await relayed(p.relay, req.method ?? 'GET', url.search, body) : undefined;
    reply(res, 200, runner === undefined ? own : { ...own, runner });
  } catch (err) {
    reply(res, 400, refusal('invalid_argument', 'InvalidArgumentError', (err as Error).message));
  }
}
