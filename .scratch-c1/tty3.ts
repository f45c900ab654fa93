import { createRuntime, drain } from '../drivers/node-sdk/driver.ts';
import { createRestDriver } from '../drivers/rest/driver.ts';
import { resolveStackHandle } from '../harness/stack/handle.ts';

const stack = await resolveStackHandle();
const rest = createRestDriver(stack, () => {});
const b = await rest.createBox({ image: stack.images.default, name: `scratch-${Date.now()}` });
const id = b.json!.box_id;
try {
  const rt = createRuntime(stack);
  const box = (await rt.get(id))!;
  for (const tty of [false, true])
    for (const delay of [0, 500]) {
      const ex = await box.exec('sh', ['-c', 'echo early; sleep 1; echo late'], null, tty);
      await new Promise((r) => setTimeout(r, delay));
      const [o, e, w] = await Promise.all([ex.stdout().then(drain), ex.stderr().then(drain), ex.wait()]);
      console.log({ tty, delay, o, e, w });
    }
  // eager stdout subscription for tty
  const ex = await box.exec('sh', ['-c', 'echo early; sleep 1; echo late'], null, true);
  const so = ex.stdout();
  const [o, w] = await Promise.all([so.then(drain), ex.wait()]);
  console.log('eager', { o, w });
} finally {
  await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
}
process.exit(0);
