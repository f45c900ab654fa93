// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions and shell expansions are literal text here
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { CHANGES_JOB, RUN_OUTPUT } from './gate.ts';
import {
  type CommandContext,
  checkCommand,
  commandsOf,
  e2eCommandNames,
  e2eCommands,
  readWorkflow,
  runSteps,
  stepsOf,
  workflowFiles,
} from './workflow-steps.ts';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  packageManager: string;
};

const scripts = new Set(Object.keys(pkg.scripts));
const repoContext: CommandContext = {
  scripts,
  e2eCommand: e2eCommands(scripts),
  fileExists: (p) => existsSync(join(REPO_ROOT, p)),
  pnpmVersion: pkg.packageManager.replace(/^pnpm@/, ''),
};

/**
 * Working directories that are a checkout of this repository: the default, the reusable
 * workflow's `boxlite-e2e`, and the prepare action's input naming the checkout.
 */
const OUR_CHECKOUT = new Set([undefined, '.', 'boxlite-e2e', '${{ inputs.working-directory }}']);
const files = workflowFiles(REPO_ROOT);
const allRunSteps = files.flatMap((f) => runSteps(REPO_ROOT, f));

describe('the workflows in .github/', () => {
  it('are there: ci, the reusable workflow and the prepare action', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/boxlite-e2e.yml',
        '.github/actions/prepare/action.yml',
      ]),
    );
    expect(allRunSteps.length).toBeGreaterThan(10);
  });

  it('every run: step calls commands that exist', () => {
    const problems = allRunSteps.flatMap((s) => {
      const where = `${s.file} ${s.job} "${s.step}"`;
      if (!OUR_CHECKOUT.has(s.workingDirectory)) return [`${where}: working-directory ${s.workingDirectory}`];
      return commandsOf(s.run).flatMap((words) => {
        const problem = checkCommand(words, repoContext);
        return problem ? [`${where}: ${problem}`] : [];
      });
    });
    expect(problems).toEqual([]);
  });

  it("this repo's CI runs ./e2e test, and that includes actionlint", () => {
    const ci = allRunSteps.filter((s) => s.file === '.github/workflows/ci.yml').map((s) => s.run.trim());
    expect(ci).toContain('./e2e test');
    expect(pkg.scripts.test).toContain('pnpm --silent e2e:actionlint &&');
  });

  it('no run: step expands an expression inline (values go through env)', () => {
    const inline = allRunSteps.filter((s) => s.run.includes('${{')).map((s) => `${s.file} "${s.step}"`);
    expect(inline).toEqual([]);
  });

  it('every local action a step uses exists in this repository', () => {
    const uses = files.flatMap((f) =>
      stepsOf(readWorkflow(REPO_ROOT, f)).flatMap(({ step }) =>
        typeof step.uses === 'string' && step.uses.startsWith('./') ? [step.uses] : [],
      ),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      // The reusable workflow runs in BoxLite's workspace, with this repo checked out at boxlite-e2e/.
      const path = normalize(u.replace(/^\.\/boxlite-e2e\//, './'));
      expect(existsSync(join(REPO_ROOT, path, 'action.yml')), u).toBe(true);
    }
  });
});

