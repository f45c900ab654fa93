/**
 * `pnpm e2e:ledger [--record]` — measures the ledger's non-VM bugs on the real API of the
 * stack in the state dir (target boxlite, harness/ledger/measure.ts) and prints each status
 * with the API's answer; `--record` writes them to harness/ledger/real-status.json with the
 * BoxLite commit the stack was built from.
 */
import { runMain, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { resolveStackHandle, STACK_HANDLE_OPTIONS } from '../handle/handle.ts';
import { measureLedger } from './measure.ts';
import { RECORDED, writeRecord } from './real-status.ts';

export const LEDGER_OPTIONS = {
  ...STACK_HANDLE_OPTIONS,
  record: { flag: 'record', type: 'bool', doc: 'write the statuses to harness/ledger/real-status.json' },
} as const satisfies OptionTable;

if (import.meta.main) {
  await runMain('e2e:ledger', async () => {
    const { values } = resolveOptions(LEDGER_OPTIONS, process.argv.slice(2), process.env);
    const stack = await resolveStackHandle(values);
    const ref = stack.stack?.boxlite?.head;
    if (stack.kind !== 'boxlite' || !ref)
      throw new UsageError(
        `the stack in the state dir is target ${stack.kind}, not a real API built by target boxlite`,
      );
    const measured = await measureLedger(stack, `e2e-ledger-${process.pid}-`);
    const bugs: Record<string, { status: 'open' | 'fixed'; evidence: string }> = {};
    for (const [id, m] of Object.entries(measured)) {
      const was = RECORDED.bugs[id]?.status ?? 'unrecorded';
      if ('status' in m) bugs[id] = m;
      const now = 'status' in m ? m.status : `not measured (${m.unmeasurable})`;
      process.stdout.write(
        `${id}: ${now}${was !== now ? ` (recorded: ${was})` : ''} — ${'evidence' in m ? m.evidence : ''}\n`,
      );
    }
    if (values.record) {
      await writeRecord({ ref, measuredAt: new Date().toISOString(), bugs: { ...RECORDED.bugs, ...bugs } });
      process.stdout.write(`recorded at ${ref.slice(0, 12)} in harness/ledger/real-status.json\n`);
    }
  });
}
