/**
 * Image names resolve against the stack registry ("alpine:3" → "<host:port>/alpine:3"). We
 * HEAD the manifest before bothering the runner so a missing image is a fast, typed 422
 * that names the image, like upstream's snapshot lookup.
 */
import { request } from 'undici';
import { MANIFEST_ACCEPT } from '../../bootstrap/services/registry.ts';
import { ApiError } from './errors.ts';

export interface ResolvedImage {
  /** Full reference the runner pulls. */
  ref: string;
  repository: string;
  /** Tag or digest. */
  reference: string;
}

const looksLikeHost = (s: string) => s.includes('.') || s.includes(':') || s === 'localhost';

export function resolveImage(image: string, registry: string): ResolvedImage {
  let rest = image;
  if (rest.startsWith(`${registry}/`)) {
    rest = rest.slice(registry.length + 1);
  } else {
    const first = rest.split('/')[0] ?? '';
    if (rest.includes('/') && looksLikeHost(first)) {
      throw new ApiError(
        'image_pull_failed',
        `image ${JSON.stringify(image)} names registry ${first}; the sim only pulls from ${registry}`,
      );
    }
  }
  let repository = rest;
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    repository = rest.slice(0, at);
    reference = rest.slice(at + 1);
  } else {
    const slash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > slash) {
      repository = rest.slice(0, colon);
      reference = rest.slice(colon + 1);
    }
  }
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repository) || !reference) {
    throw new ApiError('invalid_argument', `image ${JSON.stringify(image)} is not a valid image reference`);
  }
  const sep = reference.includes(':') ? '@' : ':';
  return { ref: `${registry}/${repository}${sep}${reference}`, repository, reference };
}

/**
 * Throws 422 image_pull_failed when the manifest is absent, 503 when the registry is down.
 * Returns the full reference pinned to the manifest digest: a tag pushed again with new
 * content must not leave the runner on its stale local copy (the real API pins snapshots too).
 */
export async function checkImageExists(
  image: string,
  resolved: ResolvedImage,
  registry: string,
): Promise<string> {
  let status: number;
  let digest: string | undefined;
  try {
    const res = await request(
      `http://${registry}/v2/${resolved.repository}/manifests/${resolved.reference}`,
      {
        method: 'HEAD',
        headers: { accept: MANIFEST_ACCEPT },
        headersTimeout: 3000,
        bodyTimeout: 3000,
      },
    );
    status = res.statusCode;
    const header = res.headers['docker-content-digest'];
    digest = typeof header === 'string' && header.startsWith('sha256:') ? header : undefined;
    await res.body.dump();
  } catch (err) {
    throw new ApiError(
      'upstream_unavailable',
      `image registry ${registry} is unreachable: ${(err as Error).message}`,
    );
  }
  if (status === 200) return digest ? `${registry}/${resolved.repository}@${digest}` : resolved.ref;
  if (status === 404) {
    throw new ApiError(
      'image_pull_failed',
      `image ${JSON.stringify(image)} not found: ${resolved.ref} is not in the registry`,
    );
  }
  if (status >= 500)
    throw new ApiError('upstream_unavailable', `image registry ${registry} answered HTTP ${status}`);
  throw new ApiError(
    'image_pull_failed',
    `image ${JSON.stringify(image)} could not be resolved (registry answered HTTP ${status})`,
  );
}

/** What a manifest says about an image: the pull route's answer and the catalog's row. */
export interface ImageFacts {
  /** Digest of the manifest the reference names (the catalog's `id`). */
  digest: string;
  configDigest: string;
  layerCount: number;
  /** Config plus layers, as the manifest records them (compressed sizes). */
  sizeBytes: number;
}

interface Manifest {
  config?: { digest?: string; size?: number };
  layers?: { size?: number }[];
  manifests?: { digest?: string; platform?: { os?: string; architecture?: string } }[];
}

async function getManifest(registry: string, repository: string, reference: string) {
  const res = await request(`http://${registry}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
    headersTimeout: 5000,
    bodyTimeout: 5000,
  }).catch((err: Error) => {
    throw new ApiError('upstream_unavailable', `image registry ${registry} is unreachable: ${err.message}`);
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    return { status: res.statusCode, manifest: null, digest: undefined };
  }
  const header = res.headers['docker-content-digest'];
  return {
    status: 200,
    manifest: (await res.body.json()) as Manifest,
    digest: typeof header === 'string' ? header : undefined,
  };
}

/**
 * Reads an image's manifest (an index resolves to its linux/amd64 entry, else the first),
 * for `POST /images/pull` and the catalog. A missing image is 422 `image_pull_failed`.
 */
export async function describeImage(
  image: string,
  resolved: ResolvedImage,
  registry: string,
): Promise<ImageFacts> {
  const top = await getManifest(registry, resolved.repository, resolved.reference);
  if (!top.manifest) {
    throw new ApiError(
      top.status >= 500 ? 'upstream_unavailable' : 'image_pull_failed',
      `image ${JSON.stringify(image)} could not be pulled: registry answered HTTP ${top.status} for ${resolved.ref}`,
    );
  }
  let manifest = top.manifest;
  if (manifest.manifests && !manifest.layers) {
    const pick =
      manifest.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
      manifest.manifests[0];
    const inner = pick?.digest ? await getManifest(registry, resolved.repository, pick.digest) : null;
    if (!inner?.manifest)
      throw new ApiError('image_pull_failed', `image ${JSON.stringify(image)}: no usable manifest`);
    manifest = inner.manifest;
  }
  const layers = manifest.layers ?? [];
  return {
    digest: top.digest ?? '',
    configDigest: manifest.config?.digest ?? '',
    layerCount: layers.length,
    sizeBytes: (manifest.config?.size ?? 0) + layers.reduce((sum, l) => sum + (l.size ?? 0), 0),
  };
}
