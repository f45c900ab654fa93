/**
 * What Stryker's command runner runs, in its sandbox, once for the dry run and once per mutant
 * (`__STRYKER_ACTIVE_MUTANT__` names it). It hands the work to the run's mutation server
 * (server.ts), starting it on the dry run, and exits with the server's verdict: 0 survived,
 * 1 killed. Set up by `pnpm e2e:mutation` (command.ts); not meant to be run by hand.
 *   node tools/mutation/mutant-command.ts --run-dir DIR --budget-s N [--case FILE]…
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { runMain } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { pidAlive } from '../../kernel/process/processes.ts';
import { type MutationArgs, mutationArgs, parseMutationArgs } from './args.ts';

async function serverPort(runDir: string): Promise<number | null> {
  try {
    const s = JSON.parse(await readFile(join(runDir, 'server.json'), 'utf8')) as {
      port: number;
      pid: number;
    };
    return pidAlive(s.pid) ? s.port : null;
  } catch {
    return null;
  }
}

async function startServer(args: MutationArgs): Promise<number> {
  const { runDir } = args;
  const out = openSync(join(runDir, 'server.log'), 'a');
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'tools/mutation/server.ts'), ...mutationArgs(args)],
    { cwd: REPO_ROOT, detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  for (let i = 0; i < 240; i++) {
    await sleep(250);
    const port = await serverPort(runDir);
    if (port !== null) return port;
    if (child.exitCode !== null) break;
  }
  throw new Error(`the mutation server did not start; see ${join(runDir, 'server.log')}`);
}

if (import.meta.main) {
  await runMain('mutant-command', async () => {
    const args = parseMutationArgs(process.argv.slice(2));
    // Stryker's own variable: set for a mutant, absent for the dry run.
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    const port = (await serverPort(args.runDir)) ?? (mutant ? null : await startServer(args));
    if (port === null) throw new Error('no mutation server: the dry run starts it');
    const res = await request(`http://127.0.0.1:${port}/${mutant ? 'mutant' : 'baseline'}`, {
      method: 'POST',
      body: JSON.stringify(mutant ? { id: mutant } : {}),
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const verdict = (await res.body.json()) as { exit?: number; error?: string };
    if (verdict.exit === undefined) throw new Error(`mutation server: ${verdict.error ?? res.statusCode}`);
    process.exitCode = verdict.exit;
  });
}
