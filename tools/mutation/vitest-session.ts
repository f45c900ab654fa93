/**
 * One vitest instance on the `cases` project, kept for the whole mutation run: its global setup
 * (stack handle, preflight, sweep) runs once, and each mutant's cases are a new run of the same
 * instance — a few seconds each instead of a fresh vitest per mutant. A recorder reporter
 * notes each test's outcome and time window (the window is what the access log is cut by).
 */
import { join, relative } from 'node:path';
import type { TestCase } from 'vitest/node';
import { createVitest, type Vitest } from 'vitest/node';
import type { TestRecord } from './selection.ts';

export interface CaseRun {
  tests: TestRecord[];
  /** The run hit its deadline and was cancelled. */
  timedOut: boolean;
}

export class VitestSession {
  private readonly vitest: Vitest;
  private readonly root: string;
  private readonly seen: TestRecord[];

  private constructor(vitest: Vitest, root: string, seen: TestRecord[]) {
    this.vitest = vitest;
    this.root = root;
    this.seen = seen;
  }

  /** `root` is the repository (the sandbox): its vitest.config.ts and cases/. */
  static async open(root: string): Promise<VitestSession> {
    const seen: TestRecord[] = [];
    const recorder = {
      onTestCaseResult(test: TestCase) {
        const d = test.diagnostic();
        const state = test.result().state;
        seen.push({
          id: `${relative(root, test.module.moduleId)} > ${test.fullName}`,
          file: relative(root, test.module.moduleId),
          line: test.location?.line ?? null,
          state: state === 'passed' || state === 'failed' ? state : 'skipped',
          start: d?.startTime ?? Date.now(),
          ms: d?.duration ?? 0,
        });
      },
    };
    const vitest = await createVitest('test', {
      root,
      config: join(root, 'vitest.config.ts'),
      project: ['cases'],
      watch: false,
      reporters: [recorder],
      includeTaskLocation: true,
      // One file at a time: a test's time window then holds only its own requests (its reach).
      fileParallelism: false,
      bail: 0,
    });
    return new VitestSession(vitest, root, seen);
  }

  /** Every case file of the project. */
  async allFiles(): Promise<string[]> {
    const specs = await this.vitest.globTestSpecifications();
    return [...new Set(specs.map((s) => relative(this.root, s.moduleId)))].sort();
  }

  /**
   * Runs the given tests (by file and line; null line: the whole file), at most `deadlineMs`;
   * `bail` stops at the first failure (a mutant needs one).
   */
  async run(
    tests: readonly Pick<TestRecord, 'file' | 'line'>[],
    opts: { deadlineMs: number; bail: boolean },
  ): Promise<CaseRun> {
    const project = this.vitest.getProjectByName('cases');
    const byFile = new Map<string, Set<number> | null>();
    for (const t of tests) {
      const lines = byFile.has(t.file) ? byFile.get(t.file) : new Set<number>();
      if (lines === null || t.line === null) byFile.set(t.file, null);
      else byFile.set(t.file, (lines ?? new Set()).add(t.line));
    }
    const specs = [...byFile].map(([file, lines]) =>
      project.createSpecification(join(this.root, file), lines ? [...lines] : undefined),
    );
    this.vitest.config.bail = opts.bail ? 1 : 0;
    this.seen.length = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void this.vitest.cancelCurrentRun('test-failure');
    }, opts.deadlineMs);
    try {
      await this.vitest.runTestSpecifications(specs, false);
    } finally {
      clearTimeout(timer);
    }
    return { tests: [...this.seen], timedOut };
  }

  close(): Promise<void> {
    return this.vitest.close();
  }
}
