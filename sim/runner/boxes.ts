/**
 * Boxes are Docker containers. The engine is the source of truth: every lookup inspects the
 * container by its name, so a restarted runner knows its boxes without any local state
 * ("re-adoption" is just listing containers carrying this runner's label).
 */
import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import type { BugId } from '../bugs.ts';
import type { BoxRecords } from './box-records.ts';
import {
  type BoxSpec,
  checkBoxId,
  containerName,
  containerPlan,
  hasMainCommand,
  LABEL_BOX,
  LABEL_MAIN,
  LABEL_RUNNER,
  parseBoxSpec,
  qualifyImage,
} from './box-spec.ts';
import { bounded, dockerMessage, dockerStatus, reapLater } from './docker.ts';
import { ApiError, notFound } from './errors.ts';
import { ensureImage } from './image.ts';

export type BoxStatus = 'configured' | 'running' | 'stopping' | 'stopped' | 'paused' | 'failed';
export interface BoxView {
  box_id: string;
  status: BoxStatus;
  pid: number | null;
  /** The main command's exit code once it has exited; only boxes that have one (LABEL_MAIN). */
  exit_code?: number;
}

const STOP_GRACE_S = 5;
/** How long a box keeps serving after its stop was answered, with bug tunnel-stopped-box-reachable. */
const LATE_STOP_MS = 8000;

export const isMainBox = (info: ContainerInspectInfo): boolean => info.Config.Labels?.[LABEL_MAIN] === '1';

export function statusOf(state: ContainerInspectInfo['State']): BoxStatus {
  switch (state.Status) {
    case 'running':
    case 'restarting':
      return 'running';
    case 'paused':
      return 'paused';
    case 'created':
      return 'configured';
    case 'removing':
      return 'stopping';
    case 'dead':
      return 'failed';
    default:
      return 'stopped';
  }
}

export interface BoxServiceOptions {
  runnerId: string;
  registry: string | null;
  bugs: ReadonlySet<BugId>;
  hostCpus: number;
  /** Where each box's record is written at create (box-records.ts). */
  records: BoxRecords;
}

export class BoxService {
  readonly docker: Docker;
  readonly opts: BoxServiceOptions;

  constructor(docker: Docker, opts: BoxServiceOptions) {
    this.docker = docker;
    this.opts = opts;
  }

  view(info: ContainerInspectInfo): BoxView {
    const boxId = info.Config.Labels?.[LABEL_BOX] ?? info.Name.replace(/^\/boxlite-sim-/, '');
    const status = statusOf(info.State);
    const view: BoxView = { box_id: boxId, status, pid: info.State.Pid > 0 ? info.State.Pid : null };
    if (isMainBox(info) && (status === 'stopped' || status === 'failed'))
      view.exit_code = info.State.ExitCode;
    return view;
  }

  /** The box's container, or null when it does not exist or belongs to another runner. */
  async find(boxId: string): Promise<ContainerInspectInfo | null> {
    checkBoxId(boxId);
    try {
      const info = await bounded('container inspect', (signal) =>
        this.docker.getContainer(containerName(boxId)).inspect({ abortSignal: signal }),
      );
      return info.Config.Labels?.[LABEL_RUNNER] === this.opts.runnerId ? info : null;
    } catch (err) {
      if (dockerStatus(err) === 404) return null;
      throw err;
    }
  }

  async require(boxId: string): Promise<ContainerInspectInfo> {
    const info = await this.find(boxId);
    if (!info) throw notFound(`box ${boxId} not found`);
    return info;
  }

