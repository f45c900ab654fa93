/**
 * A run as a list of titled tasks, and the one runner that owns what must happen whatever
 * happens: each task's undo is registered before its setup starts (a half-done setup is undone
 * too), the undos run last-in first-out after success, failure, SIGINT or SIGTERM (cleanup.ts),
 * and a signal aborts the running task (its children are killed through the abort signal).
 */
import { Restore, type StopSignal, watchInterrupts } from './cleanup.ts';

export interface Task {
  title: string;
  run: (signal: AbortSignal) => Promise<void>;
  /** Undoes what `run` did, also after it failed half-way; registered before `run` starts. */
  undo?: () => Promise<void>;
}

export type TasksOutcome =
  | { status: 'completed' }
  | { status: 'interrupted'; signal: StopSignal }
  | { status: 'failed'; task: string; error: Error };

export interface TasksResult {
  outcome: TasksOutcome;
  /** Undos that failed, one line each: the original state may not be fully restored. */
  restoreFailures: string[];
}

/**
 * Runs `tasks` in order until one fails or a signal arrives, then every registered undo.
 * `tasks` may grow while it runs (a task can plan the next ones from what it found).
 * `beforeRestore` is called once the tasks are over, before the first undo; `signals` is where
 * SIGINT/SIGTERM come from (tests use an emitter of their own).
 */
export async function runTasks(
  tasks: Task[],
  log: (line: string) => void,
  beforeRestore?: () => void,
  signals: NodeJS.Process = process,
): Promise<TasksResult> {
  const interrupts = watchInterrupts(log, signals);
  const { signal } = interrupts;
  const restore = new Restore();
  let outcome: TasksOutcome = { status: 'completed' };
  let restoreFailures: string[] = [];
  try {
    for (let i = 0; i < tasks.length && !signal.aborted; i++) {
      const task = tasks[i]!;
      if (task.undo) restore.add(task.title, task.undo);
      try {
        await task.run(signal);
      } catch (err) {
        if (!signal.aborted) outcome = { status: 'failed', task: task.title, error: err as Error };
        break;
      }
    }
  } finally {
    const got = interrupts.received();
    if (got) outcome = { status: 'interrupted', signal: got };
    beforeRestore?.();
    restoreFailures = await restore.run(log);
    interrupts.dispose();
  }
  return { outcome, restoreFailures };
}
