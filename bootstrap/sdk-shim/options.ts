/**
 * The SDK drivers' settings, an option table entry points spread into their own. The cache
 * root is the CLI's (BOXLITE_E2E_CACHE_DIR): one machine-wide cache, one cargo target dir.
 */
import type { OptionTable, Resolved } from '../../kernel/options.ts';
import { CLI_BINARY_OPTIONS } from '../cli-binary/options.ts';
import type { SdkShimSpec } from './spec.ts';

export const SDK_SHIM_OPTIONS = {
  sdkCheckout: {
    flag: 'sdk-checkout',
    env: 'BOXLITE_E2E_SDK_CHECKOUT',
    type: 'path',
    doc: "build the C/Go drivers against this BoxLite checkout's boxlite-c and sdks/go (native deps) instead of the REST shim",
  },
  cacheDir: CLI_BINARY_OPTIONS.cacheDir,
} as const satisfies OptionTable;

export type SdkShimOptions = Resolved<typeof SDK_SHIM_OPTIONS>;

export function sdkShimSpec(o: SdkShimOptions): SdkShimSpec {
  return {
    cacheRoot: o.cacheDir,
    source: o.sdkCheckout ? { kind: 'checkout', dir: o.sdkCheckout } : { kind: 'shim' },
  };
}

/** The same choice as environment, for a child process that resolves these options itself. */
export function sdkShimEnv(o: SdkShimOptions): Record<string, string> {
  const env: Record<string, string> = { BOXLITE_E2E_CACHE_DIR: o.cacheDir };
  if (o.sdkCheckout) env.BOXLITE_E2E_SDK_CHECKOUT = o.sdkCheckout;
  return env;
}
