/**
 * What the self-test project's global setup (harness/self-test-setup.ts) hands the self-test files
 * through vitest's provide/inject: the resolved bootstrap config, so workers never read the
 * environment. Imported by test code only.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { inject } from 'vitest';
import { type BootstrapConfig, DEFAULT_SERVICE_IMAGES } from './config.ts';
import { REPO_ROOT } from './paths.ts';

export interface SelfTestContext {
  /** The config the global setup provisioned the shared services with. */
  config: BootstrapConfig;
  /** BOXLITE_E2E_VERBOSE: print provisioning progress. */
  verbose: boolean;
  /** BOXLITE_E2E_CHECKOUT: a real BoxLite checkout the whole-path self-test builds (null: none). */
  checkout: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    selfTest: SelfTestContext;
  }
}

export function selfTestContext(): SelfTestContext {
  return inject('selfTest');
}

/**
 * A config for a self-test's own throw-away stack: defaults everywhere (no pinned ports, no
 * target), but the Docker endpoint and search path of the run, and the given state dir.
 */
export function isolatedConfig(stateDir: string, extra: Partial<BootstrapConfig> = {}): BootstrapConfig {
  const { config } = selfTestContext();
  return {
    provider: 'host',
    target: null,
    pinnedPorts: {},
    images: { ...DEFAULT_SERVICE_IMAGES },
    ryuk: false,
    dockerHost: config.dockerHost,
    searchPath: config.searchPath,
    stateDir,
    ...extra,
  };
}

/** Runs one case file (vitest's cases project) against the stack in `stateDir`, set up already. */
export function runCaseFile(stateDir: string, file: string, target: BootstrapConfig['target']) {
  return execa(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'cases', file], {
    cwd: REPO_ROOT,
    reject: false,
    env: { BOXLITE_E2E_STATE_DIR: stateDir, BOXLITE_E2E_TARGET: target ?? '', BOXLITE_E2E_NO_SETUP: '1' },
  });
}
