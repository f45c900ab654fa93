/**
 * A failed API start says why (its last ERROR) and the failed setup stops what it started:
 * an API whose supervisor would restart it forever is gone afterwards.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statePaths } from '../../kernel/paths.ts';
import { inspectSupervised } from '../../kernel/process/supervised.ts';
import { ensureComponent } from './components.ts';
import { apiLaunch, withApiCause } from './launch.ts';
import { recipeLayout } from './layout.ts';
import { stopRecipeComponents } from './lifecycle.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'boxlite-lifecycle-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('a failed API start', () => {
  it('quotes its last ERROR with the log, and stopping the recipe leaves nothing restarting', async () => {
    const paths = statePaths(join(work, 'state'));
    const root = join(work, 'checkout');
    const checkout = { root, repo: root, rev: null, head: 'h' };
    const layout = recipeLayout(paths, checkout, 'supervisor');
    // An "API" that dies at boot the way Nest does; ts-node is node here.
    await mkdir(join(layout.apps, 'api', 'src'), { recursive: true });
    await writeFile(
      join(layout.apps, 'api', 'src', 'main.ts'),
      "console.log('[Nest] 1 - LOG [NestFactory] Starting');\nconsole.error('[Nest] 1 - ERROR [ExceptionHandler] Failed to fetch OpenID configuration from http://x/.well-known/openid-configuration');\nprocess.exit(1);\n",
    );
    await mkdir(join(layout.apps, 'node_modules', '.bin'), { recursive: true });
    await writeFile(
      join(layout.apps, 'node_modules', '.bin', 'ts-node'),
      `#!/bin/sh\nexec ${process.execPath} "$@"\n`,
      {
        mode: 0o755,
      },
    );
    await mkdir(layout.dir, { recursive: true });
    await writeFile(layout.envFile, '');
    await writeFile(
      layout.stateFile,
      JSON.stringify({ mode: 'supervisor', root, checkout: root, runnerBin: layout.runnerBin }),
    );
    const launch = apiLaunch(
      {
        layout,
        user: 'root',
        searchPath: '',
        apiUrl: 'http://127.0.0.1:9/api',
        runnerUrl: '',
        adminKey: '',
      },
      'k',
    );
    launch.unit.execStart = [join(layout.apps, 'node_modules', '.bin', 'ts-node'), 'api/src/main.ts'];
    launch.timeoutMs = 3_000;
    const failed = withApiCause(layout.apiLog, () => ensureComponent('supervisor', paths, launch, null));
    await expect(failed).rejects.toThrow(/its last ERROR: .*Failed to fetch OpenID configuration/);
    await expect(failed).rejects.toThrow(layout.apiLog);
    await stopRecipeComponents(paths);
    expect((await inspectSupervised(paths.runDir, 'boxlite-api')).alive).toBe(false);
  });
});
