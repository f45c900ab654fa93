/**
 * For self-tests: a tool's command run the way a user runs it — from this repo, with only the
 * machine's PATH, HOME and Docker host, and a user state dir the tool must never create.
 */
import { homedir } from 'node:os';
import { execa } from 'execa';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { selfTestContext } from '../../kernel/self-test.ts';

export function runToolAsUser(script: string, args: readonly string[], userStateDir: string) {
  const { config } = selfTestContext();
  return execa(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: config.searchPath,
      HOME: homedir(),
      DOCKER_HOST: config.dockerHost,
      BOXLITE_E2E_STATE_DIR: userStateDir,
    },
    extendEnv: false,
    reject: false,
    all: true,
  });
}

/** The report dir a tool printed as `reports: DIR/`, relative to this repo. */
export const reportDirOf = (output: string) => /^reports: (\S+)\//m.exec(output)?.[1];
