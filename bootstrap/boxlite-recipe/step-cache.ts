/**
 * The recipe's build cache: per checkout and step, the input key the outputs were built from.
 * A step is skipped when its key is unchanged and every output still exists. Lives under the
 * state dir's cache/ (kept by every teardown mode), one JSON file, written atomically.
 */
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface CacheEntry {
  key: string;
  outputs: string[];
  builtAt: string;
  seconds: number;
}

export class StepCache {
  private readonly file: string;
  private readonly entries: Record<string, CacheEntry>;

  private constructor(file: string, entries: Record<string, CacheEntry>) {
    this.file = file;
    this.entries = entries;
  }

  static async open(cacheDir: string): Promise<StepCache> {
    const file = join(cacheDir, 'boxlite-stack', 'steps.json');
    const text = await readFile(file, 'utf8').catch(() => '{}');
    let entries: Record<string, CacheEntry> = {};
    try {
      entries = JSON.parse(text) as Record<string, CacheEntry>;
    } catch {
      // A corrupt cache only costs a rebuild.
    }
    return new StepCache(file, entries);
  }

  /** The entry when its key matches and its outputs are all still there. */
  async hit(slot: string, key: string): Promise<CacheEntry | null> {
    const e = this.entries[slot];
    if (!e || e.key !== key) return null;
    for (const out of e.outputs) {
      if (
        !(await access(out).then(
          () => true,
          () => false,
        ))
      )
        return null;
    }
    return e;
  }

  async put(slot: string, entry: CacheEntry): Promise<void> {
    this.entries[slot] = entry;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.entries, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}
