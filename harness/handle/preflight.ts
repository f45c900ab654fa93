/**
 * The capability preflight: measured once per run, before any case, on the stack under test —
 * never assumed from its kind. It asks the server what it advertises (`GET /v1/config`) and
 * tries what cases lean on: can a box start and run a command here? The answer, with the
 * server's own words when something is missing, decides which cases are runnable
 * (per-case/needs.ts); on a KVM host the same run measures a VM and runs them all.
 */
import { createRestDriver } from '../../drivers/rest/driver.ts';
import type { RestResponse } from '../../drivers/rest/http.ts';
import { runnerView } from '../leaks/runner-view.ts';
import { probeOrgs } from './admin.ts';
import type { StackHandle } from './handle.ts';
import { probeGuest } from './preflight-guest.ts';
import { RUNNER_REFUSED_CREATE } from './target-facts.ts';

/** What a case can need beyond a reachable API. */
export const NEEDS = {
  vm: 'a box starts and runs a command (measured: create, start, exec `true`)',
  'create-pulls': 'create resolves the image, so an unknown image is refused at create (measured)',
  'runner-refusal':
    'the runner refuses a create the API accepted (measured: POST /boxes with a user the image lacks → an error)',
  'sim-admin': "the sim's admin routes (`/api/_sim/*`: orgs with quotas)",
  orgs: 'the admin interface makes orgs with quotas and keys here (measured: create org, mint + revoke a key, delete)',
  'key-routes':
    'a key mints keys from code, `POST /v1/api-keys` (measured: an empty body is refused as a bad request, not 404)',
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

/** Null when create refuses `body`; else what it answered (`later`: where the target checks it). */
async function probeCreateRefused(
  stack: StackHandle,
  body: Record<string, unknown>,
  later: string,
): Promise<string | null> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  try {
    const res = await rest.createBox(body);
    if (res.status >= 300) return null;
    const status = (res.json as { status?: string } | null)?.status;
    const { name: _, ...shown } = body;
    return clip(`POST /boxes ${JSON.stringify(shown)} → HTTP ${res.status}, status ${status}: ${later}`);
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
  const pulls = await probeCreateRefused(
    stack,
    { image: 'boxlite-e2e/no-such-image:preflight', name: `${boxName}-image` },
    'the image is resolved later',
  );
  if (pulls) missing['create-pulls'] = pulls;
  const refused = vm
    ? `no box runs here: ${vm}`
    : await probeCreateRefused(
        stack,
        { image: stack.images.busybox, name: `${boxName}-refused`, ...RUNNER_REFUSED_CREATE },
        'the runner accepts it',
      );
  if (refused) missing['runner-refusal'] = refused;
  const usage = await rest.tenant('GET', '/images/usage');
  if (usage.status !== 200) missing['image-catalog'] = why('GET /images/usage', usage);
  const orgs = await probeOrgs(stack);
  if (orgs) missing.orgs = orgs;
  const keys = await rest.root('POST', '/api-keys', { body: {} });
  if (keys.status !== 400) missing['key-routes'] = why('POST /v1/api-keys {}', keys);
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