describe('the reusable workflow', () => {
  type Job = {
    needs?: string | string[];
    if?: string;
    'runs-on'?: string;
    outputs?: Record<string, string>;
    concurrency?: { group: string; 'cancel-in-progress': boolean };
    strategy?: { 'fail-fast'?: boolean; matrix?: unknown };
    steps: { run?: string; env?: Record<string, string> }[];
  };
  const wf = readWorkflow(REPO_ROOT, '.github/workflows/boxlite-e2e.yml') as unknown as {
    on: {
      workflow_call: {
        inputs: Record<string, { default?: unknown; description?: string }>;
        outputs: Record<string, { value: string }>;
      };
    };
    jobs: Record<string, Job>;
  };
  const jobs = wf.jobs;
  const needsOf = (j: Job) => (Array.isArray(j.needs) ? j.needs : j.needs ? [j.needs] : []);

  it('the gate always runs, needs every other job and decides from toJSON(needs)', () => {
    const gate = jobs.gate as Job;
    expect(gate.if).toBe('always()');
    expect(needsOf(gate).sort()).toEqual(
      Object.keys(jobs)
        .filter((j) => j !== 'gate')
        .sort(),
    );
    const decide = gate.steps.find((s) => s.run?.includes('tools/ci-gate/command.ts'));
    expect(decide?.env?.NEEDS).toBe('${{ toJSON(needs) }}');
    expect(decide?.run).toContain('--needs "$NEEDS"');
  });

  it('the suite job runs on the changes decision the gate reads, on the KVM labels, one per stack group', () => {
    const changes = jobs[CHANGES_JOB] as Job;
    expect(changes.outputs?.[RUN_OUTPUT]).toBeDefined();
    const e2e = jobs.e2e as Job;
    expect(needsOf(e2e)).toEqual([CHANGES_JOB]);
    expect(e2e.if).toBe(`needs.${CHANGES_JOB}.outputs.${RUN_OUTPUT} == 'true'`);
    expect(e2e['runs-on']).toBe('${{ fromJSON(inputs.runner-labels) }}');
    expect(JSON.parse(String(wf.on.workflow_call.inputs['runner-labels']?.default))).toEqual([
      'self-hosted',
      'kvm',
    ]);
    expect(e2e.concurrency).toEqual({
      group: '${{ inputs.stack-group }}-${{ matrix.label }}',
      'cancel-in-progress': false,
    });
  });

  it('the suite job is a matrix the changes job plans from the shard count (default 1), every shard run to its end', () => {
    const e2e = jobs.e2e as Job;
    expect(e2e.strategy).toEqual({
      'fail-fast': false,
      matrix: `\${{ fromJSON(needs.${CHANGES_JOB}.outputs.matrix) }}`,
    });
    expect(wf.on.workflow_call.inputs.shards?.default).toBe(1);
    const plan = (jobs[CHANGES_JOB] as Job).steps.find((st) => st.run?.includes('tools/ci-gate/plan.ts'));
    expect(plan?.env?.SHARDS).toBe('${{ inputs.shards }}');
    expect(plan?.run).toContain('--shards "$SHARDS" --output "$GITHUB_OUTPUT"');
  });

  it('the merge job runs after every suite job, whatever it ended with, and gives the report and its headline', () => {
    const merge = jobs.merge as Job;
    expect(needsOf(merge).sort()).toEqual([CHANGES_JOB, 'e2e']);
    expect(merge.if).toBe(`always() && needs.${CHANGES_JOB}.outputs.${RUN_OUTPUT} == 'true'`);
    expect(merge.outputs?.headline).toBe('${{ steps.merge.outputs.headline }}');
    expect(wf.on.workflow_call.outputs['report-artifact']?.value).toBe(
      '${{ jobs.merge.outputs.report-artifact }}',
    );
    const run = merge.steps.find((st) => st.run?.includes('./e2e merge'))?.run ?? '';
    expect(run).toContain('./e2e two-sided --merge parts/*/two-sided-*');
  });

  it('the suite job always tears the stack down and uploads its part of the reports; merge uploads the whole', () => {
    type Step = { if?: string; run?: string; uses?: string; with?: Record<string, string> };
    const steps = (jobs.e2e as Job).steps as Step[];
    expect(steps.find((s) => s.run?.trim() === './e2e teardown')?.if).toBe('always()');
    const upload = (job: string) =>
      ((jobs[job] as Job).steps as Step[]).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    for (const job of ['e2e', 'merge']) {
      expect(upload(job)?.if).toBe('always()');
      expect(upload(job)?.with?.path).toBe('boxlite-e2e/reports/\n!boxlite-e2e/reports/latest\n');
    }
    expect(upload('e2e')?.with?.name).toBe('${{ env.ARTIFACT }}-part-${{ matrix.label }}');
    expect(upload('merge')?.with?.name).toBe('${{ env.ARTIFACT }}');
  });

  it('every input and output is documented in docs/ci.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8');
    const call = wf.on.workflow_call;
    const names = [...Object.keys(call.inputs), ...Object.keys(call.outputs)];
    expect(names.length).toBeGreaterThan(10);
    const missing = names.filter((n) => !new RegExp(`^\\|\\s*\`${n}\`\\s*\\|`, 'm').test(doc));
    expect(missing).toEqual([]);
    for (const [name, input] of Object.entries(call.inputs)) expect(input.description, name).toBeTruthy();
  });
});

