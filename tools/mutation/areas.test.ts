import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { AREA_NAMES, AREAS, areaFiles, areaOf, LEFT_OUT } from './areas.ts';

/** The sim's sources: what the mutation check could mutate. */
function simSources(): string[] {
  return readdirSync(join(REPO_ROOT, 'sim'), { recursive: true, encoding: 'utf8' })
    .map((f) => `sim/${f}`)
    .filter((f) => f.endsWith('.ts') && !/\.(test|self-test)\.ts$/.test(f) && !f.includes('/testkit/'))
    .sort();
}

describe('mutation areas', () => {
  it('every sim source is in exactly one area or left out with a reason, and nothing else is named', () => {
    const named = [...AREA_NAMES.flatMap((a) => AREAS[a].files), ...Object.keys(LEFT_OUT)];
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual(simSources());
  });

  it('resolves an area, all of them, and refuses an unknown name with the list', () => {
    expect(areaFiles('api-relay')).toContain('sim/api/ws-proxy.ts');
    expect(areaFiles('all')).toHaveLength(AREA_NAMES.flatMap((a) => AREAS[a].files).length);
    expect(() => areaFiles('nope')).toThrow(/^unknown area nope; known: all, api-http,/);
    expect(areaOf('sim/runner/files.ts')).toBe('runner-storage');
    expect(areaOf('sim/bugs.ts')).toBeNull();
  });
});
