/** The OCI registry (Docker Distribution), plain HTTP on loopback. */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import type { Endpoint, ServiceRecord } from '../../kernel/stack-file.ts';

export const registryUrl = (e: Endpoint) => `http://${e.host}:${e.port}`;
/** host:port form used in image references ("127.0.0.1:5000/boxlite-e2e/busybox:1"). */
export const registryHost = (e: Endpoint) => `${e.host}:${e.port}`;

/** Real health check: `GET /v2/` must answer 200 with the distribution API version header. */
export async function probeRegistry(e: Endpoint): Promise<string> {
  const res = await request(`${registryUrl(e)}/v2/`, { headersTimeout: 2000, bodyTimeout: 2000 });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`GET /v2/ answered ${res.statusCode}`);
  const api = res.headers['docker-distribution-api-version'];
  return typeof api === 'string' ? api : 'registry/2.0';
}

/** Every manifest kind a client of the stack registry accepts (an index, a single manifest). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

async function ask(e: Endpoint, method: 'GET' | 'HEAD' | 'DELETE', path: string) {
  const res = await request(`${registryUrl(e)}${path}`, {
    method,
    headers: { accept: MANIFEST_ACCEPT },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** The repositories the registry lists (`GET /v2/_catalog`, page by page: at most 1000 each). */
export async function listRepositories(e: Endpoint): Promise<string[]> {
  const all: string[] = [];
  for (let path: string | null = '/v2/_catalog?n=1000'; path; ) {
    const r = await ask(e, 'GET', path);
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
    all.push(...((JSON.parse(r.text) as { repositories?: string[] | null }).repositories ?? []));
    const link = r.headers.link;
    path = typeof link === 'string' ? (/<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null) : null;
  }
  return all;
}

/** The tags a repository serves; none once the registry no longer knows it. */
export async function repositoryTags(e: Endpoint, repo: string): Promise<string[]> {
  const r = await ask(e, 'GET', `/v2/${repo}/tags/list`);
  if (r.status === 404) return [];
  if (r.status !== 200) throw new Error(`GET /v2/${repo}/tags/list answered ${r.status}`);
  return (JSON.parse(r.text) as { tags?: string[] | null }).tags ?? [];
}

/** Where the registry's filesystem storage keeps a repository (both providers use that driver). */
export function repositoryDir(registry: ServiceRecord, repo: string): string {
  if (!REPOSITORY.test(repo)) throw new Error(`${JSON.stringify(repo)} is not a repository name`);
  return join(registry.dataDir, 'docker', 'registry', 'v2', 'repositories', repo);
}

/**
 * Removes a repository: its manifests through the distribution API, then its directory in
 * storage — the API has no repository delete, and a repository without manifests stays in
 * `_catalog` for good. Blobs stay: a copy shares them with the image it was copied from.
 */
export async function removeRepository(registry: ServiceRecord, repo: string): Promise<void> {
  const dir = repositoryDir(registry, repo);
  for (const tag of await repositoryTags(registry.endpoint, repo)) {
    const head = await ask(registry.endpoint, 'HEAD', `/v2/${repo}/manifests/${tag}`);
    const digest = head.headers['docker-content-digest'];
    if (head.status === 404 || typeof digest !== 'string') continue;
    const del = await ask(registry.endpoint, 'DELETE', `/v2/${repo}/manifests/${digest}`);
    if (del.status !== 202 && del.status !== 404)
      throw new Error(`DELETE /v2/${repo}/manifests/${digest} answered ${del.status} ${del.text.trim()}`);
  }
  await rm(dir, { recursive: true, force: true });
}

/** Where a removed repository is still found (served tags, its storage dir), or null. */
export async function repositoryLeft(registry: ServiceRecord, repo: string): Promise<string | null> {
  const tags = await repositoryTags(registry.endpoint, repo);
  if (tags.length) return `the stack registry still serves ${repo}:${tags.join(',')}`;
  const dir = repositoryDir(registry, repo);
  return existsSync(dir) ? `the stack registry's storage still holds ${dir}` : null;
}
