/** The real npm SDK (REST mode) pointed at a test sim. */
import { ApiKeyCredential, type Boxlite, BoxliteRestOptions, JsBoxlite } from '@boxlite-ai/boxlite';
import type { Sim } from './spawn.ts';

export const TEST_IMAGE = 'boxlite-e2e/busybox:1';

export function sdkRuntime(sim: Sim, opts: { key?: string; prefix?: string } = {}): Boxlite {
  return JsBoxlite.rest(
    new BoxliteRestOptions({
      url: sim.apiUrl,
      credential: new ApiKeyCredential(opts.key ?? sim.adminKey),
      pathPrefix: opts.prefix ?? 'default',
    }),
  );
}

interface Stream {
  next(): Promise<string | null>;
}

export async function drain(s: Stream): Promise<string> {
  let out = '';
  for (let c = await s.next(); c !== null; c = await s.next()) out += c;
  return out;
}

type Exec = Awaited<ReturnType<Awaited<ReturnType<Boxlite['create']>>['exec']>>;

/** Runs a command and collects stdout, stderr and the exit code. */
export async function run(
  ex: Exec,
): Promise<{ stdout: string; stderr: string; exitCode: number; errorMessage?: string }> {
  const [stdout, stderr] = await Promise.all([ex.stdout().then(drain), ex.stderr().then(drain)]);
  const r = await ex.wait();
  return {
    stdout,
    stderr,
    exitCode: r.exitCode,
    ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
  };
}
