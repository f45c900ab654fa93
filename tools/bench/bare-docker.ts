/**
 * The physical limit under the sim: the same work the sim's runner does for a create
 * (container create + start from the same spec and image) and for an exec (exec create +
 * hijacked start), done straight against the same Docker engine with dockerode. The sim can
 * only add to these numbers, so "sim ÷ bare" is the overhead its API → runner path costs.
 *
 * The `physical-limit` scenario measures both sides in the same iteration, alternating which
 * goes first (A/B, then B/A) so drift from a busy machine falls on both alike.
 */
import { cpus } from 'node:os';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { containerPlan, parseBoxSpec } from '../../sim/runner/box-spec.ts';
import { ensureImage } from '../../sim/runner/image.ts';
import { CREATE_BODY } from './rest-ops.ts';
import { type Scenario, timed } from './scenario.ts';

export interface BareDocker {
  /** Makes sure the image is local, as the runner does before a create (not timed). */
  prepare(): Promise<void>;
  /** docker create + start of the container the sim would make for a bench box; its id. */
  createStart(): Promise<string>;
  /** exec create + hijacked start of `echo`, the part of POST /exec that touches Docker. */
  execStart(id: string, args: string[]): Promise<void>;
  remove(id: string): Promise<void>;
}

const STREAM_DRAIN_MS = 10_000;

/** Lets the finished exec's stream close outside the timed part, so nothing is left open. */
function drain(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      stream.destroy();
      resolve();
    }, STREAM_DRAIN_MS);
    stream.once('close', done);
    stream.once('end', done);
    stream.once('error', done);
    stream.resume();
    stream.end();
  });
}

/** `image` is the fully qualified reference the sim's runner resolves the bench image to. */
export function bareDocker(docker: Docker, image: string): BareDocker {
  let n = 0;
  return {
    async prepare() {
      await ensureImage(docker, image);
    },
    async createStart() {
      const spec = parseBoxSpec({ box_id: `bench-bare-${process.pid}-${n++}`, image, ...CREATE_BODY });
      // The runner's own translation of a box spec, with a runner id no sim runner owns.
      const { options } = containerPlan(spec, image, `bench-bare-${process.pid}`, cpus().length);
      const container = await docker.createContainer(options);
      await container.start();
      return container.id;
    },
    async execStart(id, args) {
      const exec = await docker.getContainer(id).exec({
        Cmd: ['echo', ...args],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      const stream = (await exec.start({ hijack: true, stdin: true, Tty: false })) as Duplex;
      void drain(stream);
    },
    async remove(id) {
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => {});
    },
  };
}

/** Scenario metrics that do a create or an exec, beside the bare-Docker figure they stand on. */
export const BARE_EQUIVALENT: Record<string, 'create' | 'exec'> = {
  'latency-cold-start/api_create_wall_ms': 'create',
  'latency-cold-start/first_exec_wall_ms': 'exec',
  'latency-exec/exec_wall_ms': 'exec',
  'latency-lifecycle/create_ms': 'create',
  'latency-lifecycle/exec_ms': 'exec',
  'latency-restart/first_exec_after_restart_ms': 'exec',
  'throughput-exec-serial/avg_exec_ms': 'exec',
  'stability-exec-loop/mean_exec_ms': 'exec',
  'physical-limit/sim_create_ms': 'create',
  'physical-limit/sim_exec_ms': 'exec',
};

/** Where the bare figures live in the physical-limit report. */
export const BARE_METRIC = { create: 'docker_create_ms', exec: 'docker_exec_ms' } as const;
export const PHYSICAL_LIMIT = 'physical-limit';
/** The sim's target: create and exec within this factor of bare Docker at p50. */
export const SIM_OVERHEAD_GOAL = 3;

export const physicalLimit: Scenario = {
  name: PHYSICAL_LIMIT,
  summary: 'sim create / exec next to the same work on bare Docker, alternating sides',
  needs: { concurrentBoxes: 1, dockerEngine: true },
  runOnce: async (ctx, iteration) => {
    const bare = ctx.bare;
    if (!bare) throw new Error('no Docker engine for the bare side');
    const simFirst = iteration % 2 === 1;
    const both = async <A, B>(sim: () => Promise<A>, dock: () => Promise<B>): Promise<[A, B]> => {
      if (simFirst) {
        const a = await sim();
        return [a, await dock()];
      }
      const b = await dock();
      return [await sim(), b];
    };
    let simId: string | null = null;
    let bareId: string | null = null;
    await bare.prepare();
    try {
      // Ids are kept as soon as each side has one, so a failure on the other side still cleans up.
      const [[sid, simCreate], [bid, bareCreate]] = await both(
        () => timed(async () => (simId = await ctx.ops.createBox())),
        () => timed(async () => (bareId = await bare.createStart())),
      );
      await ctx.ops.sleep(ctx.settleMs);
      await both(
        () => ctx.ops.exec(sid, 'echo', ['warmup']),
        () => bare.execStart(bid, ['warmup']),
      );
      const [[, simExec], [, bareExec]] = await both(
        () => timed(() => ctx.ops.exec(sid, 'echo', ['bench'])),
        () => timed(() => bare.execStart(bid, ['bench'])),
      );
      return {
        metrics: {
          sim_create_ms: simCreate,
          docker_create_ms: bareCreate,
          sim_exec_ms: simExec,
          docker_exec_ms: bareExec,
        },
      };
    } finally {
      await Promise.all([simId && ctx.ops.deleteBox(simId), bareId && bare.remove(bareId)]);
    }
  },
};
