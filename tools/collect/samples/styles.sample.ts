/**
 * Case files written in styles a source scanner would miss; collect.test.ts proves the
 * collector still sees every claim. Never run: the name does not match any project's include.
 */
import { describe, test } from 'vitest';
import { claims } from '../../../fixtures/claims.ts';
import { runContext } from '../../../harness/context.ts';

const claim = (...bugs: string[]) => ({ meta: { detects: bugs } });

describe('inherited', { meta: { detects: ['bug-a'] } }, () => {
  test('a test inside a claiming describe', () => {});
});

for (const bug of ['bug-b', 'bug-c']) {
  test(`built in a loop: ${bug}`, claim(bug), () => {});
}

test.for(['one', 'two'])('test.for row %s', claims({ ports: ['upstream_for'] }), () => {});

const held = { meta: { ports: ['upstream_held'], detects: ['bug-d'] } };
test('options held in a variable', held, () => {});

const extended = test.extend<{ n: number }>({ n: 1 });
extended('an extended test', { meta: { detects: ['bug-e'] } }, ({ n }) => {
  void n;
});

describe('pinned', claims({ pins: ['area.row-a'] }), () => {
  test('a test adding its own pin', claims({ pins: ['area.row-b'] }), () => {});
});

test('claims nothing', () => {});

const { boxes, execs } = runContext().tuning.p06Rounds;
test(`sized by the tuning: ${boxes} × ${execs}`, () => {});
