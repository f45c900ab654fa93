/**
 * A box's disk as a Docker image: commit a container, re-create a container from an image
 * with the original container's settings, and drop the images a box left behind. Snapshots,
 * clone and export/import (snapshots.ts, clone-export.ts) are all built on these three.
 */
import type Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { containerName, LABEL_BOX, LABEL_CREATED, LABEL_RUNNER } from './box-spec.ts';
import type { BoxService } from './boxes.ts';
import { bounded, dockerMessage, dockerStatus, reapLater } from './docker.ts';
import { ApiError } from './errors.ts';

/** Images that belong to a box (its snapshots, its clone base) carry its id here. */
export const LABEL_OWNER_BOX = 'boxlite-e2e.sim-image-owner-box';
export const CLONE_REPO = 'boxlite-sim-base';

/** `LABEL k=v` for `docker commit --change`; values are kept to [A-Za-z0-9_=-] by callers. */
export const labelChange = (key: string, value: string): string => `LABEL ${key}=${value}`;

/** Commits the box's container (paused while it runs, like BoxLite's quiesce) to repo:tag. */
export async function commitBox(
  docker: Docker,
  info: ContainerInspectInfo,
  repo: string,
  tag: string,
  changes: string[],
): Promise<string> {
  try {
    const r = (await bounded(
      'container commit',
      (signal) =>
        docker.getContainer(info.Id).commit({ repo, tag, pause: true, changes, abortSignal: signal }),
      120_000,
    )) as { Id?: string };
    return r.Id ?? `${repo}:${tag}`;
  } catch (err) {
    throw new ApiError('internal', `committing box disk failed: ${dockerMessage(err)}`);
  }
}

/**
 * Creates box `boxId`'s container from `image` with `like`'s settings (entrypoint, env,
 * user, limits, mounts): what restore, clone and import need. Hostname is left to Docker.
 */
export async function createFromImage(
  boxes: BoxService,
  boxId: string,
  image: string,
  like: { Config: ContainerInspectInfo['Config']; HostConfig: ContainerInspectInfo['HostConfig'] },
): Promise<void> {
  const { Hostname: _h, Image: _i, ...config } = like.Config;
  const options: ContainerCreateOptions = {
    ...(config as ContainerCreateOptions),
    name: containerName(boxId),
    Image: image,
    Labels: {
      ...(like.Config.Labels ?? {}),
      [LABEL_BOX]: boxId,
      [LABEL_RUNNER]: boxes.opts.runnerId,
      [LABEL_CREATED]: new Date().toISOString(),
    },
    HostConfig: like.HostConfig as ContainerCreateOptions['HostConfig'],
  };
  try {
    await bounded('container create', (signal) =>
      boxes.docker.createContainer({ ...options, abortSignal: signal }),
    );
  } catch (err) {
    if (dockerStatus(err) === 409) throw new ApiError('already_exists', `box ${boxId} already exists`);
    if (err instanceof ApiError && err.code === 'engine_unavailable')
      reapLater(boxes.docker, containerName(boxId));
    throw new ApiError('internal', `creating box ${boxId} from its disk failed: ${dockerMessage(err)}`);
  }
}

/** Removes a container by id, whatever its state (used to swap a box's disk). */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  await bounded('container remove', (signal) =>
    docker.getContainer(id).remove({ force: true, v: false, abortSignal: signal }),
  );
}

/** Images owned by a box, e.g. on box removal; an image still in use stays (best effort). */
export async function dropBoxImages(boxes: BoxService, boxId: string): Promise<void> {
  const images = await bounded('image list', (signal) =>
    boxes.docker.listImages({
      filters: { label: [`${LABEL_OWNER_BOX}=${boxId}`, `${LABEL_RUNNER}=${boxes.opts.runnerId}`] },
      abortSignal: signal,
    }),
  ).catch(() => []);
  const refs = [...images.flatMap((img) => img.RepoTags ?? [img.Id]), `${CLONE_REPO}:${boxId.toLowerCase()}`];
  for (const ref of refs) {
    await bounded('image remove', (signal) =>
      boxes.docker.getImage(ref).remove({ abortSignal: signal }),
    ).catch(() => {});
  }
}
