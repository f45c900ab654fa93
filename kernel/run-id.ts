/**
 * The run id names a run's report dir (`reports/<id>/`). One function computes it so the
 * CLIs, the vitest config and the global setup can never disagree on its shape.
 */
export function newRunId(prefix = '', at: Date = new Date()): string {
  return `${prefix}${at.toISOString().replace(/[:.]/g, '-')}`;
}
