/** The targets a stack can run, by name: each one module with its `up` and `down`. */
import type { TargetKind } from '../../kernel/config.ts';
import { boxliteTarget } from './boxlite.ts';
import { serveTarget } from './serve.ts';
import { simTarget } from './sim.ts';
import type { StackTarget } from './target.ts';

export const STACK_TARGETS: Record<TargetKind, StackTarget> = {
  sim: simTarget,
  serve: serveTarget,
  boxlite: boxliteTarget,
};

/** Teardown order: the real stack first (its runner may hold sim processes), then the others. */
export const DOWN_ORDER: readonly TargetKind[] = ['boxlite', 'sim', 'serve'];
