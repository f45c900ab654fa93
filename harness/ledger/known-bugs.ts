/**
 * The known-bug ledger: every upstream bug a case is allowed to be failing on, with where it
 * lives upstream and whether the real stack still has it. Cases declare which bugs they detect;
 * `expectations.ts` turns this into strict expected-failure decisions per target. The sim's
 * switches for the guards' own self-tests are not bugs and live apart (../guard-faults.ts).
 *
 * `realStatus` is the status on a real BoxLite stack: for a bug whose symptom needs no VM it is
 * measured (measure.ts; `recorded(id)` reads real-status.json, and a run against target
 * boxlite measures it again at the stack's ref); for the others it is the last known status.
 * A run can override it (BOXLITE_E2E_BUG_STATUS=id=fixed,...) e.g. for a PR that claims a fix.
 */
import type { BugId } from '../../sim/bugs.ts';
import { recorded } from './real-status.ts';

/** `serve`: the real `boxlite serve` (target serve); its `realStatus` is the status there. */
export type BugLayer = 'sdk' | 'api' | 'runner' | 'core' | 'serve';
export type BugStatus = 'open' | 'fixed';

export interface KnownBug {
  id: string;
  title: string;
  /** Issue or PR upstream. */
  upstream: string;
  /** Source pointer (file:line) where the misbehaviour was traced. */
  pointer: string;
  symptom: string;
  layer: BugLayer;
  /** Sim bug switch reproducing it, or null (e.g. SDK gaps reproduce on every target). */
  simSwitch: BugId | null;
  realStatus: BugStatus;
}

