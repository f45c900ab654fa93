/**
 * #563 reproducer (ports P:test_p0_6_exec_stdout_race test_short_command_stdout_not_dropped).
 *
 * Fast commands race their own exit: if the runner sends the exit frame before the last output
 * chunks, the SDK stops reading at `exit` and the caller sees exit 0 with EMPTY stdout. Upstream
 * measured ~90 % loss on the stock 0.9.5 runner and 0 % with the fix.
 *
 * Shape: N fresh boxes × M execs through the REAL npm SDK, alternating `cat /etc/os-release`
 * run directly and via `sh -c`, all in flight together under a p-limit. A lost exec is one
 * whose stdout came back empty. Every exec must still exit 0, and every non-empty stdout must
 * be the complete file (a truncated tail is a loss of a different shape, so it fails too).
 *
 * Threshold: no exec may lose its stdout (MAX_LOSS = 0). Upstream's gate was MAX_LOSS = 0.05
 * at ROUNDS = 5, i.e. 10 execs, where 5 % tolerated zero losses; a correct stack loses nothing
 * (the #563 fix measured 0 %, the sim 0/40 run after run), so any allowance only hides the bug.
 * BOXLITE_E2E_P06_MAX_LOSS (a rate, e.g. 0.05) loosens it for a noisy remote stack.
 *
 * Claims exec-stdout-drop (#563: the exit frame overtakes the tail; the sim switch loses
 * 30–65 % of these execs). attach-no-replay (#627: output produced before the SDK's attach is
 * lost) also makes this case fail, but only sometimes (1–30 % of execs, occasionally none in a
 * run), so it is deliberately NOT claimed: a strict claim would XPASS at random. The attach
 * cases (attach.test.ts) catch that bug deterministically.
 *
 * BOXLITE_E2E_P06_ROUNDS: "N" (N boxes × 10 execs) or "NxM". Default 4x10. Upstream's
 * two-sided gate used ROUNDS=5 (2 execs per box); raise it when hunting a rare race.
 */
import pLimit from 'p-limit';
import { runSdkExec, type SdkBox } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, runContext, test } from '../fixtures/index.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** Lines of stdout received per exec → number of execs (the #563 loss histogram). */
    histogram?: Record<string, number>;
    stdoutLoss?: { lost: number; total: number; rate: number; maxLoss: number };
  }
}

// Sizes come from the run options (BOXLITE_E2E_P06_ROUNDS / _MAX_LOSS, parsed and checked in
// harness/run-options.ts by the global setup): workers read no environment.
const { p06Rounds, p06MaxLoss: MAX_LOSS } = runContext().tuning;
const CONCURRENCY = 8;

const lineCount = (s: string) => s.split('\n').filter((l) => l !== '').length;

describe('exec stdout race (#563)', claims({ needs: 'vm' }), () => {
  const { boxes: N, execs: M } = p06Rounds;

  test(
    `short commands do not lose stdout: ${N} boxes × ${M} execs, loss ≤ ${MAX_LOSS * 100} %`,
    claims(
      {
        ports: ['test_short_command_stdout_not_dropped'],
        detects: ['exec-stdout-drop'],
        pins: ['ws.short-commands-keep-stdout'],
      },
      { timeout: 60_000 + N * M * 1_000 },
    ),
    async ({ boxFactory, stack, task, annotate }) => {
      const boxes = await boxFactory.make(N, { image: stack.images.busybox });
      const limit = pLimit(CONCURRENCY);
      const jobs: Array<{ box: SdkBox; via: 'direct' | 'sh -c' }> = [];
      for (let i = 0; i < M; i++) {
        for (const box of boxes) jobs.push({ box, via: i % 2 === 0 ? 'direct' : 'sh -c' });
      }
      const outcomes = await Promise.all(
        jobs.map(({ box, via }) =>
          limit(() =>
            runSdkExec(
              box,
              via === 'direct'
                ? { command: 'cat', args: ['/etc/os-release'] }
                : { command: 'sh', args: ['-c', 'cat /etc/os-release'] },
            ),
          ),
        ),
      );

      const histogram: Record<string, number> = {};
      for (const o of outcomes) {
        const k = String(lineCount(o.stdout));
        histogram[k] = (histogram[k] ?? 0) + 1;
      }
      const lost = outcomes.filter((o) => o.stdout === '').length;
      const rate = lost / outcomes.length;
      task.meta.histogram = histogram;
      task.meta.stdoutLoss = { lost, total: outcomes.length, rate, maxLoss: MAX_LOSS };
      const byVia = (v: string) => {
        const mine = outcomes.filter((_, i) => jobs[i]!.via === v);
        return `${v} ${mine.filter((o) => o.stdout === '').length}/${mine.length}`;
      };
      const shape = Object.entries(histogram)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([lines, n]) => `${lines} lines: ${n}`)
        .join(', ');
      await annotate(
        `stdout loss ${lost}/${outcomes.length} (${(rate * 100).toFixed(1)} %; ${byVia('direct')}, ${byVia('sh -c')}); lines per exec → count: ${shape}`,
        'histogram',
      );

      // The call itself must succeed every time: a loss is silent, not an error.
      expect(outcomes.map((o) => o.error).filter(Boolean)).toEqual([]);
      expect(outcomes.map((o) => o.exitCode)).toEqual(outcomes.map(() => 0));
      expect(rate, `stdout loss ${lost}/${outcomes.length}; histogram ${shape}`).toBeLessThanOrEqual(
        MAX_LOSS,
      );
      const received = new Set(outcomes.filter((o) => o.stdout !== '').map((o) => o.stdout));
      expect(received.size, `non-empty stdouts differ (truncation): histogram ${shape}`).toBe(1);
      expect([...received][0]).toMatch(/^ID=/m);
    },
  );
});
