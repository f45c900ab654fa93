/**
 * The parts of the stack under test a run depends on, each with a liveness probe: the API
 * and runner (HTTP, any answer below 500), Redis (PING) and the registry (GET /v2/) through
 * their bootstrap probes, Postgres by a TCP connect (its real probe needs the DB password,
 * which workers do not hold). A remote stack has only its API to probe.
 */
import { connect } from 'node:net';
import { request } from 'undici';
import { probeRedis } from '../../bootstrap/services/redis.ts';
import { probeRegistry } from '../../bootstrap/services/registry.ts';
import type { Endpoint } from '../../kernel/stack-file.ts';
import type { StackHandle } from '../handle/handle.ts';

export interface StackPart {
  /** What the headline calls it: API, runner, postgres, redis, registry. */
  name: string;
  /** Where it answers, for the report. */
  where: string;
  /** Resolves when the part answers; rejects with why not. */
  probe(): Promise<void>;
}

const PROBE_MS = 5000;

async function httpAnswers(url: string): Promise<void> {
  const res = await request(url, { headersTimeout: PROBE_MS, bodyTimeout: PROBE_MS });
  await res.body.dump();
  if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}`);
}

function tcpAccepts(e: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: e.host, port: e.port, timeout: PROBE_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no TCP answer in ${PROBE_MS / 1000} s`));
    });
    socket.once('error', (err) => reject(err));
  });
}

export function stackParts(stack: StackHandle): StackPart[] {
  const parts: StackPart[] = [
    { name: 'API', where: stack.apiUrl, probe: () => httpAnswers(`${stack.apiUrl}/health`) },
  ];
  const runnerUrl = stack.runner?.url ?? stack.stack?.runner?.url;
  if (runnerUrl && stack.kind !== 'serve')
    parts.push({ name: 'runner', where: runnerUrl, probe: () => httpAnswers(`${runnerUrl}/`) });
  const services = stack.stack?.services ?? {};
  const at = (e: Endpoint) => `${e.host}:${e.port}`;
  if (services.postgres) {
    const e = services.postgres.endpoint;
    parts.push({ name: 'postgres', where: at(e), probe: () => tcpAccepts(e) });
  }
  if (services.redis) {
    const e = services.redis.endpoint;
    parts.push({ name: 'redis', where: at(e), probe: async () => void (await probeRedis(e)) });
  }
  if (services.registry) {
    const e = services.registry.endpoint;
    parts.push({ name: 'registry', where: at(e), probe: async () => void (await probeRegistry(e)) });
  }
  return parts;
}

export interface PartFailure {
  part: StackPart;
  reason: string;
}

/** Probes every part at once; answers the ones that did not answer. */
export async function failingParts(parts: readonly StackPart[]): Promise<PartFailure[]> {
  const results = await Promise.allSettled(parts.map((p) => p.probe()));
  return parts.flatMap((part, i) => {
    const r = results[i]!;
    if (r.status === 'fulfilled') return [];
    const err = r.reason as Error & { code?: string };
    return [{ part, reason: err.code ?? err.message ?? String(err) }];
  });
}
