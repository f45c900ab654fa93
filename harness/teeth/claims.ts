/** Which case files claim which ledger bugs, read statically from `detects([...])` calls. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export async function scanClaims(casesDir: string, root: string): Promise<Map<string, string[]>> {
  const byBug = new Map<string, string[]>();
  for (const entry of await readdir(casesDir, { recursive: true })) {
    if (!entry.endsWith('.test.ts')) continue;
    const path = join(casesDir, entry);
    const text = await readFile(path, 'utf8');
    for (const m of text.matchAll(/detects\(\s*\[([^\]]*)\]/g)) {
      for (const q of m[1]!.matchAll(/'([^']+)'/g)) {
        const files = byBug.get(q[1]!) ?? [];
        const rel = relative(root, path);
        if (!files.includes(rel)) files.push(rel);
        byBug.set(q[1]!, files);
      }
    }
  }
  return byBug;
}
