/**
 * The decision of the reusable workflow's `gate` job, the one check a repository requires.
 * It always runs (`if: always()`) and reads every job it needs: the `changes` job must have
 * succeeded and said whether the suite had to run (`outputs.run`), and then the suite job must
 * have succeeded — or, only when `changes` said "no need" (a docs-only PR), have been skipped.
 * Anything else is red: a failure, a cancel, a skip that nobody decided, a missing decision.
 * With shards, `e2e` is their matrix (a failed or cancelled shard fails it) and `merge` the
 * merged result, whose headline the verdict repeats.
 * Pure: the CLI (`tools/ci-gate/command.ts`) feeds it `toJSON(needs)`.
 */

export const JOB_RESULTS = ['success', 'failure', 'cancelled', 'skipped'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

/** One entry of the `needs` context: `{ result, outputs }`. */
export interface NeededJob {
  result: JobResult;
  outputs: Record<string, string>;
}

export interface GateVerdict {
  green: boolean;
  /** One line for the log and the step summary. */
  reason: string;
}

/** The job that decides whether the suite must run, and its output carrying the decision. */
export const CHANGES_JOB = 'changes';
export const RUN_OUTPUT = 'run';

const isResult = (v: unknown): v is JobResult => (JOB_RESULTS as readonly unknown[]).includes(v);

/** `toJSON(needs)` as the runner prints it, checked; a wrong shape is an Error with one line. */
export function parseNeeds(json: string): Record<string, NeededJob> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('the needs context is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('the needs context is not an object of jobs');
  const out: Record<string, NeededJob> = {};
  for (const [job, entry] of Object.entries(raw)) {
    const e = entry as { result?: unknown; outputs?: unknown } | null;
    if (!e || !isResult(e.result))
      throw new Error(`needs.${job}.result is not one of ${JOB_RESULTS.join('/')}`);
    const outputs: Record<string, string> = {};
    if (e.outputs && typeof e.outputs === 'object')
      for (const [k, v] of Object.entries(e.outputs)) if (typeof v === 'string') outputs[k] = v;
    out[job] = { result: e.result, outputs };
  }
  return out;
}

/** The merged result's headline, when a job gives one (output `headline`): the gate says it. */
export const HEADLINE_OUTPUT = 'headline';
const said = (j: NeededJob) => (j.outputs[HEADLINE_OUTPUT] ? `: ${j.outputs[HEADLINE_OUTPUT]}` : '');

export function decideGate(needs: Readonly<Record<string, NeededJob>>): GateVerdict {
  const changes = needs[CHANGES_JOB];
  if (!changes) return { green: false, reason: `the gate does not need the \`${CHANGES_JOB}\` job` };
  if (changes.result !== 'success')
    return {
      green: false,
      reason: `\`${CHANGES_JOB}\` ended ${changes.result}: nothing decided whether to run`,
    };
  const decision = changes.outputs[RUN_OUTPUT];
  if (decision !== 'true' && decision !== 'false')
    return {
      green: false,
      reason: `\`${CHANGES_JOB}\` gave no decision (outputs.${RUN_OUTPUT} = ${JSON.stringify(decision ?? null)})`,
    };
  const others = Object.entries(needs).filter(([job]) => job !== CHANGES_JOB);
  if (others.length === 0) return { green: false, reason: 'the gate needs no job besides `changes`' };
  const bad = others.filter(
    ([, j]) => !(j.result === 'success' || (j.result === 'skipped' && decision === 'false')),
  );
  if (bad.length > 0)
    return {
      green: false,
      reason: bad
        .map(([job, j]) =>
          j.result === 'skipped'
            ? `\`${job}\` was skipped although the changes need a run`
            : `\`${job}\` ${j.result}${said(j)}`,
        )
        .join('; '),
    };
  return decision === 'true'
    ? {
        green: true,
        reason: `the suite ran and passed (${others.map(([job]) => `${job}${said(needs[job]!)}`).join(', ')})`,
      }
    : {
        green: true,
        reason: others.every(([, j]) => j.result === 'skipped')
          ? 'no change needs the suite (path filter): skipped'
          : 'no change needs the suite; what ran passed',
      };
}
