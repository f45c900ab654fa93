/** The v1.0 `metadata` block, filled the way upstream fills it (label, short commit, host). */
import { execFileSync } from 'node:child_process';
import { machine, release, type } from 'node:os';
import { REPO_ROOT } from '../../kernel/paths.ts';
import type { ReportMetadata } from './schema.ts';

let commit: string | undefined;

/** Read once per process: every scenario of a run reports the same commit. */
export function gitCommit(): string {
  if (commit === undefined) {
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 5000,
      }).trim();
    } catch {
      commit = 'unknown';
    }
  }
  return commit;
}

export function reportMetadata(p: {
  runId: string;
  apiUrl: string;
  image: string;
  targetKind: string;
  label?: string;
}): ReportMetadata {
  return {
    started_at: new Date().toISOString(),
    // Upstream's default label: the API URL and the image tag.
    label: p.label ?? `${p.apiUrl} (${p.image.split(':').at(-1)})`,
    git_commit: gitCommit(),
    host: { kernel: `${type()}-${release()}`, arch: machine(), target: p.apiUrl },
    run_id: p.runId,
    target_kind: p.targetKind,
  };
}
