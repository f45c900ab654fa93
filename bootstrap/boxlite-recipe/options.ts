/** Options of target boxlite's recipe (`pnpm e2e:setup --target boxlite --checkout PATH`). */
import type { Env } from '../../kernel/env-catalogue.ts';
import type { OptionTable } from '../../kernel/options.ts';
import type { NativeDeps } from './native-deps.ts';

export const BOXLITE_STACK_OPTIONS = {
  checkout: {
    flag: 'checkout',
    env: 'BOXLITE_E2E_CHECKOUT',
    type: 'path',
    doc: 'target boxlite: the BoxLite checkout whose API and runner setup builds and runs',
  },
  ref: {
    flag: 'ref',
    env: 'BOXLITE_E2E_REF',
    type: 'string',
    doc: 'build this commit of the checkout (exported; the work tree is not touched)',
  },
  plan: {
    flag: 'plan',
    type: 'bool',
    doc: 'print the recipe steps and commands for the checkout; run nothing',
  },
  planJson: { flag: 'plan-json', type: 'bool', doc: 'the plan as JSON' },
  nativeDeps: {
    flag: 'native-deps',
    env: 'BOXLITE_E2E_NATIVE_DEPS',
    type: 'enum',
    values: ['source', 'stub'],
    doc: 'libboxlite native deps: source (the submodules) or stub (BOXLITE_DEPS_STUB=1: no VM starts); default: stub when a submodule is absent',
  },
  oidcIssuer: {
    flag: 'oidc-issuer',
    env: 'BOXLITE_E2E_OIDC_ISSUER',
    type: 'string',
    doc: "target boxlite: the API's OIDC issuer; default: a local discovery document served by the harness",
  },
} as const satisfies OptionTable;

/** What the recipe takes from the caller's environment: where cargo is, who runs the units. */
export const TOOL_ENV_NAMES = ['HOME', 'USER'] as const;

export interface BoxliteChoice {
  checkout: string;
  ref?: string;
  nativeDeps?: NativeDeps;
  oidcIssuer?: string;
  toolEnv: Record<string, string>;
}

/** The recipe's part of the resolved options (none without a checkout). */
export function boxliteChoice(
  values: { checkout?: string; ref?: string; nativeDeps?: string; oidcIssuer?: string },
  env: Env,
): BoxliteChoice | undefined {
  if (!values.checkout) return undefined;
  const toolEnv = Object.fromEntries(
    TOOL_ENV_NAMES.flatMap((n) => (env[n] !== undefined ? [[n, env[n] as string]] : [])),
  );
  return {
    checkout: values.checkout,
    ...(values.ref ? { ref: values.ref } : {}),
    ...(values.nativeDeps ? { nativeDeps: values.nativeDeps as NativeDeps } : {}),
    ...(values.oidcIssuer ? { oidcIssuer: values.oidcIssuer } : {}),
    toolEnv,
  };
}
