/**
 * `--plan`: the exact steps and commands for a checkout, without running any of them (no
 * export of `--ref`, no build, no start). The same step objects setup runs, plus each build
 * step's input key and whether the cache already holds it. Human text and JSON.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { $ } from 'zx';
import type { StatePaths } from '../../kernel/paths.ts';
import { findExecutable } from '../../kernel/which.ts';
import { type Checkout, resolveCheckout, treeHash } from './checkout.ts';
import { goWorkInputDirs } from './go-work.ts';
import { type LaunchMode, type RecipeLayout, RUNTIME_TOOLS, recipeLayout } from './layout.ts';
import { chooseNativeDeps, type NativeDeps, submodulePaths } from './native-deps.ts';
import type { OidcPlan } from './oidc.ts';
import { formatCommand } from './shell.ts';
import { StepCache } from './step-cache.ts';
import { hasDistC, type RecipeStep, recipeSteps, type StepFacts, type StepId } from './steps.ts';
import { type HostTools, readToolVersions, recipeSearchPath } from './toolchains.ts';
import { yarnChoice } from './yarn.ts';

export interface PreparedRecipe {
  checkout: Checkout;
  layout: RecipeLayout;
  facts: StepFacts;
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
  if (!c.rev || (await isDir(c.root))) return readFile(join(c.root, rel), 'utf8').catch(() => '');
  return (await $({ quiet: true, cwd: c.repo, nothrow: true })`git show ${`${c.rev}:${rel}`}`).stdout;
}

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** A submodule is present when its directory has anything in it (an export never has). */
async function presentDirs(c: Checkout, paths: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (!(await isDir(c.root))) return out;
  for (const p of paths) if ((await readdir(join(c.root, p)).catch(() => [])).length) out.add(p);
  return out;
}

/** Every package.json of the apps/ yarn workspace, as the commit has them. */
async function workspaceManifests(c: Checkout): Promise<string[]> {
  const r = await $({
    quiet: true,
    cwd: c.repo,
    nothrow: true,
  })`git ls-tree -r --name-only ${c.rev ?? 'HEAD'} -- apps`;
  return r.stdout
    .split('\n')
    .filter((f) => f.endsWith('/package.json') && !f.includes('node_modules/'))
    .filter((f) => f !== 'apps/package.json');
}

async function runtimeTools(searchPath: string): Promise<Record<string, string>> {
  const path = [searchPath, '/usr/sbin', '/sbin'].join(delimiter);
  const out: Record<string, string> = {};
  for (const name of RUNTIME_TOOLS) out[name] = (await findExecutable(name, path)) ?? name;
  return out;
}

/** The Makefile and the files it `include`s (upstream defines dist:c in make/dist.mk). */
async function makeTexts(c: Checkout): Promise<string[]> {
  const top = await readCheckoutFile(c, 'Makefile');
  const included = [...top.matchAll(/^-?include\s+(\S+)\s*$/gm)].map((m) => m[1] as string);
  return [top, ...(await Promise.all(included.map((f) => readCheckoutFile(c, f))))];
}

export interface RecipeInputs {
  checkout: string;
  ref?: string;
  paths: StatePaths;
  mode: LaunchMode;
  apiPort: number;
  runnerPort: number;
  host: HostTools;
  nativeDeps?: NativeDeps;
  oidc: OidcPlan;
  /** false for `--plan`: resolve, hash and read only. */
  materialize: boolean;
}

async function stepFacts(o: RecipeInputs, checkout: Checkout, layout: RecipeLayout): Promise<StepFacts> {
  const gitmodules = await readCheckoutFile(checkout, '.gitmodules');
  const present = await presentDirs(checkout, submodulePaths(gitmodules));
  const yarn = yarnChoice(await readCheckoutFile(checkout, 'apps/package.json'), o.paths.cacheDir);
  const versionsIn = (await isDir(checkout.root)) ? checkout.root : checkout.repo;
  return {
    layout,
    apiPort: o.apiPort,
    runnerPort: o.runnerPort,
    hasDistC: hasDistC(...(await makeTexts(checkout))),
    runnerBuild: '',
    nativeDeps: chooseNativeDeps(gitmodules, (p) => present.has(p), o.nativeDeps),
    yarn,
    tools: await readToolVersions(versionsIn, recipeSearchPath(o.host, yarn), yarn),
    goWorkInputs: goWorkInputDirs(await readCheckoutFile(checkout, 'apps/go.work')),
    workspaceManifests: await workspaceManifests(checkout),
    runtimeTools: await runtimeTools(o.host.searchPath),
    oidc: o.oidc,
  };
}

/** A build step's key: its inputs' tree hash and its facts, chained through what it links. */
export async function stepKey(
  c: Checkout,
  s: RecipeStep,
  keys: Partial<Record<StepId, string>>,
): Promise<string> {
  const own = createHash('sha256')
    .update(await treeHash(c, s.inputs))
    .update(`\0${s.keyFacts.join('\0')}`)
    .digest('hex')
    .slice(0, 16);
  const chained = s.after.map((a) => keys[a] ?? '').join('+');
  return own + (chained ? `-${chained.slice(0, 8)}` : '');
}

export async function prepareRecipe(o: RecipeInputs): Promise<PreparedRecipe> {
  const checkout = await resolveCheckout(o.checkout, o.ref, o.paths.cacheDir, o.materialize);
  const layout = recipeLayout(o.paths, checkout, o.mode);
  const facts = await stepFacts(o, checkout, layout);
  const keys: Partial<Record<StepId, string>> = {};
  for (const s of recipeSteps(facts).filter((x) => x.inputs.length))
    keys[s.id] = await stepKey(checkout, s, keys);
  const runnerBuild = layout.runnerBuildDir(keys['runner-binary'] ?? 'unknown');
  const steps = recipeSteps({ ...facts, runnerBuild });
  const cache = await StepCache.open(o.paths.cacheDir);
  const cached = new Set<StepId>();
  for (const s of steps) {
    const key = keys[s.id];
    if (key && (await cache.hit(cacheSlot(checkout, s.id), key))) cached.add(s.id);
  }
  return {
    checkout,
    layout,
    facts: { ...facts, runnerBuild },
    steps,
    keys,
    cached,
    apiPort: o.apiPort,
    runnerPort: o.runnerPort,
  };
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
    keyFacts: string[];
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
      keyFacts: s.keyFacts,
      commands: [...s.commands, ...s.always].map((c) => formatCommand(c, base)),
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
    if (s.inputs.length)
      out.push(
        `    inputs: ${s.inputs.length > 12 ? `${s.inputs.slice(0, 12).join(' ')} … (${s.inputs.length})` : s.inputs.join(' ')}`,
      );
    if (s.keyFacts.length) out.push(`    key facts: ${s.keyFacts.join('; ')}`);
    for (const c of s.commands) out.push(`    $ ${c}`);
    for (const a of s.actions) out.push(`    · ${a}`);
    out.push(`    idempotence: ${s.idempotence}`);
    out.push(`    probe: ${s.probe}`);
  });
  return out.join('\n');
}
