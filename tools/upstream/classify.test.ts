import { describe, expect, it } from 'vitest';
import type { Preflight } from '../../harness/handle/preflight.ts';
import { knownBug } from '../../harness/ledger/known-bugs.ts';
import { type CaseRecord, classify, type RunFacts } from './classify.ts';
import { countVerdicts, headline, mergeSection, renderSection, type UpstreamReport } from './report.ts';
import { UPSTREAM_XFAILS } from './xfail-map.ts';

const preflight = (missing: Preflight['missing']): Preflight => ({
  config: { status: 200, capabilities: {} },
  missing,
  ms: 1,
});

const facts = (over: Partial<RunFacts> = {}): RunFacts => ({
  bugs: [],
  simulated: true,
  preflight: preflight({}),
  image: 'boxlite-e2e/agent-base:1',
  pythonSdk: '0.10.8',
  missing: { cli: null, sdk: null },
  ...over,
});

const rec = (nodeid: string, outcome: CaseRecord['outcome'], message = ''): CaseRecord => ({
  nodeid,
  outcome,
  message,
  duration_s: 0.1,
  xfail_mark: null,
});

const ZERO_CPU = 'cases/test_error_code_mapping.py::test_invalid_argument_zero_cpu_returns_400';
const XPASS_STRICT = '[XPASS(strict)] Production bug: CreateBoxDto.cpus has @Min(1)';

describe('upstream outcome classification', () => {
  it('a strict XPASS of a marked bug is explained while its sim switch is off', () => {
    const c = classify(rec(ZERO_CPU, 'failed', XPASS_STRICT), facts());
    expect(c).toMatchObject({ verdict: 'xpass', cause: 'ledger:create-invalid-accepted', unexpected: false });
    expect(c.evidence).toContain('sim switch create-invalid-accepted off');
  });

  it('with the switch on, the XFAIL upstream expects is expected and an XPASS is not', () => {
    const on = facts({ bugs: ['create-invalid-accepted'] });
    expect(classify(rec(ZERO_CPU, 'xfailed', 'Production bug'), on)).toMatchObject({
      verdict: 'xfail',
      unexpected: false,
    });
    expect(classify(rec(ZERO_CPU, 'failed', XPASS_STRICT), on)).toMatchObject({
      verdict: 'xpass',
      unexpected: true,
    });
  });

  it('on a real stack the ledger status decides', () => {
    const real = facts({ simulated: false });
    const open = knownBug('create-invalid-accepted').realStatus === 'open';
    expect(classify(rec(ZERO_CPU, 'xfailed', 'x'), real).unexpected).toBe(!open);
  });

  it('an option the PyPI SDK lacks makes the case not runnable, naming the option', () => {
    const c = classify(
      rec(
        'cases/test_files_io.py::test_copy_in_overwrite_false_rejects_conflict',
        'failed',
        "TypeError: CopyOptions.__new__() got an unexpected keyword argument 'include_parent'",
      ),
      facts(),
    );
    expect(c).toMatchObject({ verdict: 'not-runnable', cause: 'sdk-lacks-option', unexpected: false });
    expect(c.evidence).toContain('PyPI boxlite 0.10.8 has no `include_parent`');
  });

  it('a missing guest tool is named with the image', () => {
    const c = classify(
      rec(
        'cases/test_real_world.py::test_pip_install_and_use',
        'failed',
        'boxlite.errors.ExecutionError: Execution error: failed to spawn "python3": executable file not found in $PATH',
      ),
      facts(),
    );
    expect(c).toMatchObject({ verdict: 'not-runnable', cause: 'guest-tool-missing' });
    expect(c.evidence).toBe('`python3` is not in the guest image boxlite-e2e/agent-base:1');
  });

  it('an unmet need measured by the preflight carries its evidence', () => {
    const c = classify(
      rec('cases/test_real_world.py::test_network_curl', 'skipped', 'network not available in guest: x'),
      facts({ preflight: preflight({ egress: 'wget: bad address example.com' }) }),
    );
    expect(c).toMatchObject({
      verdict: 'not-runnable',
      cause: 'needs:egress',
      evidence: 'wget: bad address example.com',
    });
  });

  it('a box that cannot start is not runnable only where the preflight could not start one either', () => {
    const msg = 'InternalError: Disk creation task failed: task 99 panicked: mke2fs binary not found';
    const id = 'cases/test_exec_comprehensive.py::test_stderr_only_command';
    const serve = classify(
      rec(id, 'failed', msg),
      facts({ preflight: preflight({ vm: 'create: 500 mke2fs' }) }),
    );
    expect(serve).toMatchObject({ verdict: 'not-runnable', cause: 'needs:vm', unexpected: false });
    expect(serve.evidence).toContain('preflight: create: 500 mke2fs');
    const sim = classify(rec(id, 'failed', msg), facts());
    expect(sim).toMatchObject({ verdict: 'failed', unexpected: true });
  });

  it('a missing CLI carries why it could not be had', () => {
    const c = classify(
      rec('cases/test_cli_entry.py::test_cli_whoami_against_api', 'skipped', 'boxlite CLI not found at None'),
      facts({ missing: { cli: 'cargo not found', sdk: null } }),
    );
    expect(c).toMatchObject({
      verdict: 'not-runnable',
      cause: 'cli-missing',
      evidence: 'no boxlite CLI: cargo not found',
    });
  });

  it('a failure a switchless ledger bug explains is expected', () => {
    const c = classify(
      rec(
        'cases/test_cli_entry.py::test_cli_run_exec_chain',
        'error',
        "CalledProcessError: Command '['boxlite', 'run', '-d', 'img', '--', 'sleep', '600']' returned non-zero exit status 1.",
      ),
      facts(),
    );
    expect(c).toMatchObject({ verdict: 'xfail', cause: 'ledger:cli-run-keeps-dashdash', unexpected: false });
  });

  it("the C SDK's wait overtaking its stdout is the ledger's, read from the driver's own output", () => {
    const msg =
      "AssertionError: assert 'EXEC_STDOUT=HELLO-FROM-C' in 'BOX_ID=r62tXP4RRwkR\\nEXEC_STDOUT=\\nEXIT_CODE=0\\nOK\\n'";
    const c = classify(rec('cases/test_c_coverage.py::test_c_exec', 'failed', msg), facts());
    expect(c).toMatchObject({
      verdict: 'xfail',
      cause: 'ledger:sdk-c-wait-before-stdout',
      unexpected: false,
    });
  });

  it('anything else that did not pass is a failure to look at; a plain skip stays a skip', () => {
    expect(classify(rec('cases/test_x.py::test_y', 'failed', 'assert 401 == 200'), facts())).toMatchObject({
      verdict: 'failed',
      cause: null,
      unexpected: true,
    });
    expect(classify(rec('cases/test_x.py::test_y', 'error', 'fixture failed'), facts()).verdict).toBe(
      'error',
    );
    expect(
      classify(rec('cases/test_x.py::test_z', 'skipped', 'resize_tty not exposed'), facts()),
    ).toMatchObject({
      verdict: 'skipped',
      unexpected: false,
    });
  });

  it('every mapped upstream xfail names a ledger bug with a sim switch', () => {
    expect(Object.keys(UPSTREAM_XFAILS)).toHaveLength(9);
    for (const id of Object.values(UPSTREAM_XFAILS)) expect(knownBug(id).simSwitch, id).not.toBeNull();
  });
});

