/**
 * What a case creates outside boxes, removed after it as its boxes are (box-tracker.ts), then
 * looked for again by the leak guard. The fixtures tell the case's tracker about each one
 * where it is made: a copy of an image in the stack registry (and so in the API's image
 * catalog and the runner's image cache), a managed volume, a tunnel. Orgs and their keys are the orgs
 * fixture's (fixtures/orgs.ts); snapshots go with their box (harness/leaks/runner-view.ts).
 */

import { connect } from 'node:net';
import { registryHost, removeRepository, repositoryLeft } from '../../bootstrap/services/registry.ts';
import { call, type RestTarget, tenantUrl } from '../../drivers/rest/http.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { LABEL_ID as SIM_VOLUME_ID_LABEL } from '../../sim/runner/volumes.ts';
import type { StackHandle } from '../handle/handle.ts';

export interface Resource {
  /** How messages name it: `volume vol-abc`, `image boxlite-e2e/x:1`. */
  readonly name: string;
  /** Removes it everywhere it lives; resolves once gone (or never there), else rejects saying why. */
  remove(): Promise<void>;
  /** Where it is still found (a sentence), or null: the leak guard after removal. */
  find(): Promise<string | null>;
}

interface ImageRow {
  reference: string;
  repository: string;
}

/** Catalog rows that name `image` (its reference, or the reference qualified by a registry). */
async function catalogRows(target: RestTarget, image: string): Promise<ImageRow[] | null> {
  const res = await call<{ images?: ImageRow[] }>(target, 'GET', tenantUrl(target, '/images'));
  // A server without an image listing keeps no catalog to clean.
  if (res.status >= 400 && res.status < 500) return null;
  if (res.status !== 200) throw new Error(`GET /images answered ${res.status} ${res.text.slice(0, 200)}`);
  return (res.json?.images ?? []).filter((r) => r.reference === image || r.reference.endsWith(`/${image}`));
}

/** The sim runner's engine pulls by digest: every `<registry>/<repository>@…` it holds. */
async function engineCopies(stack: StackHandle, repository: string): Promise<string[]> {
  const registry = stack.stack?.services.registry;
  if (stack.kind !== 'sim' || !registry) return [];
  const name = `${registryHost(registry.endpoint)}/${repository}`;
  const images = await dockerClient(stack.dockerHost, 30_000).listImages({ filters: { reference: [name] } });
  return images
    .flatMap((i) => [...(i.RepoDigests ?? []), ...(i.RepoTags ?? [])])
    .filter((r) => r.startsWith(name));
}

/**
 * `repository:tag`, copied into the stack registry by the case: its catalog entry (removal is
 * refused while a box can boot from it, so this runs after the case's boxes are gone), its
 * repository in the registry, and the runner's pulled copy on the sim.
 */
export function registryImage(
  stack: StackHandle,
  target: RestTarget,
  repository: string,
  tag: string,
): Resource {
  const image = `${repository}:${tag}`;
  const registry = stack.stack?.services.registry;
  return {
    name: `image ${image}`,
    async remove() {
      for (const row of (await catalogRows(target, image)) ?? []) {
        const res = await call(
          target,
          'DELETE',
          tenantUrl(target, `/images/${encodeURIComponent(row.repository)}`),
        );
        if (res.status >= 300 && res.status !== 404)
          throw new Error(
            `DELETE /images/${row.repository} answered ${res.status} ${res.text.slice(0, 200)}`,
          );
      }
      if (registry) await removeRepository(registry, repository);
      const docker = dockerClient(stack.dockerHost, 30_000);
      for (const ref of await engineCopies(stack, repository))
        await docker
          .getImage(ref)
          .remove()
          .catch(() => {});
    },
    async find() {
      const rows = (await catalogRows(target, image)) ?? [];
      if (rows.length) return `the image catalog still lists ${rows.map((r) => r.reference).join(', ')}`;
      const left = registry ? await repositoryLeft(registry, repository) : null;
      if (left) return left;
      const copies = await engineCopies(stack, repository);
      return copies.length ? `the sim runner's engine still holds ${copies.join(', ')}` : null;
    },
  };
}

/** A managed volume: removed through the API (force: a volume the case removed itself is fine). */
export function managedVolume(stack: StackHandle, target: RestTarget, id: string): Resource {
  const path = `/volumes/${encodeURIComponent(id)}`;
  return {
    name: `volume ${id}`,
    async remove() {
      const res = await call(target, 'DELETE', tenantUrl(target, path), { query: { force: 'true' } });
      if (res.status >= 300 && res.status !== 404)
        throw new Error(`DELETE ${path} answered ${res.status} ${res.text.slice(0, 200)}`);
    },
    async find() {
      const res = await call(target, 'GET', tenantUrl(target, path));
      if (res.status === 200) return 'the API still lists it';
      if (stack.kind !== 'sim') return null;
      const held = await dockerClient(stack.dockerHost, 30_000)
        .listVolumes({ filters: { label: [`${SIM_VOLUME_ID_LABEL}=${id}`] } })
        .then((r) => r.Volumes ?? []);
      return held.length ? `the sim runner's engine still holds Docker volume ${held[0]!.Name}` : null;
    },
  };
}

/** True when something accepts a TCP connection at `host:port` within a short while. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** A tunnel a box prepared: it goes with its box (removed first), so its listener must be closed. */
export function boxTunnel(uri: string): Resource {
  const url = new URL(uri);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return {
    name: `tunnel ${uri}`,
    remove: async () => {},
    async find() {
      return (await accepts(url.hostname, port))
        ? 'its listener still accepts connections after its box was removed'
        : null;
    },
  };
}
