/**
 * What bisect needs from a target: the step probe (two-sided mode's side builder, so each
 * step is built with that target's caches) and, for `--pin`, the checkout paths a component
 * is built from. On `boxlite` those are the recipe's own inputs of the component's build
 * steps, read from its plan at the pin's commit (`e2e:setup --plan-json --ref`: nothing built
 * or exported); the `sim` target has no separately built components.
 */
import { execa } from 'execa';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { boxliteSideBuilder } from '../two-sided/boxlite-side.ts';
import { sideProcessEnv } from '../two-sided/side-builder.ts';
import { simSideBuilder } from '../two-sided/sim-side.ts';
import { type Selection, type StepProbe, stackProbe } from './probe.ts';

export type BisectTarget = 'sim' | 'boxlite';

/** A pinnable component of target boxlite → the recipe steps that build it. */
export const PINNABLE_COMPONENTS: Record<string, string[]> = {
  runner: ['libboxlite', 'runner-binary'],
  libboxlite: ['libboxlite'],
  'api-deps': ['api-deps'],
};

interface PlanJsonSteps {
  steps: { id: string; inputs: string[] }[];
}

/** The inputs of `steps` in a plan JSON, each path once, in plan order. */
export function inputsOf(plan: PlanJsonSteps, steps: readonly string[]): string[] {
  return [...new Set(plan.steps.filter((s) => steps.includes(s.id)).flatMap((s) => s.inputs))];
}

export function pinPathsFor(
  target: BisectTarget,
  checkout: string,
  stateDir: string,
  env: Record<string, string | undefined>,
) {
  return async (component: string, sha: string): Promise<string[]> => {
    const steps = target === 'boxlite' ? PINNABLE_COMPONENTS[component] : undefined;
    if (!steps)
      throw new UsageError(
        target === 'boxlite'
          ? `--pin ${component}: not a component of target boxlite (${Object.keys(PINNABLE_COMPONENTS).join(', ')})`
          : `--pin: target ${target} has no separately built components`,
      );
    const res = await execa(
      process.execPath,
      ['stack/commands/setup.ts', '--target', 'boxlite', '--checkout', checkout, '--ref', sha, '--plan-json'],
      {
        cwd: REPO_ROOT,
        env: sideProcessEnv(env, stateDir, 'host'),
        extendEnv: false,
        reject: false,
        all: true,
      },
    );
    if (res.exitCode !== 0)
      throw new UsageError(
        `--pin ${component}: the recipe's plan at ${sha.slice(0, 10)} failed: ${String(res.all).trim()}`,
      );
    return inputsOf(JSON.parse(String(res.stdout)) as PlanJsonSteps, steps);
  };
}

export interface TargetProbeOptions {
  target: BisectTarget;
  config: BootstrapConfig;
  stateDir: string;
  selection: Selection;
  env: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
}

export function targetProbe(o: TargetProbeOptions): StepProbe {
  const builder = o.target === 'boxlite' ? boxliteSideBuilder() : simSideBuilder();
  return stackProbe({ ...o, builder });
}
