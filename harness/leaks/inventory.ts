/**
 * What the stack holds outside boxes, counted at the start and at the end of a run: the end-of-
 * run leftovers check names everything new since the start (harness/leaks/guard.ts), so a case
 * that creates a resource the fixtures never heard of still fails the run, naming it.
 *
 *   catalog image      the API's image catalog of the run's org (`GET /images`)
 *   volume             the org's managed volumes (`GET /volumes`)
 *   api key            the org's keys (`GET /api/api-keys`, a bare list)
 *   registry repo      the stack registry's repositories (`GET /v2/_catalog`), local stacks
 *   runner image       sim: images the runner made (snapshots, clone bases, exports) or pulled
 *                      from the stack registry (boxes' images), in its Docker engine
 *   runner container   sim: the runner's containers, each a box — also one the API never
 *                      knew (a create the engine finished after the runner gave up on it)
 *
 * The stack's own guest images are no leftover: the first box made from one records it.
 * A source the target does not offer is left out (its checks are the per-case ones).
 */
import { listRepositories, registryHost } from '../../bootstrap/services/registry.ts';
import { appUrl, call, type RestTarget, tenantUrl } from '../../drivers/rest/http.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { LABEL_RUNNER } from '../../sim/runner/box-spec.ts';
import { runnerIdFor } from '../../sim/runner/config.ts';
import type { StackHandle } from '../handle/handle.ts';

export type Inventory = Record<string, string[]>;

/** `GET url` → the names `pick` finds in a 200 answer; null when the server has no such listing. */
async function listed<T>(
  target: RestTarget,
  url: string,
  pick: (json: T) => string[],
): Promise<string[] | null> {
  const res = await call<T>(target, 'GET', url, { timeoutMs: 15_000 }).catch(() => null);
  if (res?.status !== 200 || !res.json) return null;
  return pick(res.json);
}

async function runnerImages(stack: StackHandle): Promise<string[]> {
  const docker = dockerClient(stack.dockerHost, 30_000);
  const registry = stack.stack?.services.registry;
  const made = await docker.listImages({
    filters: { label: [`${LABEL_RUNNER}=${runnerIdFor(stack.stack!.stateDir)}`] },
  });
  const pulled = registry
    ? await docker.listImages({
        filters: { reference: [`${registryHost(registry.endpoint)}/boxlite-e2e/*`] },
      })
    : [];
  return [...made, ...pulled].flatMap((i) => {
    const names = [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])].filter((n) => !n.startsWith('<none>'));
    return names.length ? names : [i.Id];
  });
}

async function runnerContainers(stack: StackHandle): Promise<string[]> {
  const mine = { label: [`${LABEL_RUNNER}=${runnerIdFor(stack.stack!.stateDir)}`] };
  const containers = await dockerClient(stack.dockerHost, 30_000).listContainers({
    all: true,
    filters: mine,
  });
  return containers.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id);
}

export async function takeInventory(stack: StackHandle): Promise<Inventory> {
  const inv: Inventory = {};
  const put = (kind: string, names: string[] | null) => {
    if (names) inv[kind] = [...new Set(names)].sort();
  };
  put(
    'catalog image',
    await listed<{ images?: { reference: string }[] }>(stack, tenantUrl(stack, '/images'), (j) =>
      (j.images ?? []).map((i) => i.reference),
    ),
  );
  put(
    'volume',
    await listed<{ volumes?: { id: string }[] }>(stack, tenantUrl(stack, '/volumes'), (j) =>
      (j.volumes ?? []).map((v) => v.id),
    ),
  );
  put(
    'api key',
    await listed<{ name: string }[]>(stack, appUrl(stack, '/api-keys'), (j) =>
      Array.isArray(j) ? j.map((k) => k.name) : [],
    ),
  );
  const registry = stack.stack?.services.registry;
  if (registry) put('registry repo', await listRepositories(registry.endpoint).catch(() => null));
  if (stack.kind === 'sim' && stack.stack) {
    put('runner image', await runnerImages(stack).catch(() => null));
    put('runner container', await runnerContainers(stack).catch(() => null));
  }
  return inv;
}

/** A name that belongs to the stack's guest images (recorded, pulled or pushed by any box). */
function isGuestImage(stack: StackHandle, name: string): boolean {
  return [stack.images.busybox, stack.images.debian].some((image) => {
    const repo = image.replace(/[:@][^/]*$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|/)${repo}($|[:@])`).test(name);
  });
}

/** What `after` holds that `before` did not, by kind, the stack's guest images aside. */
export function newSince(stack: StackHandle, before: Inventory, after: Inventory): Inventory {
  const out: Inventory = {};
  for (const [kind, names] of Object.entries(after)) {
    // A listing that failed at the start says nothing about what is new.
    if (!(kind in before)) continue;
    const had = new Set(before[kind] ?? []);
    const fresh = names.filter((n) => !had.has(n) && !isGuestImage(stack, n));
    if (fresh.length) out[kind] = fresh;
  }
  return out;
}