describe('the gate runs without installing dependencies', () => {
  /** Every module the gate CLI loads, following relative imports that are not type-only. */
  const closure = (entry: string): { files: string[]; packages: string[] } => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const m of src.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm)) {
        const spec = m[1] as string;
        if (spec.startsWith('.')) visit(normalize(join(dirname(file), spec)));
        else if (!spec.startsWith('node:')) packages.add(spec);
      }
    };
    visit(entry);
    return { files: [...seen], packages: [...packages] };
  };

  it('tools/ci-gate/command.ts imports node built-ins and our own modules only', () => {
    const { files: loaded, packages } = closure('tools/ci-gate/command.ts');
    expect(loaded).toContain('tools/ci-gate/gate.ts');
    expect(packages).toEqual([]);
  });
});

describe('commandsOf', () => {
  it('splits on newlines and shell operators, keeps quotes and substitutions whole', () => {
    expect(
      commandsOf(
        'a b && c "d e" | f\n# comment\ng $(h i) ${J:+--k "$J"} ; l \\\n  m\necho "x" >> "$GITHUB_OUTPUT"',
      ),
    ).toEqual([
      ['a', 'b'],
      ['c', 'd e'],
      ['f'],
      ['g', '$(h i)', '${J:+--k "$J"}'],
      ['l', 'm'],
      ['echo', 'x', '>>', '$GITHUB_OUTPUT'],
    ]);
  });
});

describe('checkCommand', () => {
  const ctx: CommandContext = {
    scripts: new Set(['e2e', 'e2e:setup', 'test']),
    e2eCommand: e2eCommands(new Set(['e2e', 'e2e:setup', 'test'])),
    fileExists: (p) => p === 'tools/ci-gate/command.ts',
    pnpmVersion: '10.34.8',
  };
  const check = (line: string) => checkCommand(commandsOf(line)[0] as string[], ctx);

  it('accepts scripts, ./e2e commands, node files and the listed tools, through prefixes', () => {
    for (const ok of [
      'pnpm e2e --target boxlite',
      'pnpm --silent run e2e:setup',
      'npx -y pnpm@10.34.8 install --frozen-lockfile',
      './e2e run --grep x',
      './e2e setup --target boxlite',
      './e2e',
      'node tools/ci-gate/command.ts --needs "$NEEDS"',
      'sudo -E env "PATH=$PATH" X=1 node tools/ci-gate/command.ts',
      'FOO=bar ./e2e test',
      'if [ -n "$X" ]',
      'docker load --input x.tar',
    ])
      expect(check(ok), ok).toBeNull();
  });

  it('names what does not exist', () => {
    expect(check('pnpm e2e:nope')).toBe('pnpm script `e2e:nope` is not in package.json');
    expect(check('./e2e teardown')).toBe('./e2e teardown is not a command of ./e2e');
    expect(check('./e2e e2e:setup')).toBe('./e2e e2e:setup is not a command of ./e2e');
    expect(check('node tools/missing/command.ts')).toBe('node tools/missing/command.ts: no such file');
    expect(check('npx -y pnpm@9.0.0 install')).toBe('npx pnpm@9.0.0: package.json pins pnpm@10.34.8');
    expect(check('npx tsx x.ts')).toBe('npx tsx: only pnpm is fetched through npx');
    expect(check('curl https://example.org')).toBe(
      '`curl` is not a package script, an ./e2e command or a known tool',
    );
  });

  it('resolves ./e2e commands by the rule: run = e2e, the own four, X = e2e:X', () => {
    const command = e2eCommands(scripts);
    expect(command('run')).toBe('e2e');
    expect(command('test')).toBe('test');
    expect(command('typecheck')).toBe('typecheck');
    expect(command('setup')).toBe('e2e:setup');
    expect(command('two-sided')).toBe('e2e:two-sided');
    expect(command('e2e:two-sided')).toBeNull();
    expect(command('test:unit')).toBeNull();
  });

  it('the e2e script knows the same commands: an unknown name lists them and exits 2, installing nothing', async () => {
    const res = await execa('bash', [join(REPO_ROOT, 'e2e'), 'no-such-command'], {
      reject: false,
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin` },
    });
    expect(res.exitCode).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      `e2e: unknown command "no-such-command"; commands: ${e2eCommandNames(scripts).join(', ')}`,
    );
    for (const name of e2eCommandNames(scripts)) expect(e2eCommands(scripts)(name), name).not.toBeNull();
  });
});
