/**
 * Where upstream's pytest suite lives in a BoxLite checkout. Two layouts exist: `apps/e2e`
 * (since boxlite-ai/boxlite#1127) and `scripts/test/e2e` before it; both keep the cases in
 * `cases/` next to `pytest.ini`, `lib/` and the SDK drivers in `sdks/`.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../kernel/errors.ts';

/** Suite directories relative to the checkout root, newest layout first. */
export const SUITE_LAYOUTS = ['apps/e2e', 'scripts/test/e2e'] as const;
export type SuiteLayout = (typeof SUITE_LAYOUTS)[number];

/** Where a user gets a checkout; the commit the harness's references were read at. */
export const UPSTREAM_REPO = 'https://github.com/boxlite-ai/boxlite';
export const REFERENCE_COMMIT = 'c5f4afd1';

export interface UpstreamSuite {
  checkout: string;
  layout: SuiteLayout;
  /** HEAD of the checkout (`+dirty` when its work tree differs), or null outside git. */
  commit: string | null;
}

export const NO_CHECKOUT_MESSAGE =
  'no BoxLite checkout given: pass --checkout PATH (or BOXLITE_E2E_CHECKOUT); ' +
  `get one with \`git clone ${UPSTREAM_REPO} && git -C boxlite checkout ${REFERENCE_COMMIT}\``;

/** The layout a checkout uses, or null when it holds no suite. */
export function suiteLayout(checkout: string): SuiteLayout | null {
  return SUITE_LAYOUTS.find((l) => existsSync(join(checkout, l, 'cases', 'conftest.py'))) ?? null;
}

async function headOf(checkout: string): Promise<string | null> {
  const head = await execa('git', ['-C', checkout, 'rev-parse', '--short=8', 'HEAD'], { reject: false });
  if (head.failed) return null;
  const dirty = await execa('git', ['-C', checkout, 'status', '--porcelain'], { reject: false });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? '+dirty' : ''}`;
}

export async function findSuite(checkout: string | undefined): Promise<UpstreamSuite> {
  if (!checkout) throw new UsageError(NO_CHECKOUT_MESSAGE);
  if (!existsSync(checkout) || !statSync(checkout).isDirectory())
    throw new UsageError(`--checkout ${checkout} is not a directory`);
  const layout = suiteLayout(checkout);
  if (!layout)
    throw new UsageError(
      `--checkout ${checkout} holds no upstream e2e suite (looked for ${SUITE_LAYOUTS.map((l) => `${l}/cases/conftest.py`).join(', ')})`,
    );
  return { checkout, layout, commit: await headOf(checkout) };
}
