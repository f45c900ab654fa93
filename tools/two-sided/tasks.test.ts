import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { runTasks, type Task } from './tasks.ts';

const quiet = () => {};

function recorder() {
  const seen: string[] = [];
  const task = (title: string, run: (signal: AbortSignal) => Promise<void> = async () => {}): Task => ({
    title,
    run: async (signal) => {
      seen.push(`run ${title}`);
      await run(signal);
    },
    undo: async () => {
      seen.push(`undo ${title}`);
    },
  });
  return { seen, task };
}

describe('the task runner', () => {
  test('runs the tasks in order, then undoes them last-in first-out', async () => {
    const { seen, task } = recorder();
    const res = await runTasks([task('a'), task('b')], quiet);
    expect(res).toEqual({ outcome: { status: 'completed' }, restoreFailures: [] });
    expect(seen).toEqual(['run a', 'run b', 'undo b', 'undo a']);
  });

  test('a failing task stops the run, is undone itself (it may have half-done), and is named', async () => {
    const { seen, task } = recorder();
    const boom = task('b', async () => {
      throw new Error('boom');
    });
    const res = await runTasks([task('a'), boom, task('c')], quiet);
    expect(res.outcome).toMatchObject({ status: 'failed', task: 'b', error: { message: 'boom' } });
    expect(seen).toEqual(['run a', 'run b', 'undo b', 'undo a']);
  });

  test('an undo that fails is reported; the others still run', async () => {
    const { seen, task } = recorder();
    const bad: Task = { title: 'bad', run: async () => {}, undo: () => Promise.reject(new Error('stuck')) };
    const res = await runTasks([task('a'), bad, task('c')], quiet);
    expect(res.restoreFailures).toEqual(['bad: stuck']);
    expect(seen).toEqual(['run a', 'run c', 'undo c', 'undo a']);
  });

  test('a task can plan more tasks while it runs', async () => {
    const { seen, task } = recorder();
    const tasks: Task[] = [];
    tasks.push(task('plan', async () => void tasks.push(task('planned'))));
    await runTasks(tasks, quiet);
    expect(seen).toEqual(['run plan', 'run planned', 'undo planned', 'undo plan']);
  });

  test('SIGTERM aborts the running task: interrupted, nothing after it runs, everything undone', async () => {
    const { seen, task } = recorder();
    const signals = new EventEmitter() as unknown as NodeJS.Process;
    const waits = task(
      'waits',
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          signals.emit('SIGTERM');
        }),
    );
    const res = await runTasks([task('a'), waits, task('c')], quiet, undefined, signals);
    expect(res.outcome).toEqual({ status: 'interrupted', signal: 'SIGTERM' });
    expect(seen).toEqual(['run a', 'run waits', 'undo waits', 'undo a']);
    expect((signals as unknown as EventEmitter).listenerCount('SIGTERM')).toBe(0);
  });
});
