/**
 * Port memory across teardown and setup: the ports a stack listens on are written to the port
 * book (kernel/ports.ts) after every setup and asked for again by the next one. When one was
 * taken meanwhile, setup says so in one line, naming what still points at the old address.
 */
import type { TargetKind } from '../kernel/config.ts';
import type { PortBook } from '../kernel/ports.ts';
import type { StackFile } from '../kernel/stack-file.ts';

/** The book's entries for a stack: services by name, the target's parts as `<target>.api`. */
export function portsOf(stack: StackFile): PortBook {
  const book: PortBook = {};
  for (const [name, record] of Object.entries(stack.services)) if (record) book[name] = record.endpoint.port;
  if (stack.target && stack.api) book[`${stack.target}.api`] = stack.api.endpoint.port;
  if (stack.target && stack.runner) book[`${stack.target}.runner`] = stack.runner.endpoint.port;
  return book;
}

/** What keeps naming a part's old address once it moved, as the user has to know it. */
function consequence(part: string, old: string, target: TargetKind | null): string {
  if (part === 'registry')
    return target === 'sim'
      ? `stored image references naming ${old} are rewritten by the sim API as it starts`
      : `image references the API stored naming ${old} are stale; \`pnpm e2e:teardown --wipe-data\` drops them`;
  if (part.endsWith('.api'))
    return `clients configured with the old API URL (a CLI profile) must log in again`;
  return 'nothing outside the stack file names it';
}

/** One line per part that no longer listens on its remembered port: taken, or pinned elsewhere. */
export function movedPortLines(
  before: PortBook,
  after: PortBook,
  target: TargetKind | null,
  pinned: ReadonlySet<string> = new Set(),
): string[] {
  return Object.entries(after).flatMap(([part, port]) => {
    const was = before[part];
    if (was === undefined || was === port) return [];
    const why = pinned.has(part)
      ? `moved to its pinned port ${port}`
      : `port ${was} was taken, so it now listens on ${port}`;
    return [`warning: ${part}: ${why}; ${consequence(part, `127.0.0.1:${was}`, target)}`];
  });
}
