/**
 * Upstream's bootstrap (docs/stack-bootstrap.md), step by step, held against our plan: each
 * reference step is a plan step whose commands or actions contain `expect`, or is different on
 * purpose with the reason.
 */
import type { StepId } from './steps.ts';

export type ReferenceStep =
  | { ref: string; step: StepId; expect: string }
  | { ref: string; different: string };

export const REFERENCE_RECIPE: readonly ReferenceStep[] = [
  {
    ref: 'bootstrap §3 Rust channel from rust-toolchain.toml',
    step: 'toolchains',
    expect: 'rust-toolchain.toml',
  },
  {
    ref: 'bootstrap §3 Go version: GOTOOLCHAIN=local go version outside a module',
    step: 'toolchains',
    expect: 'GOTOOLCHAIN=local go version',
  },
  {
    ref: 'bootstrap §3 Go too old → rm -rf /usr/local/go + tarball',
    different: 'an error naming the install command; setup never deletes a system toolchain',
  },
  {
    ref: 'bootstrap §1 Node ≥ 20 from NodeSource, yarn via corepack',
    different:
      "the API runs on the harness's Node 22; yarn comes from PATH, else npm-installed into the cache (corepack needs root)",
  },
  {
    ref: 'bootstrap §3 make setup:build (apt build deps)',
    different:
      'not run: it apt-installs the native deps of the real crates; a KVM CI host has them, and the fake checkout needs none',
  },
  { ref: 'bootstrap §3 Build 1: make dist:c', step: 'libboxlite', expect: 'make dist:c' },
  {
    ref: 'bootstrap §3 Build 2: cp target/release/libboxlite.a sdks/go/',
    step: 'libboxlite',
    expect: 'cp target/release/libboxlite.a sdks/go/libboxlite.a',
  },
  {
    ref: 'bootstrap §3 Build 3: CGO_ENABLED=1 go build ./cmd/runner',
    step: 'runner-binary',
    expect: 'CGO_ENABLED=1 GOTOOLCHAIN=local GOWORK=',
  },
  {
    ref: 'bootstrap §3 Build 4: install -m 0755 … /usr/local/bin/boxlite-runner',
    step: 'runner-binary',
    expect: 'install -m 0755',
  },
  {
    ref: 'bootstrap §3 Build 5: mkdir /var/lib/boxlite (BOXLITE_HOME_DIR)',
    step: 'runner-binary',
    expect: 'BOXLITE_HOME_DIR',
  },
  { ref: 'bootstrap §2 seed empty apps/yarn.lock', step: 'api-deps', expect: 'yarn.lock' },
  { ref: 'bootstrap §2 yarn install in apps/ (stderr visible)', step: 'api-deps', expect: 'yarn install' },
  { ref: 'bootstrap §2 apps/apps -> . symlink', step: 'api-deps', expect: 'ln -s . apps/apps' },
  { ref: 'bootstrap §2 secrets file 0600, minted once, reused', step: 'secrets', expect: '0600' },
  {
    ref: 'bootstrap §2 env file rewritten every run (0600 since V4)',
    step: 'env-file',
    expect: 'boxlite-api.env',
  },
  {
    ref: 'bootstrap §2 API unit: npx ts-node --transpile-only … api/src/main.ts',
    step: 'api',
    expect:
      'ts-node --transpile-only --project api/tsconfig.app.json -r tsconfig-paths/register api/src/main.ts',
  },
  { ref: 'bootstrap §2 API health: GET :3000/api/health 45 × 2 s', step: 'api', expect: '/api/health' },
  {
    ref: 'bootstrap §2 API health bound 90 s',
    different:
      '300 s: ts-node transpiles the API before it listens, minutes on a loaded 2-core host; a dead API still ends the wait at once',
  },
  {
    ref: 'bootstrap §3 runner unit with EnvironmentFile + inline Environment=',
    step: 'runner',
    expect: 'boxlite-runner.env',
  },
  {
    ref: 'bootstrap §3 registration: DEFAULT_RUNNER_API_KEY = BOXLITE_RUNNER_TOKEN, healthcheck → READY',
    step: 'runner',
    expect: '/runners lists "default" ready',
  },
  {
    ref: 'bootstrap §3 runner readiness: pgrep + ss :8080',
    different:
      "GET / on API_PORT (the runner's public health route) plus the API's view of its registration: stronger than a bound port",
  },
  { ref: 'bootstrap §2 /v1/me smoke with "sub", 401 hint', step: 'smoke', expect: '/v1/me' },
  {
    ref: 'bootstrap §4 fixture_setup: admin quotas, images',
    step: 'seed',
    expect: 'admin quota hook',
  },
  {
    ref: 'bootstrap §4 credentials.toml profiles p1/default',
    different: 'cases read the stack file and the secrets file, not a profile',
  },
  {
    ref: 'bootstrap §1 registry container via docker run registry:2',
    different: "the stack's registry service (host or containers provider) is set up before the recipe",
  },
  {
    ref: 'bootstrap §1 Postgres role boxlite / DB boxlite_dev, Redis :6379',
    different: "the provider's Postgres and Redis on free ports; the env file names them",
  },
  {
    ref: 'API scheduler load thresholds (RUNNER_*_SCORE_THRESHOLD, upstream defaults 10 / 3)',
    different:
      'set to 0: a one-runner test stack on a busy host would otherwise answer "No available runners" to every create',
  },
  {
    ref: 'bootstrap §2 HOST_IP from IMDS',
    different: 'RUNNER_DOMAIN is 127.0.0.1: every component of this stack is local',
  },
  { ref: 'bootstrap §3 journald for the runner', step: 'runner', expect: 'log' },
];
