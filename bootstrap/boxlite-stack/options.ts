/** Options of target boxlite's recipe (`pnpm e2e:setup --target boxlite --checkout PATH`). */
import type { OptionTable } from '../../kernel/options.ts';

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
} as const satisfies OptionTable;

/** Build tools need these from the caller's environment (nothing else is passed to them). */
export const TOOL_ENV_NAMES = [
  'HOME',
  'USER',
  'LANG',
  'TMPDIR',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'RUSTUP_TOOLCHAIN',
  'GOPATH',
  'GOCACHE',
  'GOMODCACHE',
  'GOFLAGS',
  'GOPROXY',
  'npm_config_registry',
] as const;