describe('upstream report section', () => {
  const cases = [
    classify(rec('cases/a.py::t1', 'passed'), facts()),
    classify(rec(ZERO_CPU, 'failed', XPASS_STRICT), facts()),
    classify(rec('cases/b.py::t2', 'failed', 'boom | pipe'), facts()),
  ];
  const report: UpstreamReport = {
    suite: { checkout: '/co', layout: 'apps/e2e', commit: 'c5f4afd1' },
    target: 'sim',
    command: 'python -m pytest',
    setup: { image: 'img' },
    exitCode: 1,
    counts: countVerdicts(cases),
    cases,
  };

  it('counts every verdict and the unexpected ones', () => {
    expect(headline(report)).toBe('3 collected: 1 passed, 1 xpass, 1 failed; 1 unexpected');
  });

  it('lists only what did not pass, escaping table pipes', () => {
    const md = renderSection(report);
    expect(md).not.toContain('cases/a.py::t1');
    expect(md).toContain('boom \\| pipe');
    expect(md).toContain('| failed ⚠ |');
  });

  it('replaces its own section in a summary, or appends it', () => {
    const first = mergeSection('# Run\n\nours\n', renderSection(report));
    expect(first.startsWith('# Run\n\nours\n')).toBe(true);
    const again = mergeSection(first, renderSection({ ...report, target: 'serve' }));
    expect(again.match(/<!-- upstream-suite -->/g)).toHaveLength(1);
    expect(again).toContain('target serve');
  });
});
