/**
 * `pnpm e2e:upstream [our flags] [pytest args…]`: our flags are taken by name wherever they
 * stand, everything else (and everything after `--`) goes to pytest untouched.
 */
import type { OptionTable } from '../../kernel/options.ts';

export function splitArgs(argv: readonly string[], table: OptionTable): { ours: string[]; pytest: string[] } {
  const flags = new Map<string, boolean>();
  for (const spec of Object.values(table)) if (spec.flag) flags.set(`--${spec.flag}`, spec.type === 'bool');
  const ours: string[] = [];
  const pytest: string[] = [];
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      pytest.push(...args.slice(i + 1));
      break;
    }
    const name = arg.split('=')[0] as string;
    const isBool = flags.get(name);
    if (isBool === undefined) pytest.push(arg);
    else if (isBool || arg.includes('=')) ours.push(arg);
    else {
      ours.push(arg, ...args.slice(i + 1, i + 2));
      i += 1;
    }
  }
  return { ours, pytest };
}
