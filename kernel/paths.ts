import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, derived from this file's location so scripts work from any cwd. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every file the stack owns lives under one state dir; these are its fixed sub-paths. */
export function statePaths(stateDir: string) {
  return {
    stateDir,
    stackFile: join(stateDir, 'stack.json'),
    secretsFile: join(stateDir, 'secrets.env'),
    /** The ports the stack last used (kernel/ports.ts): kept by every teardown mode. */
    portsFile: join(stateDir, 'ports.json'),
    dataDir: join(stateDir, 'data'),
    logDir: join(stateDir, 'logs'),
    runDir: join(stateDir, 'run'),
    cacheDir: join(stateDir, 'cache'),
  };
}
export type StatePaths = ReturnType<typeof statePaths>;
