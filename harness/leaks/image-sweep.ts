/**
 * Start-of-run sweep for registry images (harness/sweep.ts does boxes): a copy a case made in
 * the stack registry carries its run's name prefix (`…-e2e-<pid>-<tag>-…`); a copy whose run
 * is dead — interrupted before its cleanup — leaves the image catalog, the registry and the
 * runner's cache. Copies from before names carried a run (no prefix) go too: no live run
 * makes such names. The stack's guest images are never touched.
 */
import { listRepositories } from '../../bootstrap/services/registry.ts';
import { call, tenantUrl } from '../../drivers/rest/http.ts';
import { pidAlive } from '../../kernel/process/processes.ts';
import type { StackHandle } from '../handle/handle.ts';
import { registryImage } from '../per-case/resources.ts';

const OURS = /^boxlite-e2e\/[a-z0-9-]+$/;
const RUN = /-e2e-(\d+)-[a-z0-9]{4}-[a-z0-9]+$/;

/** Repositories named in the registry or in the org's catalog (`<registry>/<repository>`). */
async function knownRepositories(stack: StackHandle): Promise<string[]> {
  const registry = stack.stack?.services.registry;
  const inRegistry = registry ? await listRepositories(registry.endpoint).catch(() => []) : [];
  const res = await call<{ images?: { repository: string }[] }>(
    stack,
    'GET',
    tenantUrl(stack, '/images'),
  ).catch(() => null);
  const inCatalog = (res?.status === 200 ? (res.json?.images ?? []) : []).map((r) =>
    r.repository.slice(r.repository.indexOf('boxlite-e2e/')),
  );
  return [...new Set([...inRegistry, ...inCatalog])];
}

/** Removes the copies of dead runs; answers their repositories. */
export async function sweepImages(stack: StackHandle): Promise<string[]> {
  if (!stack.stack?.services.registry) return [];
  const guests = [stack.images.busybox, stack.images.debian].map((i) => i.replace(/:[^/]*$/, ''));
  const doomed = (await knownRepositories(stack)).filter((repo) => {
    if (!OURS.test(repo) || guests.includes(repo)) return false;
    const run = RUN.exec(repo);
    return !run || !pidAlive(Number(run[1]));
  });
  for (const repo of doomed) await registryImage(stack, stack, repo, '1').remove();
  return doomed;
}
