/**
 * The capability preflight: measured once per run, before any case, on the stack under test —
 * never assumed from its kind. It asks the server what it advertises (`GET /v1/config`) and
 * tries what cases lean on: can a box start and run a command here? The answer, with the
 * server's own words when something is missing, decides which cases are runnable
 * (per-case/needs.ts); on a KVM host the same run measures a VM and runs them all.
 */
import { createRestDriver, type RestDriver } from '../../drivers/rest/driver.ts';
import { appUrl, call, type RestResponse } from '../../drivers/rest/http.ts';
import { runnerView } from '../leaks/runner-view.ts';
import { probeOrgs } from './admin.ts';
import type { StackHandle } from './handle.ts';
import { probeGuest } from './preflight-guest.ts';
import { RUNNER_REFUSED_CREATE } from './target-facts.ts';

/** What a case can need beyond a reachable API. */
export const NEEDS = {
  vm: 'a box starts and runs a command (measured: create, start, exec `true`)',
  create: "a box create answers 2xx (measured: the vm probe's create; the cloud API boots the box at create)",
  'create-pulls':
    'create resolves any image reference, so an unknown one is refused by resolving it (404/422), not by an image allowlist (measured)',
  images: 'the server serves the image routes (measured: GET /v1/{prefix}/images answers 2xx)',
  'runner-refusal':
    'the runner refuses a create the API accepted (measured: POST /boxes with a user the image lacks → an error)',
  'sim-admin': "the sim's admin routes (`/api/_sim/*`: orgs with quotas)",
  orgs: 'the admin interface makes orgs with quotas and keys here (measured: create org, mint + revoke a key, delete)',
  'key-routes':
    'a key mints keys from code, `POST /api/api-keys` (measured: an empty body is refused as a bad request, not 404)',
  'runner-direct': "direct access to the stack's runner, bypassing the API",
  'path-guard': 'the path guard is on (runner and API journals readable)',
  'stack-registry': 'the harness can write to the registry the target pulls from (a stack it set up)',
  'image-catalog':
    'the server keeps an image catalog with a limit, as the cloud API does (measured: GET /images/usage)',
  'own-kernel': 'each box runs its own kernel, as a VM does (measured: two boxes report different boot_ids)',
  egress: 'a box reaches the internet (measured: a box fetches http://example.com/)',
  snapshots: 'the server advertises snapshots (measured: GET /v1/config capabilities.snapshots_enabled)',
  clone: 'the server advertises clone (measured: GET /v1/config capabilities.clone_enabled)',
  'export-import':
    'the server advertises export and import (measured: GET /v1/config capabilities.{export,import}_enabled)',
  volumes: 'managed volumes are served (measured: GET /v1/{prefix}/volumes answers 2xx)',
  'guest-tools': 'the default image has python3, pip3, git and cc (measured: command -v in a box)',
  tunnels: 'the server prepares box tunnels (measured: POST /boxes/{id}/network/tunnel?port=8080 → {uri})',
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

/** The server's own words: the string-code envelope, Nest's `message`, or the runner's `error`. */
export function errorWords(res: RestResponse): string {
  if (res.envelope) return `${res.envelope.code}: ${res.envelope.message}`;
  const j = res.json as { message?: unknown; error?: unknown } | null;
  if (typeof j?.message === 'string')
    return typeof j.error === 'string' ? `${j.error}: ${j.message}` : j.message;
  if (typeof j?.error === 'string') return j.error;
  return res.text;
}

function why(step: string, res: RestResponse): string {
  return clip(`${step} → HTTP ${res.status} ${errorWords(res)}`);
}

/**
 * Boxes named `name` the create left behind although it failed (the real API keeps the row of
 * a box whose start failed, in status `unknown`): force-removed, and said.
 */
async function removeLeftBehind(rest: RestDriver, name: string): Promise<string> {
  const list = await rest.tenant<{ boxes?: { box_id: string; name?: string | null; status?: string }[] }>(
    'GET',
    '/boxes',
  );
  const left = (list.json?.boxes ?? []).filter((b) => b.name === name);
  for (const b of left) await rest.tenant('DELETE', `/boxes/${b.box_id}`, { query: { force: 'true' } });
  return left.length
    ? `; the failed create left box ${left.map((b) => `${b.box_id} (${b.status})`).join(', ')}, removed`
    : '';
}

/** The vm probe's first failure, and whether it was the create itself. */
type VmFailure = { why: string; atCreate: boolean } | null;

/** Create, start and exec `true` in one box; null when it all worked, else the first failure. */
async function probeVm(stack: StackHandle, name: string): Promise<VmFailure> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  const later = (why: string) => ({ why, atCreate: false });
  try {
    const created = await rest.createBox({ image: stack.images.default, name });
    const id = created.json?.box_id;
    if (created.status >= 300 || !id) {
      const left = await removeLeftBehind(rest, name);
      return { why: why(`POST /boxes {image: ${stack.images.default}}`, created) + left, atCreate: true };
    }
    const started = await rest.tenant('POST', `/boxes/${id}/start`, { timeoutMs: 180_000 });
    if (started.status >= 300) return later(why(`POST /boxes/${id}/start`, started));
    const ran = await rest.exec(id, { command: 'true' });
    if (ran.exitCode !== 0)
      return later(clip(`exec \`true\` in ${id}: exit ${ran.exitCode}, ${ran.error ?? ''}`));
    return null;
  } catch (err) {
    return later(clip(`box probe failed: ${(err as Error).message}`));
  } finally {
    for (const id of ids) {
      await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }).catch(() => null);
    }
  }
}

