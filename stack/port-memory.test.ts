import { describe, expect, it } from 'vitest';
import { emptyStack } from '../kernel/stack-file.ts';
import { movedPortLines, portsOf } from './port-memory.ts';

const endpoint = (port: number) => ({ host: '127.0.0.1', port });

describe('port memory', () => {
  it('books services by name and the target parts as <target>.api / .runner', () => {
    const stack = emptyStack('host', 'sim', '/s', '/s/secrets.env');
    stack.services.registry = { endpoint: endpoint(5000) } as never;
    stack.api = { endpoint: endpoint(3000) } as never;
    stack.runner = { endpoint: endpoint(8080) } as never;
    expect(portsOf(stack)).toEqual({ registry: 5000, 'sim.api': 3000, 'sim.runner': 8080 });
  });

  it('a part on its remembered port, or new, says nothing', () => {
    expect(movedPortLines({ redis: 1 }, { redis: 1, postgres: 2 }, 'sim')).toEqual([]);
  });

  it('a moved registry is one line naming the old address and what happens to stored references', () => {
    const [sim] = movedPortLines({ registry: 33045 }, { registry: 39859 }, 'sim');
    expect(sim).toBe(
      'warning: registry: port 33045 was taken, so it now listens on 39859; stored image references naming 127.0.0.1:33045 are rewritten by the sim API as it starts',
    );
    const [serve] = movedPortLines({ registry: 33045 }, { registry: 39859 }, 'serve');
    expect(serve).toMatch(
      /^warning: registry: .*references the API stored naming 127\.0\.0\.1:33045 are stale/,
    );
  });

  it('a pinned port elsewhere is named as pinned, not taken', () => {
    expect(movedPortLines({ redis: 1 }, { redis: 2 }, 'sim', new Set(['redis']))).toEqual([
      'warning: redis: moved to its pinned port 2; nothing outside the stack file names it',
    ]);
  });
});
