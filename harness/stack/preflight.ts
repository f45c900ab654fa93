/**
 * The capability preflight: measured once per run, before any case, on the stack under test —
 * never assumed from its kind. It asks the server what it advertises (`GET /v1/config`) and
 * tries what cases lean on: can a box start and run a command here? The answer, with the
 * server's own words when something is missing, decides which cases are runnable
 * (fixtures/needs.ts); on a KVM host the same run measures a VM and runs them all.
 */
import { createRestDriver } from '../../drivers/rest/driver.ts';
import type { RestResponse } from '../../drivers/rest/http.ts';
import { runnerView } from '../leaks/runner-view.ts';
import type { StackHandle } from './handle.ts';

/** What a case can need beyond a reachable API. */
export const NEEDS = {
  vm: 'a box starts and runs a command (measured: create, start, exec `true`)',
  'create-pulls': 'create resolves the image, so an unknown image is refused at create (measured)',
  'sim-admin': "the sim's admin routes (`/api/_sim/*`: orgs with quotas)",
  'runner-direct': "direct access to the stack's runner, bypassing the API",
  'path-guard': 'the path guard is on (runner and API journals readable)',
  'runner-view': 'the runner side of a box (container, runtime dir, VM process) is observable from here',
} as const;
export type Need = keyof typeof NEEDS;

export interface Preflight {
  /** What `GET /v1/config` answered: status and the capabilities object. */
  config: { status: number; capabilities: Record<string, unknown> | null };
  /** Each unmet need with the evidence (absent = met). */
  missing: Partial<Record<Need, string>>;
  ms: number;
}

const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 400);

function why(step: string, res: RestResponse): string {
  const body = res.envelope ? `${res.envelope.code}: ${res.envelope.message}` : res.text;
  return clip(`${step} → HTTP ${res.status} ${body}`);
}

/** Create, start and exec `true` in one box; null when it all worked, else the first failure. */
async function probeVm(stack: StackHandle, name: string): Promise<string | null> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  try {
    const created = await rest.createBox({ image: stack.images.default, name });
    const id = created.json?.box_id;
    if (created.status >= 300 || !id) return why(`POST /boxes {image: ${stack.images.default}}`, created);
    const started = await rest.tenant('POST', `/boxes/${id}/start`, { timeoutMs: 180_000 });
    if (started.status >= 300) return why(`POST /boxes/${id}/start`, started);
    const ran = await rest.exec(id, { command: 'true' });
    if (ran.exitCode !== 0) return clip(`exec \`true\` in ${id}: exit ${ran.exitCode}, ${ran.error ?? ''}`);
    return null;
  } catch (err) {
    return clip(`box probe failed: ${(err as Error).message}`);
  } finally {
    for (const id of ids) {
      await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }).catch(() => null);
    }
  }
}

/** Null when create refuses an image that does not exist; else what it answered. */
async function probeCreatePulls(stack: StackHandle, name: string): Promise<string | null> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  const image = 'boxlite-e2e/no-such-image:preflight';
  try {
    const res = await rest.createBox({ image, name });
    if (res.status >= 300) return null;
    const status = (res.json as { status?: string } | null)?.status;
    return clip(
      `POST /boxes {image: ${image}} → HTTP ${res.status}, status ${status}: the image is resolved later`,
    );
  } finally {
    for (const id of ids)
      await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }).catch(() => null);
  }
}

export async function runPreflight(stack: StackHandle, boxName: string): Promise<Preflight> {
  const t0 = performance.now();
  const rest = createRestDriver(stack, () => {});
  const cfg = await rest.root<{ capabilities?: Record<string, unknown> }>('GET', '/config');
  const missing: Partial<Record<Need, string>> = {};
  const vm = await probeVm(stack, boxName);
  if (vm) missing.vm = vm;
  const pulls = await probeCreatePulls(stack, `${boxName}-image`);
  if (pulls) missing['create-pulls'] = pulls;
  if (stack.kind !== 'sim') {
    missing['sim-admin'] =
      `target ${stack.kind} (${stack.apiUrl}) is not the sim; only sim/api has /api/_sim`;
  }
  if (!stack.runner) missing['runner-direct'] = `target ${stack.kind} offers no direct runner access`;
  if (!stack.pathGuard.enabled) missing['path-guard'] = `path guard off: ${stack.pathGuard.reason}`;
  const view = runnerView(stack);
  if (!view.observable) missing['runner-view'] = view.why;
  return {
    config: { status: cfg.status, capabilities: cfg.json?.capabilities ?? null },
    missing,
    ms: performance.now() - t0,
  };
}

/** One line for the run's log: what was measured. */
export function describePreflight(p: Preflight): string {
  const unmet = Object.entries(p.missing).map(([need, ev]) => `${need} (${ev})`);
  const caps = p.config.capabilities ? Object.keys(p.config.capabilities).length : 0;
  return (
    `preflight (${Math.round(p.ms)} ms): GET /v1/config ${p.config.status}, ${caps} capabilities; ` +
    (unmet.length ? `unmet: ${unmet.join('; ')}` : 'every need met')
  );
}