  async create(body: unknown): Promise<{ view: BoxView; spec: BoxSpec; pulled: boolean; notes: string[] }> {
    const spec = parseBoxSpec(body);
    if (spec.volumes.some((v) => v.host_path !== undefined) && !this.opts.bugs.has('host-bind-honored')) {
      throw new ApiError('unsupported', 'host bind mounts are not supported over REST; use a managed volume');
    }
    const image = qualifyImage(spec.image, this.opts.registry);
    if (await this.existsByName(spec.box_id))
      throw new ApiError('already_exists', `box ${spec.box_id} already exists`);
    const pulled = (await ensureImage(this.docker, image)) === 'pulled';
    const plan = containerPlan(spec, image, this.opts.runnerId, this.opts.hostCpus);
    // The box's storage first: a full disk refuses the box before any container exists.
    await this.opts.records.write(spec.box_id, { ...spec, image });
    let container: Docker.Container;
    try {
      container = await bounded('container create', (signal) =>
        this.docker.createContainer({ ...plan.options, abortSignal: signal }),
      );
    } catch (err) {
      await this.opts.records.remove(spec.box_id);
      // The engine may still make it: whatever lands for this refused box is removed then.
      if (err instanceof ApiError && err.code === 'engine_unavailable')
        reapLater(this.docker, containerName(spec.box_id));
      if (dockerStatus(err) === 409)
        throw new ApiError('already_exists', `box ${spec.box_id} already exists`);
      if (dockerStatus(err) === 400)
        throw new ApiError('invalid_argument', `box spec refused: ${dockerMessage(err)}`);
      throw err;
    }
    // A main command waits for start (or a box-level attach then start), as in BoxLite 0.11.
    if (hasMainCommand(spec))
      return { view: this.view(await this.require(spec.box_id)), spec, pulled, notes: plan.notes };
    try {
      await bounded('container start', (signal) => container.start({ abortSignal: signal }));
    } catch (err) {
      // Do not leave a half-made box behind: a failed create must not occupy the id.
      await bounded('container remove', (signal) =>
        container.remove({ force: true, abortSignal: signal }),
      ).catch(() => reapLater(this.docker, containerName(spec.box_id)));
      await this.opts.records.remove(spec.box_id);
      throw new ApiError('internal', `box ${spec.box_id} failed to start: ${dockerMessage(err)}`);
    }
    return { view: this.view(await this.require(spec.box_id)), spec, pulled, notes: plan.notes };
  }

  private async existsByName(boxId: string): Promise<boolean> {
    try {
      await bounded('container inspect', (signal) =>
        this.docker.getContainer(containerName(boxId)).inspect({ abortSignal: signal }),
      );
      return true;
    } catch (err) {
      if (dockerStatus(err) === 404) return false;
      throw err;
    }
  }

  async list(): Promise<BoxView[]> {
    const rows = await bounded('container list', (signal) =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_RUNNER}=${this.opts.runnerId}`] },
        abortSignal: signal,
      }),
    );
    const views = await Promise.all(
      rows.map(async (r) => {
        const id = r.Labels?.[LABEL_BOX];
        return id ? this.find(id).catch(() => null) : null;
      }),
    );
    return views.filter((v): v is ContainerInspectInfo => v !== null).map((v) => this.view(v));
  }

  async start(boxId: string): Promise<BoxView> {
    const info = await this.require(boxId);
    try {
      await bounded('container start', (signal) =>
        this.docker.getContainer(info.Id).start({ abortSignal: signal }),
      );
    } catch (err) {
      if (dockerStatus(err) !== 304)
        throw new ApiError('internal', `box ${boxId} failed to start: ${dockerMessage(err)}`);
    }
    return this.view(await this.require(boxId));
  }

  async stop(boxId: string): Promise<BoxView> {
    const info = await this.require(boxId);
    if (this.opts.bugs.has('tunnel-stopped-box-reachable')) return this.stopLate(info);
    try {
      await bounded(
        'container stop',
        (signal) => this.docker.getContainer(info.Id).stop({ t: STOP_GRACE_S, abortSignal: signal }),
        (STOP_GRACE_S + 15) * 1000,
      );
    } catch (err) {
      if (dockerStatus(err) !== 304)
        throw new ApiError('internal', `box ${boxId} failed to stop: ${dockerMessage(err)}`);
    }
    return this.view(await this.require(boxId));
  }

  /** Bug switch: answers "stopped" now, while the container keeps serving for LATE_STOP_MS. */
  private stopLate(info: ContainerInspectInfo): BoxView {
    const container = this.docker.getContainer(info.Id);
    setTimeout(() => void container.stop({ t: STOP_GRACE_S }).catch(() => {}), LATE_STOP_MS).unref();
    return this.view({ ...info, State: { ...info.State, Running: false, Status: 'exited' } });
  }

  async remove(boxId: string, force: boolean): Promise<void> {
    const info = await this.require(boxId);
    if (!force && info.State.Running) {
      throw new ApiError('invalid_state', `box ${boxId} is running; stop it first or remove with force=true`);
    }
    // Fault switch for the leak guard: report success, keep the "VM".
    if (this.opts.bugs.has('remove-leaves-container')) return;
    try {
      await bounded('container remove', (signal) =>
        this.docker.getContainer(info.Id).remove({ force: true, v: false, abortSignal: signal }),
      );
    } catch (err) {
      if (dockerStatus(err) === 404) throw notFound(`box ${boxId} not found`);
      throw err;
    }
    await this.opts.records.remove(boxId);
  }
}
