import { describe, expect, it } from 'vitest';
import { adminServerOf } from './admin.ts';

describe('adminServerOf', () => {
  it('a simulated API is the sim (own stack or remote URL); serve is serve; anything else is the real API', () => {
    expect(adminServerOf({ simulated: true, kind: 'sim' })).toBe('sim');
    expect(adminServerOf({ simulated: true, kind: 'remote' })).toBe('sim');
    expect(adminServerOf({ simulated: false, kind: 'serve' })).toBe('serve');
    expect(adminServerOf({ simulated: false, kind: 'boxlite' })).toBe('boxlite-api');
    expect(adminServerOf({ simulated: false, kind: 'remote' })).toBe('boxlite-api');
  });
});
