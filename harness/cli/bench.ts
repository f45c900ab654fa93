/**
 * `pnpm e2e:bench` — sim performance through the real npm SDK, next to a bare `docker exec`
 * of the same command in the same container (the floor the sim's exec path adds to).
 * Figures, not assertions: benchmarks measure speed, tests check behaviour.
 *
 *   --boxes N   boxes created (create latency samples), default 10
 *   --execs M   exec round trips on one box (and as many bare docker execs), default 30
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { createRuntime, runSdkExec } from '../../drivers/node-sdk/driver.ts';
import { parseCli } from '../../kernel/cli.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { containerName } from '../../sim/runner/box-spec.ts';
import { setupStack } from '../../stack/up.ts';
import { resolveStackHandle } from '../stack/handle.ts';

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

const stats = (xs: number[]) => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  max: Math.max(...xs),
});
const fmt = (s: ReturnType<typeof stats>) =>
  `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.n})`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

if (import.meta.main) {
  await runMain('e2e:bench', async () => {
    const { values } = parseCli(process.argv.slice(2), {
      boxes: { type: 'string', default: '10' },
      execs: { type: 'string', default: '30' },
    });
    const boxes = Number(values.boxes);
    const execs = Number(values.execs);
    if (!(boxes >= 1 && execs >= 1)) throw new UsageError('--boxes and --execs take positive integers');
    await setupStack({ overrides: { target: 'sim' }, bugs: '', quiet: true });
    const stack = await resolveStackHandle();
    const rt = createRuntime(stack);
    const created: string[] = [];
    const createMs: number[] = [];
    const sdkExecMs: number[] = [];
    const dockerExecMs: number[] = [];
    const wrong: string[] = [];
    try {
      for (let i = 0; i < boxes; i++) {
        const [box, ms] = await timed(() =>
          rt.create({ image: stack.images.busybox }, `bench-${process.pid}-${i}`),
        );
        created.push(box.id);
        createMs.push(ms);
      }
      const box = (await rt.get(created[0]!))!;
      // Warm both paths once so neither pays first-use costs in the samples.
      await runSdkExec(box, { command: 'echo', args: ['hi'] });
      await execa('docker', ['exec', containerName(box.id), 'echo', 'hi']);
      for (let i = 0; i < execs; i++) {
        const [out, ms] = await timed(() => runSdkExec(box, { command: 'echo', args: ['hi'] }));
        if (out.stdout !== 'hi\n') wrong.push(JSON.stringify(out));
        sdkExecMs.push(ms);
        const [, dms] = await timed(() => execa('docker', ['exec', containerName(box.id), 'echo', 'hi']));
        dockerExecMs.push(dms);
      }
    } finally {
      await Promise.allSettled(created.map((id) => rt.remove(id, true)));
      rt.close();
    }
    const result = {
      at: new Date().toISOString(),
      create: stats(createMs),
      sdkExec: stats(sdkExecMs),
      dockerExec: stats(dockerExecMs),
      ratioP50: percentile(sdkExecMs, 50) / percentile(dockerExecMs, 50),
      wrongOutputs: wrong,
    };
    await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
    const out = join(REPO_ROOT, 'reports', `bench-${result.at.replace(/[:.]/g, '-')}.json`);
    await writeFile(
      out,
      `${JSON.stringify({ ...result, samples: { createMs, sdkExecMs, dockerExecMs } }, null, 2)}\n`,
    );
    process.stdout.write(
      [
        `box create (SDK):         ${fmt(result.create)}`,
        `exec round trip (SDK):    ${fmt(result.sdkExec)}`,
        `bare docker exec:         ${fmt(result.dockerExec)}`,
        `SDK exec / docker exec at p50: ${result.ratioP50.toFixed(2)}×  (${out})`,
        `execs with wrong output: ${wrong.length}/${execs}${wrong.length ? ` — first: ${wrong[0]}` : ''}`,
        '',
      ].join('\n'),
    );
  });
}
