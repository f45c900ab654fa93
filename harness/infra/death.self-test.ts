/**
 * Infrastructure death, for real: `pnpm e2e` runs cases on a throw-away sim stack (own state
 * dir, own Postgres/Redis/registry/API/runner), and once a few boxes exist one part of that
 * stack is killed (SIGKILL to its supervisor, then to the process itself, so nothing restarts
 * it). The run must stop: exit 3, the line and the summary headline naming the part and the
 * time, and every case not yet started reported "not run (infrastructure: …)".
 *
 * Each `pnpm e2e` brings the stack up first, which repairs the part the previous test killed;
 * Postgres goes last because nothing needs repairing after it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { REPO_ROOT, statePaths } from '../../kernel/paths.ts';
import { readSupervisorState } from '../../kernel/process/processes.ts';
import { supervisedFiles } from '../../kernel/process/supervised.ts';
import { isolatedConfig } from '../../kernel/self-test.ts';
import { removeSimBoxes } from '../../sim/launch.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';

/** The part's name in the headline, and its supervised process name under the state dir. */
const PARTS = [
  { part: 'runner', process: 'sim-runner', how: 'dies' },
  { part: 'API', process: 'sim-api', how: 'dies' },
  // Alive but answering nothing (SIGSTOP): only the probes' own deadline can tell.
  { part: 'API', process: 'sim-api', how: 'hangs' },
  { part: 'redis', process: 'redis', how: 'dies' },
  { part: 'registry', process: 'registry', how: 'dies' },
  { part: 'postgres', process: 'postgres', how: 'dies' },
] as const;

/** Enough cases that plenty are still to come when the kill lands. */
const CASE_FILES = ['cases/lifecycle.test.ts', 'cases/exec-streams.test.ts', 'cases/errors.test.ts'];
/** Boxes the run must have created before the kill: cases are under way. */
const KILL_AFTER_BOXES = 3;

let config: BootstrapConfig;

beforeAll(async () => {
  config = isolatedConfig(await mkdtemp(join(tmpdir(), 'e2e-infra-death-')), { target: 'sim' });
  await setupStack({ config, quiet: true });
}, 300_000);

afterAll(async () => {
  await teardownStack({ config, wipeData: true, full: true, quiet: true }).catch(() => {});
  await removeSimBoxes(config.stateDir, config.dockerHost);
  await rm(config.stateDir, { recursive: true, force: true });
}, 120_000);

/** Kills (or freezes) a supervised process; answers how to undo a freeze. */
async function strike(name: string, how: 'dies' | 'hangs'): Promise<() => void> {
  const { runDir } = statePaths(config.stateDir);
  const state = await readSupervisorState(supervisedFiles(runDir, name).state);
  if (!state?.childPid) throw new Error(`no running ${name} in ${runDir}`);
  const child = state.childPid;
  if (how === 'hangs') {
    process.kill(child, 'SIGSTOP');
    return () => process.kill(child, 'SIGCONT');
  }
  // The supervisor first, or it would restart the process.
  process.kill(state.supervisorPid, 'SIGKILL');
  process.kill(child, 'SIGKILL');
  return () => {};
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const createdCount = (reportDir: string) =>
  existsSync(join(reportDir, 'created-boxes.txt'))
    ? readFileSync(join(reportDir, 'created-boxes.txt'), 'utf8').split('\n').filter(Boolean).length
    : 0;

describe('a part of the stack dies in the middle of a run', () => {
  for (const { part, process: name, how } of PARTS) {
    it(`${part} ${how}: exit 3, the headline names it and when, the rest is "not run"`, async () => {
      const runId = `infra-death-${part.toLowerCase()}-${how}-${Date.now()}`;
      const reportDir = join(REPO_ROOT, 'reports', runId);
      const t0 = performance.now();
      const child = execa(process.execPath, ['harness/commands/e2e.ts', ...CASE_FILES], {
        cwd: REPO_ROOT,
        env: {
          BOXLITE_E2E_STATE_DIR: config.stateDir,
          DOCKER_HOST: config.dockerHost,
          BOXLITE_E2E_RUN_ID: runId,
        },
        all: true,
        reject: false,
      });
      await until('cases under way', () => createdCount(reportDir) >= KILL_AFTER_BOXES, 240_000);
      const killedAt = new Date();
      const undo = await strike(name, how);
      const res = await child.finally(undo);
      const seconds = (performance.now() - t0) / 1000;

      expect(res.exitCode, res.all?.slice(-3000)).toBe(3);
      const line = new RegExp(`e2e: infrastructure error: ${part} \\([^)]+\\) died at \\d\\d:\\d\\d:\\d\\dZ`);
      expect(res.all).toMatch(line);
      const summary = await readFile(join(reportDir, 'summary.md'), 'utf8');
      const headline = summary.split('\n').find((l) => l.startsWith('**')) ?? '';
      expect(headline).toMatch(
        new RegExp(`^\\*\\*INFRASTRUCTURE: ${part} \\(.+\\) died at \\d{4}-\\d\\d-\\d\\dT`),
      );
      const json = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as {
        counts: Record<string, number>;
        infrastructure: { part: string; diedAt: string; reason: string };
        cases: Array<{ outcome: string }>;
      };
      expect(json.infrastructure.part).toBe(part);
      // Died after the kill (the first unanswered probe), never before it.
      expect(Date.parse(json.infrastructure.diedAt)).toBeGreaterThanOrEqual(killedAt.getTime() - 1000);
      expect(json.counts['not-run']).toBeGreaterThan(0);
      expect(json.counts.pass).toBeGreaterThan(0);
      // vitest's closing line leads with the death too.
      expect(res.all).toMatch(new RegExp(`vitest: INFRASTRUCTURE: ${part} \\(`));
      if (how === 'hangs') expect(json.infrastructure.reason).toBe('UND_ERR_HEADERS_TIMEOUT');
      process.stderr.write(
        `infra death (${part} ${how}): ${seconds.toFixed(1)} s; ${headline.slice(0, 400)}\n`,
      );
    }, 420_000);
  }
});
