import { createRuntime, runSdkExec } from '../drivers/node-sdk/driver.ts';
import { createRestDriver } from '../drivers/rest/driver.ts';
import { resolveStackHandle } from '../harness/stack/handle.ts';

const stack = await resolveStackHandle();
const rest = createRestDriver(stack, () => {});
const b = await rest.createBox({ image: stack.images.default, name: `scratch-${Date.now()}` });
const id = b.json!.box_id;
try {
  const rt = createRuntime(stack);
  const box = (await rt.get(id))!;
  for (const script of [
    'echo hi; exit 7',
    'sleep 0.5; echo hi; exit 7',
    'sleep 0.5; stty size',
    'echo a; sleep 1; echo b',
  ]) {
    for (const tty of [true, false]) {
      const t0 = Date.now();
      const r = await runSdkExec(box, { command: 'sh', args: ['-c', script], tty });
      console.log(
        tty,
        JSON.stringify(script),
        JSON.stringify(r.stdout),
        JSON.stringify(r.stderr),
        r.exitCode,
        r.error,
        Date.now() - t0,
      );
    }
  }
} finally {
  await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
}
process.exit(0);
