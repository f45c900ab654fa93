/**
 * `--plan`: the exact steps and commands for a checkout, without running any of them (no
 * export of `--ref`, no build, no start). The same step objects setup runs, plus each build
 * step's input key and whether the cache already holds it. Human text and JSON.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from 'zx';
import type { StatePaths } from '../../kernel/paths.ts';
import { type Checkout, resolveCheckout, treeHash } from './checkout.ts';
import { type LaunchMode, type RecipeLayout, recipeLayout } from './layout.ts';
import { formatCommand } from './shell.ts';
import { StepCache } from './step-cache.ts';
import { makefileHasDistC, type RecipeStep, recipeSteps, type StepId } from './steps.ts';

export interface PreparedRecipe {
  checkout: Checkout;
  layout: RecipeLayout;
  steps: RecipeStep[];
  /** Input key per build step (tree hash, chained through `after`). */
  keys: Partial<Record<StepId, string>>;
  /** Build steps whose key the cache holds with every output present. */
  cached: Set<StepId>;
  apiPort: number;
  runnerPort: number;
}

export const cacheSlot = (c: Checkout, id: StepId) => `${c.root}::${id}`;

/** A checkout file, from the work tree or (for an unexported `--ref`) from git. */
async function readCheckoutFile(c: Checkout, rel: string): Promise<string> {
  if (!c.rev) return readFile(join(c.root, rel), 'utf8').catch(() => '');
  return (await $({ quiet: true, cwd: c.repo, nothrow: true })`git show ${`${c.rev}:${rel}`}`).stdout;
}

export async function prepareRecipe(o: {
  checkout: string;
  ref?: string;
  paths: StatePaths;
  mode: LaunchMode;
  apiPort: number;
  runnerPort: number;
  /** false for `--plan`: resolve, hash and read only. */
  materialize: boolean;
}): Promise<PreparedRecipe> {
  const checkout = await resolveCheckout(o.checkout, o.ref, o.paths.cacheDir, o.materialize);
  const layout = recipeLayout(o.paths, checkout, o.mode);
  const makefile = await readCheckoutFile(checkout, 'Makefile');
  const hasDistC = o.materialize ? await makefileHasDistC(checkout.root) : /^dist\\?:c\s*:/m.test(makefile);
  const draft = recipeSteps({
    layout,
    apiPort: o.apiPort,
    runnerPort: o.runnerPort,
    hasDistC,
    runnerBuild: '',
  });
  const keys: Partial<Record<StepId, string>> = {};
  for (const s of draft.filter((x) => x.inputs.length)) {
    const chained = s.after.map((a) => keys[a] ?? '').join('+');
    keys[s.id] = (await treeHash(checkout, s.inputs)) + (chained ? `-${chained.slice(0, 8)}` : '');
  }
  const runnerBuild = layout.runnerBuildDir(keys['runner-binary'] ?? 'unknown');
  const steps = recipeSteps({ layout, apiPort: o.apiPort, runnerPort: o.runnerPort, hasDistC, runnerBuild });
  const cache = await StepCache.open(o.paths.cacheDir);
  const cached = new Set<StepId>();
  for (const s of steps) {
    const key = keys[s.id];
    if (key && (await cache.hit(cacheSlot(checkout, s.id), key))) cached.add(s.id);
  }
  return { checkout, layout, steps, keys, cached, apiPort: o.apiPort, runnerPort: o.runnerPort };
}

export interface PlanJson {
  checkout: { root: string; repo: string; rev: string | null; head: string };
  mode: LaunchMode;
  steps: {
    id: StepId;
    title: string;
    inputs: string[];
    key: string | null;
    cached: boolean;
    commands: string[];
    actions: string[];
    idempotence: string;
    probe: string;
  }[];
}

export function planJson(p: PreparedRecipe): PlanJson {
  const base = p.checkout.root;
  return {
    checkout: { ...p.checkout },
    mode: p.layout.mode,
    steps: p.steps.map((s) => ({
      id: s.id,
      title: s.title,
      inputs: s.inputs,
      key: p.keys[s.id] ?? null,
      cached: p.cached.has(s.id),
      commands: s.commands.map((c) => formatCommand(c, base)),
      actions: s.actions,
      idempotence: s.idempotence,
      probe: s.probe,
    })),
  };
}

export function formatPlan(p: PreparedRecipe): string {
  const j = planJson(p);
  const where = p.checkout.rev
    ? `commit ${p.checkout.rev.slice(0, 12)} (exported)`
    : `work tree at ${p.checkout.head.slice(0, 12)}`;
  const out = [
    `boxlite stack recipe: ${p.checkout.repo}, ${where}; launch: ${j.mode}; commands run in ${p.checkout.root} unless they cd`,
  ];
  j.steps.forEach((s, i) => {
    const state = s.key ? (s.cached ? `  [cached ${s.key}]` : `  [will build ${s.key}]`) : '';
    out.push(`${String(i + 1).padStart(2)}. ${s.id} — ${s.title}${state}`);
    if (s.inputs.length) out.push(`    inputs: ${s.inputs.join(' ')}`);
    for (const c of s.commands) out.push(`    $ ${c}`);
    for (const a of s.actions) out.push(`    · ${a}`);
    out.push(`    idempotence: ${s.idempotence}`);
    out.push(`    probe: ${s.probe}`);
  });
  return out.join('\n');
}
