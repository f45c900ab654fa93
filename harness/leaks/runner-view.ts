/**
 * The runner side of a box, seen without asking the API: what the leak guard compares the
 * API's word against. One view per target, each looking where the box would physically be.
 *
 *   sim      the Docker engine: a container labelled with the box id (sim/runner/box-spec.ts),
 *            and images the box owns: its snapshots, a clone's base (sim/runner/box-images.ts)
 *   serve    the runtime's own box directory under serve's --home (boxes/<id>/, removed with
 *            the box, its snapshots inside: litebox/local_snapshot.rs) and the VM process its
 *            shim.pid names
 *   boxlite  not observable from here: the runner and its VMs live on the KVM host; the
 *            verdict says so instead of passing
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { servePaths } from '../../bootstrap/serve/spec.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { statePaths } from '../../kernel/paths.ts';
import { pidAlive } from '../../kernel/process/processes.ts';
import { LABEL_OWNER_BOX } from '../../sim/runner/box-images.ts';
import { LABEL_BOX } from '../../sim/runner/box-spec.ts';
import type { StackHandle } from '../handle/handle.ts';

export type RunnerView =
  | {
      observable: true;
      /** Where it looks, for messages. */
      where: string;
      /** Of `ids`, those the runner side still holds, each with what was found. */
      present(ids: readonly string[]): Promise<Array<{ id: string; found: string }>>;
    }
  | { observable: false; why: string };

function simView(dockerHost: string): RunnerView {
  const docker = dockerClient(dockerHost, 10_000);
  return {
    observable: true,
    where: `Docker engine ${dockerHost} (containers labelled ${LABEL_BOX}, images labelled ${LABEL_OWNER_BOX})`,
    async present(ids) {
      if (ids.length === 0) return [];
      // One listing of every sim box container and box-owned image (snapshots, clone bases) on
      // the engine, matched here: other stacks share it.
      const wanted = new Set(ids);
      const label = (key: string) => JSON.stringify({ label: [key] });
      const [containers, images] = await Promise.all([
        docker.listContainers({ all: true, filters: label(LABEL_BOX) }),
        docker.listImages({ filters: label(LABEL_OWNER_BOX) }),
      ]);
      return [
        ...containers
          .filter((c) => wanted.has(c.Labels?.[LABEL_BOX] ?? ''))
          .map((c) => ({ id: c.Labels[LABEL_BOX]!, found: `container ${c.Id.slice(0, 12)} (${c.State})` })),
        ...images
          .filter((i) => wanted.has(i.Labels?.[LABEL_OWNER_BOX] ?? ''))
          .map((i) => ({
            id: i.Labels[LABEL_OWNER_BOX]!,
            found: `image ${(i.RepoTags ?? [])[0] ?? i.Id.slice(7, 19)} (a snapshot or clone base it owns)`,
          })),
      ];
    },
  };
}

function serveView(stateDir: string): RunnerView {
  const boxes = join(servePaths(statePaths(stateDir)).home, 'boxes');
  return {
    observable: true,
    where: `boxlite serve's runtime (${boxes}/<id>, shim.pid)`,
    async present(ids) {
      const out: Array<{ id: string; found: string }> = [];
      for (const id of ids) {
        const dir = join(boxes, id);
        if (!existsSync(dir)) continue;
        let pid = Number.NaN;
        try {
          pid = Number.parseInt(readFileSync(join(dir, 'shim.pid'), 'utf8').trim(), 10);
        } catch {
          // no shim.pid: the box dir alone is the runtime still holding the box
        }
        const vm = Number.isInteger(pid) && pidAlive(pid) ? `, VM process ${pid} alive` : '';
        out.push({ id, found: `box dir ${dir}${vm}` });
      }
      return out;
    },
  };
}

export function runnerView(stack: StackHandle): RunnerView {
  if (stack.kind === 'sim' && stack.stack) return simView(stack.dockerHost);
  if (stack.kind === 'serve' && stack.stack) return serveView(stack.stack.stateDir);
  if (stack.kind === 'boxlite')
    return {
      observable: false,
      why: 'boxlite target: the runner and its VMs are on the KVM host; its box listing is not reachable from here',
    };
  return { observable: false, why: `remote stack ${stack.apiUrl}: no runner-side view from this machine` };
}