/** Null when create refuses an image that does not exist by resolving it; else what it answered. */
async function probeCreatePulls(stack: StackHandle, name: string): Promise<string | null> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  const image = 'boxlite-e2e/no-such-image:preflight';
  try {
    const res = await rest.createBox({ image, name });
    if (res.status >= 300) {
      await removeLeftBehind(rest, name);
      if (res.status === 404 || res.status === 422) return null;
      return `${why(`POST /boxes {image: ${image}}`, res)}: refused before any pull (an image allowlist)`;
    }
    const status = (res.json as { status?: string } | null)?.status;
    return clip(
      `POST /boxes {image: ${image}} → HTTP ${res.status}, status ${status}: the image is resolved later`,
    );
  } finally {
    for (const id of ids)
      await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }).catch(() => null);
  }
}

/** Null when the runner refuses a create the API accepts (a user the image lacks); else what it answered. */
async function probeRunnerRefusal(stack: StackHandle, name: string): Promise<string | null> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  try {
    const res = await rest.createBox({ image: stack.images.busybox, name, ...RUNNER_REFUSED_CREATE });
    if (res.status >= 300) {
      await removeLeftBehind(rest, name);
      return null;
    }
    const status = (res.json as { status?: string } | null)?.status;
    return clip(
      `POST /boxes ${JSON.stringify(RUNNER_REFUSED_CREATE)} → HTTP ${res.status}, status ${status}: the runner accepts it`,
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
  const failed = await probeVm(stack, boxName);
  const vm = failed?.why ?? null;
  if (vm) missing.vm = vm;
  if (failed?.atCreate) missing.create = failed.why;
  const images = await rest.tenant('GET', '/images');
  if (images.status >= 300) missing.images = why('GET /images', images);
  const pulls = await probeCreatePulls(stack, `${boxName}-image`);
  if (pulls) missing['create-pulls'] = pulls;
  const refused = vm ? `no box runs here: ${vm}` : await probeRunnerRefusal(stack, `${boxName}-refused`);
  if (refused) missing['runner-refusal'] = refused;
  const usage = await rest.tenant('GET', '/images/usage');
  if (usage.status !== 200) missing['image-catalog'] = why('GET /images/usage', usage);
  const orgs = await probeOrgs(stack);
  if (orgs) missing.orgs = orgs;
  const keys = await call(stack, 'POST', appUrl(stack, '/api-keys'), { body: {} });
  if (keys.status !== 400) missing['key-routes'] = why('POST /api/api-keys {}', keys);
  if (stack.kind !== 'sim') {
    missing['sim-admin'] =
      `target ${stack.kind} (${stack.apiUrl}) is not the sim; only sim/api has /api/_sim`;
  }
  if (!stack.stack?.services.registry) {
    missing['stack-registry'] =
      `target ${stack.kind} (${stack.apiUrl}): no stack registry recorded in a stack file`;
  }
  if (!stack.runner) missing['runner-direct'] = `target ${stack.kind} offers no direct runner access`;
  if (!stack.pathGuard.enabled) missing['path-guard'] = `path guard off: ${stack.pathGuard.reason}`;
  const noBox = `no box runs here: ${vm}`;
  const guest = vm
    ? { ownKernel: noBox, egress: noBox, tools: noBox, tunnels: noBox }
    : await probeGuest(stack, `${boxName}-guest`);
  if (guest.ownKernel) missing['own-kernel'] = guest.ownKernel;
  if (guest.egress) missing.egress = guest.egress;
  if (guest.tools) missing['guest-tools'] = guest.tools;
  if (guest.tunnels) missing.tunnels = guest.tunnels;
  const caps = cfg.json?.capabilities ?? {};
  const flag = (k: string) =>
    caps[k] === true ? null : `GET /v1/config capabilities.${k} = ${JSON.stringify(caps[k] ?? null)}`;
  const snapshots = flag('snapshots_enabled');
  if (snapshots) missing.snapshots = snapshots;
  const clone = flag('clone_enabled');
  if (clone) missing.clone = clone;
  const exportImport = flag('export_enabled') ?? flag('import_enabled');
  if (exportImport) missing['export-import'] = exportImport;
  const vols = await rest.tenant('GET', '/volumes');
  if (vols.status >= 300) missing.volumes = why('GET /volumes', vols);
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
