/** The switches teeth proves: ledger bugs with a sim switch, and the guard faults. */
import { GUARD_FAULTS } from '../../harness/guard-faults.ts';
import { KNOWN_BUGS } from '../../harness/ledger/known-bugs.ts';
import { UsageError } from '../../kernel/errors.ts';

export interface Switched {
  id: string;
  simSwitch: string;
}

/** Every claimable with a sim switch: ledger bugs that have one, and the guard faults. */
export function switched(): Switched[] {
  return [
    ...KNOWN_BUGS.filter((b) => b.simSwitch !== null).map((b) => ({ id: b.id, simSwitch: b.simSwitch! })),
    ...GUARD_FAULTS.map((f) => ({ id: f.id, simSwitch: f.simSwitch })),
  ];
}

/** The switches `only` names, in ledger order; an unknown id is a usage error. */
export function selected(all: readonly Switched[], only: readonly string[]): Switched[] {
  const unknown = only.filter((id) => !all.some((b) => b.id === id));
  if (unknown.length)
    throw new UsageError(`--only: no switch ${unknown.join(', ')} (pnpm e2e:teeth --list names them)`);
  return only.length ? all.filter((b) => only.includes(b.id)) : [...all];
}
