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
  const variants: Record<string, (ex: any) => Promise<string>> = {
    'out+err+wait': async (ex) =>
      (await Promise.all([ex.stdout().then(drain), ex.stderr().then(drain), ex.wait()]))[0],
    'out+wait': async (ex) => (await Promise.all([ex.stdout().then(drain), ex.wait()]))[0],
    'err-then-out': async (ex) => {
      const e = await ex.stderr();
      const o = await ex.stdout();
      return (await Promise.all([drain(o), drain(e), ex.wait()]))[0];
    },
    'out-then-err': async (ex) => {
      const o = await ex.stdout();
      const e = await ex.stderr();
      return (await Promise.all([drain(o), drain(e), ex.wait()]))[0];
    },
    'wait-first': async (ex) => {
      const w = ex.wait();
      const o = await ex.stdout();
      return (await Promise.all([drain(o), w]))[0];
    },
  };
  for (const [name, fn] of Object.entries(variants)) {
    const res: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ex = await box.exec('sh', ['-c', 'echo early; sleep 0.3; echo late'], null, true);
      res.push(JSON.stringify(await fn(ex)));
    }
    console.log(name, res.join(' '));
  }
} finally {
  await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
}
process.exit(0);
