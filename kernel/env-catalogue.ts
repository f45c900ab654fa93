/**
 * Every environment variable the project reads, with its meaning — the one catalogue. Option
 * tables (kernel/options.ts) may only name a variable listed here (the type says so), the
 * table in docs/env.md is checked against it both ways, and a test fails when source code
 * names a BOXLITE_* variable that is missing here. Meanings are markdown, exactly as
 * docs/env.md shows them; variables sharing a row there share a meaning.
 */
const REMOTE = 'remote stack (see Targets)';
const PORT = 'pin a port; a taken pinned port is an error naming it';
const IMAGE = 'containers provider images (default `boxlite-e2e/<service>:local`)';
const JOURNAL = 'journal sources for the path guard on remote stacks';
const UPSTREAM_JOURNAL = "upstream's names for those: a journald unit / an API log file";

export const ENV_CATALOGUE = {
  BOXLITE_E2E_PROVIDER: '`host` (default) or `containers`; `--provider` wins',
  BOXLITE_E2E_TARGET:
    '`sim`, `boxlite` or `serve` (the real `boxlite serve`); unset = services only (`pnpm e2e`: sim); `--target` wins',
  BOXLITE_E2E_STATE_DIR: 'state dir (default `<repo>/.e2e-state`)',
  BOXLITE_E2E_POSTGRES_PORT: PORT,
  BOXLITE_E2E_REDIS_PORT: PORT,
  BOXLITE_E2E_REGISTRY_PORT: PORT,
  BOXLITE_E2E_POSTGRES_IMAGE: IMAGE,
  BOXLITE_E2E_REDIS_IMAGE: IMAGE,
  BOXLITE_E2E_REGISTRY_IMAGE: IMAGE,
  TESTCONTAINERS_RYUK_DISABLED: '`true` (default) / `false`',
  DOCKER_HOST:
    'Docker endpoint of every Docker client, the sim runner included (default `unix:///var/run/docker.sock`)',
  PATH: 'where setup looks for `dockerd` and the apt tools; supervised services inherit it',
  BOXLITE_SIM_BUGS: 'sim bug switches, comma separated (see `sim/bugs.ts`); `--bugs` wins',
  BOXLITE_SIM_DOCKER_TIMEOUT_MS: "the sim runner's bound on one Docker call in ms (default 10000)",
  BOXLITE_E2E_URL: REMOTE,
  BOXLITE_E2E_API_URL: REMOTE,
  BOXLITE_E2E_API_KEY: REMOTE,
  BOXLITE_E2E_PREFIX: REMOTE,
  BOXLITE_E2E_IMAGE: REMOTE,
  BOXLITE_E2E_SMALL_IMAGE: REMOTE,
  BOXLITE_E2E_PROFILE: REMOTE,
  BOXLITE_HOME: 'where `credentials.toml` lives (default `~/.boxlite`)',
  BOXLITE_E2E_RUNNER_JOURNAL: JOURNAL,
  BOXLITE_E2E_API_JOURNAL: JOURNAL,
  BOXLITE_E2E_RUNNER_UNIT: UPSTREAM_JOURNAL,
  BOXLITE_E2E_API_LOG: UPSTREAM_JOURNAL,
  BOXLITE_E2E_SKIP_PATH_VERIFY: '`1` disables the path guard (reported loudly)',
  BOXLITE_E2E_BUG_STATUS: 'per-run ledger overrides, `id=open\\|fixed,...`',
  BOXLITE_E2E_MARKERS: '`off` ignores expected-failure markers (teeth mode); `--markers` wins',
  BOXLITE_E2E_P06_ROUNDS: 'size of the #563 stdout-race reproducer: `N` or `NxM` (default `4x10`)',
  BOXLITE_E2E_P06_MAX_LOSS: 'stdout-loss rate that reproducer tolerates, in [0, 1) (default 0)',
  BOXLITE_E2E_RUN_ID: 'names the report dir `reports/<id>/` (default: the start time)',
  BOXLITE_E2E_SHARD: 'run shard `i/n` of the case files against a stack of its own; `--shard` wins',
  BOXLITE_E2E_SHARD_DURATIONS:
    "a previous run's `results.json`: shards are balanced by its file durations; `--durations` wins",
  BOXLITE_E2E_NO_SETUP:
    'internal, set by `pnpm e2e` / `e2e:teeth` for their vitest child: the stack is up, skip setup',
  BOXLITE_E2E_SETUP_MS:
    'internal, set by `pnpm e2e` for its vitest child: provisioning ms to add to the report',
  GITHUB_STEP_SUMMARY: 'file the run summary is appended to (GitHub Actions sets it)',
  GITHUB_OUTPUT: '`e2e:merge` and `e2e:two-sided --merge` append `headline=` to it (GitHub Actions sets it)',
  BOXLITE_E2E_VERBOSE: 'self-tests print provisioning progress',
  BOXLITE_E2E_CLI_BIN: 'a `boxlite` CLI binary to use as is (no build); `--cli-bin` wins',
  BOXLITE_E2E_CLI_CHECKOUT:
    'a BoxLite checkout to build the CLI from (`cargo build -p boxlite-cli`, real native deps); `--cli-checkout` wins',
  BOXLITE_E2E_CLI_VERSION: 'boxlite-cli version from crates.io when no checkout is given (default `0.11.0`)',
  BOXLITE_E2E_CACHE_DIR:
    'machine-wide cache shared by every clone: CLI builds, cargo target dir (default `~/.cache/boxlite-e2e`)',
  BOXLITE_E2E_SDK_CHECKOUT:
    'a BoxLite checkout to build the C/Go SDK drivers against (its `boxlite-c` and `sdks/go`); `--sdk-checkout` wins',
  DEBUG: '`pnpm e2e:guest-images` prints the stack of a failure',
  BOXLITE_E2E_CHECKOUT:
    'a BoxLite checkout: target `boxlite` builds and runs its API and runner (`pnpm e2e:setup`), `pnpm e2e:upstream` runs its own e2e suite; `--checkout` wins',
  BOXLITE_E2E_REF: 'build this commit of that checkout (exported; the work tree is untouched); `--ref` wins',
  BOXLITE_E2E_NATIVE_DEPS:
    'target boxlite: libboxlite native deps `source` or `stub` (no VM starts); default stub when a submodule is absent; `--native-deps` wins',
  BOXLITE_E2E_OIDC_ISSUER:
    "target boxlite: the API's OIDC issuer; default a local discovery document the harness serves; `--oidc-issuer` wins",
} as const satisfies Record<string, string>;

export type EnvName = keyof typeof ENV_CATALOGUE;

/** An environment as entry points receive it (process.env or a test's record). */
export type Env = Readonly<Record<string, string | undefined>>;
