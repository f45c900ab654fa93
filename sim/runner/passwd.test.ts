import { describe, expect, test } from 'vitest';
import { checkUserSpec, parseUserDb, userSpecNeedsDb } from './passwd.ts';

const db = parseUserDb(
  'root:x:0:0:root:/root:/bin/sh\n# comment\ntester:x:1000:1000::/home/tester:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n',
  'root:x:0:\nstaff:x:50:\n',
);

describe('user specs', () => {
  test('numeric ids need no database and are accepted without entries', () => {
    expect(userSpecNeedsDb('4242')).toBe(false);
    expect(userSpecNeedsDb('4242:99')).toBe(false);
    expect(checkUserSpec('4242:99', null)).toBeNull();
    expect(checkUserSpec('99999999999', null)).toMatch(/out of range/);
  });

  test('names must exist in passwd / group', () => {
    expect(userSpecNeedsDb('tester')).toBe(true);
    expect(checkUserSpec('tester', db)).toBeNull();
    expect(checkUserSpec('nobody', db)).toBeNull();
    expect(checkUserSpec('tester:staff', db)).toBeNull();
    expect(checkUserSpec('1000:staff', db)).toBeNull();
    expect(checkUserSpec('ghost', db)).toMatch(/unknown user "ghost"/);
    expect(checkUserSpec('tester:ghosts', db)).toMatch(/unknown group "ghosts"/);
    expect(checkUserSpec('ghost', parseUserDb(null, null))).toMatch(/unknown user/);
  });

  test('malformed specs are refused', () => {
    expect(checkUserSpec('a:b:c', db)).toMatch(/form/);
    expect(checkUserSpec(':0', db)).toMatch(/form/);
    expect(checkUserSpec('tester:', db)).toMatch(/form/);
  });
});
