/**
 * What the mutation check mutates, by area: every sim source file belongs to exactly one
 * area or is left out with a reason (areas.test.ts checks both ways). An area is the unit of a
 * run (`pnpm e2e:mutation --area X`) and of the schedule's shards.
 */

export const AREAS = {
  'api-http': {
    doc: 'the API front: routing, auth, tenancy, envelopes, config, identity, keys, admin',
    files: [
      'sim/api/server.ts',
      'sim/api/router.ts',
      'sim/api/auth.ts',
      'sim/api/http.ts',
      'sim/api/errors.ts',
      'sim/api/tenancy.ts',
      'sim/api/routes/root.ts',
      'sim/api/routes/api-keys.ts',
      'sim/api/routes/sim-admin.ts',
      'sim/api/routes/runners.ts',
      'sim/shared/envelope.ts',
    ],
  },
  'api-boxes': {
    doc: 'box create, list, get, start, stop, remove, the public preview check; Box JSON; the lifecycle and auto-stop sweeps',
    files: [
      'sim/api/routes/boxes.ts',
      'sim/api/routes/preview.ts',
      'sim/api/validate.ts',
      'sim/api/box-json.ts',
      'sim/api/store.ts',
      'sim/api/ids.ts',
      'sim/api/locks.ts',
      'sim/api/lifecycle.ts',
      'sim/api/auto-stop.ts',
    ],
  },
  'api-relay': {
    doc: "the API's hops to the runner: exec, files, metrics, attach proxy, tunnels",
    files: [
      'sim/api/routes/proxy.ts',
      'sim/api/runner-client.ts',
      'sim/api/ws-proxy.ts',
      'sim/api/routes/tunnels.ts',
      'sim/api/tunnel-proxy.ts',
    ],
  },
  'api-storage': {
    doc: 'images (catalog, registry, pull), snapshots, clone, export/import, volumes at the API',
    files: [
      'sim/api/registry.ts',
      'sim/api/image-catalog.ts',
      'sim/api/routes/images.ts',
      'sim/api/routes/snapshots.ts',
      'sim/api/routes/clone-export.ts',
      'sim/api/routes/volumes.ts',
    ],
  },
  'runner-exec': {
    doc: 'exec start, sessions, attach frames, main session, signals, timeouts',
    files: [
      'sim/runner/exec-session.ts',
      'sim/runner/exec-service.ts',
      'sim/runner/exec-spec.ts',
      'sim/runner/attach.ts',
      'sim/runner/main-session.ts',
      'sim/runner/demux.ts',
      'sim/runner/proc.ts',
      'sim/runner/passwd.ts',
    ],
  },
  'runner-boxes': {
    doc: "the runner's box lifecycle, container spec, records, metrics, HTTP routes",
    files: [
      'sim/runner/boxes.ts',
      'sim/runner/box-spec.ts',
      'sim/runner/box-records.ts',
      'sim/runner/box-images.ts',
      'sim/runner/image.ts',
      'sim/runner/docker.ts',
      'sim/runner/network.ts',
      'sim/runner/metrics.ts',
      'sim/runner/routes.ts',
      'sim/runner/server.ts',
      'sim/runner/http-util.ts',
      'sim/runner/errors.ts',
    ],
  },
  'runner-storage': {
    doc: 'files (tar in and out), snapshots, clone, export/import, volumes in the runner',
    files: [
      'sim/runner/files.ts',
      'sim/runner/tar-util.ts',
      'sim/runner/archive.ts',
      'sim/runner/snapshots.ts',
      'sim/runner/clone-export.ts',
      'sim/runner/volumes.ts',
    ],
  },
} as const satisfies Record<string, { doc: string; files: readonly string[] }>;

export type Area = keyof typeof AREAS;
export const AREA_NAMES = Object.keys(AREAS) as Area[];

/** Sim sources never mutated, and why: no case can tell their mutants apart from breakage of the harness. */
export const LEFT_OUT: Record<string, string> = {
  'sim/launch.ts': 'starts the sim from the harness side; a mutant there breaks setup, not the contract',
  'sim/bugs.ts': 'the bug switches: deliberately wrong code, proven by teeth',
  'sim/api/main.ts': 'process entry: flags, start-up and shutdown',
  'sim/runner/main.ts': 'process entry: flags, start-up and shutdown',
  'sim/api/config.ts': 'start-up configuration, read once before any request',
  'sim/runner/config.ts': 'start-up configuration, read once before any request',
  'sim/runner/cli-args.ts': 'start-up flags',
  'sim/api/db.ts': 'schema and migrations, run once at start-up (static: only a restart would switch them)',
  'sim/runner/preflight.ts': "the runner's start-up probe of its engine",
  'sim/runner/journal.ts':
    "the runner journal the path guard reads: a mutant there trips the guard, not a case's assertion",
  'sim/api/access-log.ts':
    "the API access log the path guard reads: a mutant there trips the guard, not a case's assertion",
  'sim/shared/mutant-switch.ts': "the mutation check's own switch",
};

/** The files of one area, or of all; unknown names are refused with the list. */
export function areaFiles(name: string): string[] {
  if (name === 'all') return AREA_NAMES.flatMap((a) => [...AREAS[a].files]);
  if (!(name in AREAS)) throw new Error(`unknown area ${name}; known: all, ${AREA_NAMES.join(', ')}`);
  return [...AREAS[name as Area].files];
}

/** The area a sim file belongs to, or null when it is left out. */
export function areaOf(file: string): Area | null {
  return AREA_NAMES.find((a) => (AREAS[a].files as readonly string[]).includes(file)) ?? null;
}
