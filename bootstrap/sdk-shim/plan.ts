/**
 * The commands of a driver build, as data: the cargo step for a checkout's `boxlite-c` (the
 * shim's library comes from bootstrap/cargo-workspace) and the steps that compile drivers/c
 * and drivers/go against a header dir, a dir holding libboxlite.a and a Go SDK module dir.
 * `driverBuildPlan` is the interface a KVM-host bootstrap calls with a real checkout's paths
 * (see `checkoutInputs`).
 */
import { join } from 'node:path';
import { C_DRIVER_DIR, GO_DRIVER_DIR } from './sources.ts';

export interface Step {
  label: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface Tools {
  cargo: string;
  cc: string;
  go: string;
}

/** The module path of upstream's Go SDK; the shim's cgo package claims the same one. */
export const GO_SDK_MODULE = 'github.com/boxlite-ai/boxlite/sdks/go';

/** What a BoxLite checkout offers the drivers, and the cargo step producing its library. */
export function checkoutInputs(dir: string, tools: Pick<Tools, 'cargo'>, targetDir: string) {
  return {
    includeDir: join(dir, 'sdks', 'c', 'include'),
    library: join(targetDir, 'release', 'libboxlite.a'),
    goSdkDir: join(dir, 'sdks', 'go'),
    cargo: {
      label: 'cargo build -p boxlite-c (checkout, native deps)',
      cmd: tools.cargo,
      args: ['build', '--release', '--locked', '-p', 'boxlite-c'],
      env: { CARGO_TARGET_DIR: targetDir },
      cwd: dir,
    } satisfies Step,
  };
}

export interface DriverInputs {
  /** Holds boxlite.h. */
  includeDir: string;
  /** Holds libboxlite.a (linked statically: the drivers run without LD_LIBRARY_PATH). */
  libDir: string;
  /** The Go SDK module (package boxlite) the Go driver imports. */
  goSdkDir: string;
  /** Where c-driver, go-driver and the Go modfile go. */
  outDir: string;
  /** GOCACHE / GOMODCACHE root. */
  goCache: string;
}

export interface DriverPlan {
  /** Written before the steps run: drivers/go's go.mod with the SDK module replaced. */
  modfile: { path: string; text: string };
  steps: Step[];
  outputs: { c: string; go: string };
}

/** Static libboxlite (unused sections dropped: ~9 MB instead of ~43) plus what a Rust staticlib needs from libc. */
const LINK = [
  '-Wl,--gc-sections',
  '-Wl,-Bstatic',
  '-lboxlite',
  '-Wl,-Bdynamic',
  '-lpthread',
  '-ldl',
  '-lm',
  '-lrt',
  '-lgcc_s',
];

export function driverBuildPlan(
  inputs: DriverInputs,
  tools: Pick<Tools, 'cc' | 'go'>,
  goMod: string,
): DriverPlan {
  const c = join(inputs.outDir, 'c-driver');
  const go = join(inputs.outDir, 'go-driver');
  const modfile = join(inputs.outDir, 'go-driver.mod');
  const cSources = ['driver.c', 'ops.c', 'session.c', 'json.c'].map((f) => join(C_DRIVER_DIR, f));
  return {
    modfile: {
      path: modfile,
      text: `${goMod.trimEnd()}\n\nreplace ${GO_SDK_MODULE} => ${inputs.goSdkDir}\n`,
    },
    steps: [
      {
        label: 'cc drivers/c',
        cmd: tools.cc,
        args: [
          '-std=c11',
          '-D_GNU_SOURCE',
          '-O2',
          '-Wall',
          '-s',
          '-I',
          inputs.includeDir,
          '-o',
          c,
          ...cSources,
          '-L',
          inputs.libDir,
          ...LINK,
        ],
        env: {},
      },
      {
        label: 'go build drivers/go',
        cmd: tools.go,
        args: [
          'build',
          '-modfile',
          modfile,
          '-trimpath',
          '-ldflags=-s -w -extldflags=-Wl,--gc-sections',
          '-o',
          go,
          '.',
        ],
        cwd: GO_DRIVER_DIR,
        env: {
          CGO_ENABLED: '1',
          CGO_CFLAGS: `-I${inputs.includeDir}`,
          CGO_LDFLAGS: `-L${inputs.libDir}`,
          GOCACHE: join(inputs.goCache, 'build'),
          GOMODCACHE: join(inputs.goCache, 'mod'),
          // Offline and with the toolchain at hand: the shim module has no dependencies.
          GOFLAGS: '-mod=mod',
          GOPROXY: 'off',
          GOTOOLCHAIN: 'local',
        },
      },
    ],
    outputs: { c, go },
  };
}
