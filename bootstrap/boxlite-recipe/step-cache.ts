/**
 * The recipe's build cache: per checkout and step, the input key the outputs were built from,
 * kept as build-cache records under the state dir's cache/ (kept by every teardown mode). A
 * step is skipped when its key is unchanged and every output is still the file recorded.
 */
import { type CacheEntry as BuildEntry, findBuilt, recordBuilt } from '../build-cache/index.ts';
import { shortHash } from '../build-cache/inputs.ts';

export interface CacheEntry {
  key: string;
  outputs: string[];
  builtAt: string;
  seconds: number;
}

export class StepCache {
  private readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  static async open(cacheDir: string): Promise<StepCache> {
    return new StepCache(cacheDir);
  }

  /** One entry per slot (`<checkout>::<step>`), named by the step and a hash of the slot. */
  private entry(slot: string, key: string): BuildEntry {
    const step = (slot.split('::').at(-1) ?? slot).replace(/[^\w.-]/g, '-');
    return { root: this.root, area: 'boxlite-stack', key: `step-${step}-${shortHash(slot)}`, inputs: key };
  }

  /** The entry when its key matches and its outputs are all still the files recorded. */
  async hit(slot: string, key: string): Promise<CacheEntry | null> {
    const r = await findBuilt(this.entry(slot, key));
    if (!r) return null;
    const outputs = Object.values(r.outputs).map((o) => o.path);
    return { key, outputs, builtAt: r.builtAt, seconds: r.buildMs / 1000 };
  }

  async put(slot: string, entry: CacheEntry): Promise<void> {
    const outputs = Object.fromEntries(entry.outputs.map((o, i) => [`output-${i}`, o]));
    // An output the step did not leave is no cache entry: it only costs a rebuild.
    await recordBuilt(this.entry(slot, entry.key), { outputs }, entry.seconds * 1000).catch(() => undefined);
  }
}
