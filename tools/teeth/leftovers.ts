/**
 * What a teeth run leaves behind, and its removal. A switched sim misbehaves on purpose: with
 * `remove-leaves-container` every removal (the preflight's probe boxes, the cases' boxes) keeps
 * its container. Teeth takes a census of the stack before it starts, the runner's containers
 * and the boxes the API lists, and after each run removes the containers the runner made
 * since; at the end nothing may be new in either place.
 *
 * The stack is the user's (the sim of the state dir): what was there before teeth stays.
 */
import { call, tenantUrl } from '../../drivers/rest/http.ts';
import { discoverPathPrefix } from '../../harness/handle/handle.ts';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { statePaths } from '../../kernel/paths.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { LABEL_BOX, LABEL_RUNNER } from '../../sim/runner/box-spec.ts';
import { runnerIdFor } from '../../sim/runner/config.ts';

/** The stack as teeth found it or left it: runner containers (id → box id) and listed box ids. */
export interface Census {
  containers: Map<string, string>;
  listed: string[];
}

export interface Leftovers {
  /** Containers the runner made since the census, as `box <id> (container <short id>)`. */
  containers: string[];
  /** Boxes the API lists that it did not list at the census. */
  listed: string[];
}

export async function census(config: BootstrapConfig): Promise<Census> {
  const found = await dockerClient(config.dockerHost, 15_000).listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL_RUNNER}=${runnerIdFor(config.stateDir)}`] }),
  });
  const containers = new Map(found.map((c) => [c.Id, c.Labels[LABEL_BOX] ?? '?']));
  return { containers, listed: await listedBoxes(config) };
}

/** Box ids the API lists for the stack's own key (empty when there is no sim API yet). */
async function listedBoxes(config: BootstrapConfig): Promise<string[]> {
  const stack = await readStackFile(statePaths(config.stateDir).stackFile);
  if (!stack?.api) return [];
  const apiKey = (await readSecrets(stack.secretsFile)).ADMIN_API_KEY;
  const target = {
    apiUrl: stack.api.url,
    apiKey,
    pathPrefix: await discoverPathPrefix(stack.api.url, apiKey),
  };
  const res = await call<{ boxes: Array<{ box_id: string }> }>(target, 'GET', tenantUrl(target, '/boxes'));
  if (res.status !== 200 || !res.json)
    throw new Error(`teeth: GET /boxes on the stack answered ${res.status}: ${res.text.slice(0, 200)}`);
  return res.json.boxes.map((b) => b.box_id);
}

/** What `now` holds that `before` did not. */
export function newSince(before: Census, now: Census): Leftovers {
  return {
    containers: [...now.containers]
      .filter(([id]) => !before.containers.has(id))
      .map(([id, box]) => `box ${box} (container ${id.slice(0, 12)})`),
    listed: now.listed.filter((id) => !before.listed.includes(id)),
  };
}

/** Force-removes the containers the runner made since `before`; answers what it found. */
export async function removeNewContainers(config: BootstrapConfig, before: Census): Promise<string[]> {
  const now = await census(config);
  const docker = dockerClient(config.dockerHost, 15_000);
  const fresh = [...now.containers.keys()].filter((id) => !before.containers.has(id));
  await Promise.all(
    fresh.map((id) =>
      docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  return newSince(before, now).containers;
}

/** One line per place something was left; null when nothing was. */
export function leftoversMessage(left: Leftovers): string | null {
  const parts: string[] = [];
  if (left.containers.length)
    parts.push(`the runner still holds ${left.containers.length}: ${left.containers.join(', ')}`);
  if (left.listed.length) parts.push(`the API still lists ${left.listed.length}: ${left.listed.join(', ')}`);
  return parts.length ? `teeth left boxes behind: ${parts.join('; ')}` : null;
}
