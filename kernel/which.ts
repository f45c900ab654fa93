/**
 * Finding a program on the search path the entry point resolved (config `searchPath`, from
 * PATH), so stages that look for dockerd or the apt tools never read the environment.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Full path of the first executable `bin` in `searchPath` then `extraDirs`, or null. */
export async function findExecutable(
  bin: string,
  searchPath: string,
  extraDirs: readonly string[] = [],
): Promise<string | null> {
  for (const dir of [...searchPath.split(delimiter), ...extraDirs].filter(Boolean)) {
    try {
      await access(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {
      // not here; keep looking
    }
  }
  return null;
}
