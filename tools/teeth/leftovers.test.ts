import { describe, expect, it } from 'vitest';
import { type Census, leftoversMessage, newSince } from './leftovers.ts';
import { selected, switched } from './switches.ts';

const census = (containers: Record<string, string>, listed: string[]): Census => ({
  containers: new Map(Object.entries(containers)),
  listed,
});

describe('teeth leftovers', () => {
  it('only what is new since the census is a leftover: the user’s own boxes stay theirs', () => {
    const start = census({ c0aaaaaaaaaaaaaa: 'userBox' }, ['userBox']);
    const after = census({ c0aaaaaaaaaaaaaa: 'userBox', c1bbbbbbbbbbbbbbbb: 'leaked1' }, [
      'userBox',
      'listedAfter',
    ]);
    expect(newSince(start, after)).toEqual({
      containers: ['box leaked1 (container c1bbbbbbbbbb)'],
      listed: ['listedAfter'],
    });
    expect(newSince(start, start)).toEqual({ containers: [], listed: [] });
  });

  it('nothing left is no message; something left names each place', () => {
    expect(leftoversMessage({ containers: [], listed: [] })).toBeNull();
    expect(leftoversMessage({ containers: ['box a (container 1)'], listed: ['b'] })).toBe(
      'teeth left boxes behind: the runner still holds 1: box a (container 1); the API still lists 1: b',
    );
  });
});

describe('teeth switches', () => {
  it('--only picks named switches; an unknown one is refused naming it', () => {
    const all = switched();
    expect(selected(all, [])).toEqual(all);
    expect(selected(all, ['remove-leaves-container']).map((s) => s.id)).toEqual(['remove-leaves-container']);
    expect(() => selected(all, ['no-such-switch'])).toThrow(/^--only: no switch no-such-switch /);
  });
});
