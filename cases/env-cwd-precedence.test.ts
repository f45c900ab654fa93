/**
 * Environment and working directory set at box level (create) and at exec level, and which wins.
 * The contract, from 0.11 litebox `box_impl.rs` `exec`: an exec's own working_dir wins, else
 * the box's `working_dir`, else the image's; exec env is laid over the box env key by key (a
 * key the exec does not name keeps the box's value), and exec env never changes the box — the
 * next exec sees the box env again. Both clients, tty and not: the npm SDK sets the box side
 * through `rt.create({ env, workingDir })`, the REST driver through the create body; the exec
 * side through each client's exec.
 */
import { type ExecClient, runLive } from '../drivers/live-exec.ts';
import type { SdkBox } from '../drivers/node-sdk/driver.ts';
import { type CaseContext, claims, describe, expect, test } from '../fixtures/index.ts';

const BOX_ENV = { SHARED: 'from-box', BOX_ONLY: 'box value with spaces', UNICODE: 'ünï ☃' };
const BOX_DIR = '/srv/box dir';

/** A box created with env + working dir by `client`, returned as the SDK handle both clients use. */
type Ctx = Pick<CaseContext, 'rt' | 'rest' | 'stack' | 'boxName'>;

async function boxWithEnv(client: ExecClient, ctx: Ctx): Promise<SdkBox> {
  const { rt, rest, boxName } = ctx;
  const image = ctx.stack.images.busybox;
  const name = boxName();
  if (client === 'sdk') {
    return rt.create(
      { image, env: Object.entries(BOX_ENV).map(([key, value]) => ({ key, value })), workingDir: BOX_DIR },
      name,
    );
  }
  const res = await rest.createBox({ image, name, env: BOX_ENV, working_dir: BOX_DIR });
  expect(res.status, res.text).toBe(201);
  const box = await rt.get(res.json!.box_id);
  expect(box).not.toBeNull();
  return box as SdkBox;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, expanded by the guest's sh.
const PRINT = 'echo "$SHARED|$BOX_ONLY|$UNICODE|${EXEC_ONLY-unset}|$(pwd)"';

describe.concurrent.each([
  { client: 'rest' as ExecClient, tty: false },
  { client: 'rest' as ExecClient, tty: true },
  { client: 'sdk' as ExecClient, tty: false },
  { client: 'sdk' as ExecClient, tty: true },
])('box vs exec env and working dir via $client, tty=$tty', claims({ needs: 'vm' }), ({ client, tty }) => {
  const nl = tty ? '\r\n' : '\n';

  test(
    'box level alone: the box env and working dir apply to every exec',
    claims({ pins: ['box.create.env', 'box.create.working-dir'] }),
    async ({ rt, rest, stack, boxName }) => {
      const ctx: Ctx = { rt, rest, stack, boxName };
      const box = await boxWithEnv(client, ctx);
      const r = await runLive(client, { rest: ctx.rest, box }, { command: 'sh', args: ['-c', PRINT], tty });
      expect(r).toMatchObject({
        stdout: `from-box|box value with spaces|ünï ☃|unset|${BOX_DIR}${nl}`,
        exitCode: 0,
      });
    },
  );

  test(
    'exec level wins key by key and for the dir; the box keeps its own for the next exec',
    claims({ pins: ['exec.start.env-over-box', 'exec.start.working-dir'] }),
    async ({ rt, rest, stack, boxName }) => {
      const ctx: Ctx = { rt, rest, stack, boxName };
      const box = await boxWithEnv(client, ctx);
      const over = await runLive(
        client,
        { rest: ctx.rest, box },
        {
          command: 'sh',
          args: ['-c', PRINT],
          env: { SHARED: 'from-exec', EXEC_ONLY: '' },
          workingDir: '/tmp',
          tty,
        },
      );
      // EXEC_ONLY is set to the empty string, which is not the same as unset.
      expect(over).toMatchObject({ stdout: `from-exec|box value with spaces|ünï ☃||/tmp${nl}`, exitCode: 0 });
      const after = await runLive(
        client,
        { rest: ctx.rest, box },
        { command: 'sh', args: ['-c', PRINT], tty },
      );
      expect(after).toMatchObject({
        stdout: `from-box|box value with spaces|ünï ☃|unset|${BOX_DIR}${nl}`,
        exitCode: 0,
      });
    },
  );
});

describe.concurrent('box env and working dir: edges', claims({ needs: 'vm' }), () => {
  test(
    'a box working dir the image lacks is created; an exec dir that is missing is an error',
    claims({ pins: ['box.create.working-dir', 'exec.start.working-dir-missing'] }),
    async ({ rt, rest, stack, boxName }) => {
      const ctx: Ctx = { rt, rest, stack, boxName };
      const box = await boxWithEnv('rest', ctx);
      const ls = await runLive(
        'rest',
        { rest: ctx.rest, box },
        { command: 'sh', args: ['-c', 'test -d . && pwd'] },
      );
      expect(ls).toMatchObject({ stdout: `${BOX_DIR}\n`, exitCode: 0 });
      const res = await ctx.rest.startExec(box.id, { command: 'pwd', workingDir: '/no/such/exec/dir' });
      expect(res.status, res.text).toBe(422);
      expect(res.envelope?.code).toBe('execution_failed');
    },
  );

  test(
    'box env survives stop and start',
    claims({ pins: ['lifecycle.env.persists'] }),
    async ({ rt, rest, stack, boxName }) => {
      const ctx: Ctx = { rt, rest, stack, boxName };
      const box = await boxWithEnv('sdk', ctx);
      await box.stop();
      await box.start();
      const r = await runLive('sdk', { rest: ctx.rest, box }, { command: 'sh', args: ['-c', PRINT] });
      expect(r).toMatchObject({
        stdout: `from-box|box value with spaces|ünï ☃|unset|${BOX_DIR}\n`,
        exitCode: 0,
      });
    },
  );
});