export const KNOWN_BUGS = [
  {
    id: 'serve-plain-rejection',
    title: 'boxlite serve answers malformed bodies and unknown routes without the error envelope',
    upstream: 'boxlite-cli 0.11.0 `serve` (axum extractor rejections, no router fallback)',
    pointer:
      'boxlite-cli-0.11.0/src/commands/serve/handlers/boxes.rs:17 (Json<CreateBoxRequest>), serve/mod.rs:1802 build_router',
    symptom:
      'invalid JSON → 400 text/plain "Failed to parse the request body as JSON…"; cpus 999 / memory_mib -1 → 422 "Failed to deserialize the JSON body…"; unknown route → 404 with an empty body — the SDK reads each as an internal error (protocol §6)',
    layer: 'serve',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'rest-error-envelope',
    title: 'the cloud API answers REST errors without the string-code envelope its spec defines',
    upstream: 'openapi/box.openapi.yaml:1495 ErrorResponse {"error":{"message","type","code"}} (c5f4afd1)',
    pointer:
      'apps/api/src/filters/all-exceptions.filter.ts:80 (every API error as {path,timestamp,statusCode,error,message}); proxied routes pass the runner\'s gin {"error":"…"} (apps/runner/pkg/api/controllers/boxlite_exec.go:56)',
    symptom:
      'GET /v1/{prefix}/boxes/{unknown} → 404 {"statusCode":404,"error":"Not Found","message":"…"}: the SDKs dispatch on error.code and read it as an internal error',
    layer: 'api',
    simSwitch: null,
    realStatus: recorded('rest-error-envelope'),
  },
  {
    id: 'failed-create-leaves-box',
    title: 'a create answered with an error leaves the box behind (status unknown)',
    upstream: 'apps/api/src/boxlite-rest/boxlite-box.controller.ts createBox (c5f4afd1)',
    pointer:
      'apps/api/src/boxlite-rest/boxlite-box.controller.ts:93-95 (boxService.create persists the row, then waitForStarted throws "Box state transition failed" as 400; nothing removes the row)',
    symptom:
      'POST /boxes → 400 "Box state transition failed: failed to start box: …", yet GET /boxes lists a box of that name in status unknown — a client that got an error holds no id to delete it with',
    layer: 'api',
    simSwitch: null,
    realStatus: recorded('failed-create-leaves-box'),
  },
  {
    id: 'concurrent-create-no-runner',
    title: 'concurrent creates on a one-runner stack are refused with "No available runners"',
    upstream: 'apps/api/src/box/services/box.service.ts persistWithRunnerAssignmentFence (c5f4afd1)',
    pointer:
      'apps/api/src/box/services/box.service.ts:131-136 (a busy runner-assignment lease excludes the runner instead of waiting) → runner.service.ts:759 BadRequestError "No available runners"',
    symptom:
      'a few POST /boxes at once while the only runner is ready: some answer 400 "No available runners" at once',
    layer: 'api',
    simSwitch: null,
    realStatus: recorded('concurrent-create-no-runner'),
  },
  {
    id: 'exec-stdout-drop',
    title: 'fast exec loses stdout: exit frame overtakes the last output chunks',
    upstream: 'boxlite-ai/boxlite#563',
    pointer: 'apps/runner/pkg/api/controllers/boxlite_exec_attach.go (runAttachLoop drains ≤2 s before exit)',
    symptom: '~36-90 % of `cat /etc/os-release` execs return empty stdout with exit 0',
    layer: 'runner',
    simSwitch: 'exec-stdout-drop',
    realStatus: 'open',
  },
  {
    id: 'exec-stopped-500',
    title: 'exec on a stopped box answers 500 instead of 409 stopped',
    upstream: 'boxlite-ai/boxlite PR #678',
    pointer: 'apps/runner/pkg/api/controllers/boxlite_exec.go:77',
    symptom: 'POST /exec on a stopped box → HTTP 500 internal',
    layer: 'runner',
    simSwitch: 'exec-stopped-500',
    realStatus: 'fixed',
  },
  {
    id: 'exec-removed-500',
    title: 'exec after remove answers 500 (spawn_failed) instead of 404',
    upstream: 'scripts/test/e2e/cases/test_runner_concurrency.py (strict xfail)',
    pointer: 'apps/api/src/boxlite-rest/boxlite-proxy.controller.ts (soft-deleted row matched)',
    symptom: 'POST /exec on a removed box → 500 "spawn_failed: build failed"',
    layer: 'api',
    simSwitch: 'exec-removed-500',
    realStatus: recorded('exec-removed-500'),
  },
  {
    id: 'exec-spawn-500',
    title: 'missing binary answers 500 internal instead of 422 execution_failed',
    upstream: 'scripts/test/e2e/cases/test_error_code_mapping.py (strict xfail)',
    pointer: 'src/shared/src/errors.rs:198-280; runner classifyExecError',
    symptom: 'exec of /nonexistent/binary → "internal error: spawn_failed"',
    layer: 'runner',
    simSwitch: 'exec-spawn-500',
    realStatus: 'open',
  },
  {
    id: 'exec-user-500',
    title: 'unknown exec user answers 500 instead of 400 invalid_argument',
    upstream: 'boxlite-ai/boxlite#690',
    pointer: 'apps/runner/pkg/api/controllers/boxlite_exec.go (user lookup error classified internal)',
    symptom: 'POST /exec {"user":"nosuchuser"} → HTTP 500',
    layer: 'runner',
    simSwitch: 'exec-user-500',
    realStatus: 'open',
  },
  {
    id: 'create-invalid-accepted',
    title: 'cpus=0 / memory_mib=-1 silently coerced to defaults and created',
    upstream: 'boxlite-ai/boxlite PR #662 (same root cause)',
    pointer: 'apps/api/src/boxlite-rest/dto/create-box.dto.ts:24; apps/api/src/main.ts:65-69',
    symptom: 'POST /boxes {"cpus":0} → 201 with the org default',
    layer: 'api',
    simSwitch: 'create-invalid-accepted',
    realStatus: recorded('create-invalid-accepted'),
  },
  {
    id: 'create-oversize-clamped',
    title: 'cpus=999 clamped and created instead of 400/429',
    upstream: 'scripts/test/e2e/cases/test_quota_enforcement.py (module strict xfail)',
    pointer: 'apps/api/src/boxlite-rest/dto/create-box.dto.ts:24 (@Min, no @Max)',
    symptom: 'POST /boxes {"cpus":999} → 201',
    layer: 'api',
    simSwitch: 'create-oversize-clamped',
    realStatus: recorded('create-oversize-clamped'),
  },
  {
    id: 'quota-not-enforced',
    title: 'per-box org quota (max_*_per_box) ignored at create',
    upstream: 'scripts/test/e2e/cases/test_quota_enforcement.py (module strict xfail)',
    pointer: 'apps/api/src/box/services/box.service.ts createFromSnapshot',
    symptom: 'a box above the org per-box limit is created',
    layer: 'api',
    simSwitch: 'quota-not-enforced',
    realStatus: recorded('quota-not-enforced'),
  },
  {
    id: 'bad-token-500',
    title: 'a malformed bearer token answers 500 instead of 401',
    upstream: 'scripts/test/e2e/cases/test_errors.py test_invalid_token_returns_401_not_500',
    pointer: 'apps/api/src/auth (API key guard throws on undecodable keys)',
    symptom: 'Authorization: Bearer <junk> → HTTP 500',
    layer: 'api',
    simSwitch: 'bad-token-500',
    realStatus: recorded('bad-token-500'),
  },
  {
    id: 'signal-after-exit-204',
    title: 'signal to a finished exec answers 204 instead of 409 invalid_state',
    upstream: 'serve/handlers/executions.rs vs runner boxlite_exec.go (old handler ignores state)',
    pointer: 'apps/runner/pkg/api/controllers/boxlite_exec.go (signal handler)',
    symptom: 'POST .../executions/{eid}/signal after exit → 204',
    layer: 'runner',
    simSwitch: 'signal-after-exit-204',
    realStatus: 'open',
  },
  {
    id: 'attach-no-replay',
    title: 'output produced before attach or while disconnected is lost',
    upstream: 'boxlite-ai/boxlite#627 (attach re-drain)',
    pointer: 'apps/runner/pkg/api/controllers/boxlite_exec_attach.go (fan-out without backlog)',
    symptom: 'a re-attach after a dropped socket misses output written meanwhile',
    layer: 'runner',
    simSwitch: 'attach-no-replay',
    realStatus: 'open',
  },
  {
    id: 'host-bind-honored',
    title: 'a host path in create volumes is mounted instead of refused',
    upstream: 'src/boxlite/src/rest/types.rs (REST carries managed volumes only)',
    pointer: 'apps/api/src/boxlite-rest/dto/create-box.dto.ts volumes',
    symptom: 'POST /boxes {"volumes":[{"host_path":"/etc",...}]} exposes host files',
    layer: 'api',
    simSwitch: 'host-bind-honored',
    realStatus: recorded('host-bind-honored'),
  },
  {
    id: 'cross-org-box-lookup',
    title: "another org's key reaches a box by id (cross-tenant access)",
    upstream: 'POL-257 257-3 (apps/e2e/cases/test_pol257_cross_org_isolation.py, verified live 2026-08-25)',
    pointer:
      'apps/api/src/boxlite-rest/boxlite-box.controller.ts (box lookup scoped by authContext.organizationId); organization-access.guard.ts',
    symptom:
      "org B's key on org A's box id → 200 (get, exec, stop, delete) instead of the 404 an unknown id gets",
    layer: 'api',
    simSwitch: 'cross-org-box-lookup',
    realStatus: 'fixed',
  },
  {
    id: 'stale-key-accepted',
    title: 'a revoked or expired API key is still accepted',
    upstream:
      'apps/api/src/auth/api-key.strategy.ts ("Check expiry BEFORE caching to prevent storing expired keys")',
    pointer:
      'api-key.strategy.ts validate(): keys are cached in Redis for apiKey.validationCacheTtlSeconds; expiry is re-checked on a cache hit',
    symptom:
      'a key past its expiresAt, or deleted with DELETE /api/api-keys/{name}, still authenticates (200 instead of 401)',
    layer: 'api',
    simSwitch: 'stale-key-accepted',
    realStatus: recorded('stale-key-accepted'),
  },
  {
    id: 'sdk-node-drops-user',
    title: 'npm SDK 0.10.x silently drops the exec `user` option',
    upstream: 'sdks/node (JsBox.exec user parameter not forwarded over REST)',
    pointer: 'src/boxlite/src/rest/types.rs ExecRequest (no user field in 0.10.x)',
    symptom: "box.exec('id', ['-u'], ..., user='1000') runs as root",
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'sdk-python-drops-user',
    title: 'PyPI SDK 0.10.x silently drops the exec `user` option',
    upstream: 'sdks/python (Box.exec user parameter not forwarded over REST)',
    pointer: 'src/boxlite/src/rest/types.rs ExecRequest (no user field in 0.10.x), shared with the npm SDK',
    symptom: "await box.exec('id', ['-u'], user='1000') runs as root (found by cases/cross-driver.test.ts)",
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'sdk-c-drops-user',
    title: 'C SDK over REST silently drops the exec `user` (the REST client never sends it)',
    upstream: 'src/boxlite/src/rest/types.rs:494 (c5f4afd1)',
    pointer:
      'ExecRequest / from_command carry command, args, env, timeout, working_dir, tty: no user; boxlite.h BoxliteCommand has `user`',
    symptom:
      "boxlite_box_exec with user '1000' runs `id -u` as root (drivers built with --sdk-checkout; the crates.io 0.11 client sends it)",
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'sdk-c-wait-before-stdout',
    title: "C SDK: an execution's wait callback can come before its last stdout callback",
    upstream: 'sdks/c/src/exec/execution.rs (c5f4afd1)',
    pointer:
      'execution_wait (:462-500) posts Wait as soon as the process ends; only on_exit (exit_pump, :373-377) awaits the stream pumps registered by on_stdout (:307-308)',
    symptom:
      "upstream's sdks/c e2e_exec.c (on_stdout, then wait) prints EXEC_STDOUT= empty for `echo HELLO-FROM-C` although the server sent the bytes before the exit frame",
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'sdk-go-no-user',
    title: 'Go SDK offers no exec `user`: every command runs as the image user',
    upstream: 'sdks/go/exec.go:240 (c5f4afd1)',
    pointer:
      'StartExecution passes `user: nil` to boxlite_box_exec; ExecutionOptions and Cmd have no User (boxlite.h BoxliteCommand has `user`)',
    symptom: 'a Go caller cannot run `id -u` as uid 1000 (found by cases/cross-driver.test.ts)',
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'cli-logs-ignores-rest',
    title: 'CLI 0.11 `boxlite logs` ignores --url / the profile and reads the local runtime',
    upstream: 'src/cli/src/commands/logs.rs (boxlite-cli 0.11.0)',
    pointer: 'logs::execute builds create_runtime_with_options(options), never create_runtime()',
    symptom: '`boxlite --url … logs BOX` answers "No such box" for every box of a REST server',
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'cli-images-ignores-rest',
    title:
      'CLI 0.11 `boxlite images` and `boxlite pull` ignore the profile / --url and use the local runtime',
    upstream: 'src/cli/src/commands/images.rs, pull.rs (boxlite-cli 0.11.0)',
    pointer: 'both build create_runtime_with_options(resolve_runtime_options()), never create_runtime()',
    symptom:
      "`boxlite images` logged in to a server prints the local cache (`[]`), not the server's images; `pull` pulls locally",
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'sdk-python-copy-out-overwrite',
    title: 'PyPI SDK 0.10.8 copy_out ignores overwrite=False and replaces an existing host file',
    upstream:
      'sdks/python copy_out (the receive-side guard upstream pins in scripts/test/e2e/cases/test_copy_out_overwrite.py @954509f2)',
    pointer: 'src/boxlite/src/rest/litebox.rs copy_out (0.10.x): CopyOptions.overwrite never consulted',
    symptom:
      "copy_out('/root/payload.txt', existing_host_file, CopyOptions(overwrite=False)) succeeds and overwrites it (found by cases/copy-out-overwrite.test.ts)",
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
  {
    id: 'tunnel-stopped-box-reachable',
    title: 'a stopped box stays reachable through a tunnel',
    upstream: 'apps/e2e/cases/test_sdk_tunnel.py, test_node_tunnel.py (strict xfail at c5f4afd1)',
    pointer:
      'apps/api/src/box/services/box.service.ts getNetworkTunnelUrl (no state check); runner network_tunnel.go:34 dials per connection',
    symptom: 'after box.stop(), a new tunnel to a guest port still gets the guest service answer',
    layer: 'runner',
    simSwitch: 'tunnel-stopped-box-reachable',
    realStatus: 'open',
  },
  {
    id: 'tunnel-half-close-drops-response',
    title: 'a tunnel client that half-closes its side loses the guest response',
    upstream: 'apps/e2e/cases/test_sdk_tunnel.py, test_node_tunnel.py (strict xfail at c5f4afd1)',
    pointer: 'tunnel relay between SDK and guest (runner side: apps/libs/common-go/pkg/proxy/proxy.go:43)',
    symptom: 'write request, shutdown_write(), read → empty instead of the HTTP response',
    layer: 'runner',
    simSwitch: 'tunnel-half-close-drops-response',
    realStatus: 'open',
  },
  {
    id: 'cli-run-keeps-dashdash',
    title: '`boxlite run IMAGE -- CMD` makes `--` the init command',
    upstream:
      'src/cli/src/commands/run.rs (since boxlite-ai/boxlite#988, COMMAND runs as the container init)',
    pointer:
      'run.rs:39 `#[arg(index = 1, trailing_var_arg = true)]` keeps the literal `--`; run.rs:153 options.cmd = all of it',
    symptom:
      'upstream\'s CLI cases `run -d IMAGE -- sleep 600` → box start fails: exec "--": executable file not found',
    layer: 'sdk',
    simSwitch: null,
    realStatus: 'open',
  },
] as const satisfies readonly KnownBug[];

export type KnownBugId = (typeof KNOWN_BUGS)[number]['id'];

export function knownBug(id: string): KnownBug {
  const bug = (KNOWN_BUGS as readonly KnownBug[]).find((b) => b.id === id);
  if (!bug)
    throw new Error(`unknown ledger bug ${JSON.stringify(id)}; add it to harness/ledger/known-bugs.ts`);
  return bug;
}
