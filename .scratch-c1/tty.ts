import { createRuntime, drain } from '../drivers/node-sdk/driver.ts';
import { createRestDriver } from '../drivers/rest/driver.ts';
import { resolveStackHandle } from '../harness/stack/handle.ts';

const stack = await resolveStackHandle();
const rest = createRestDriver(stack, () => {});
const b = await rest.createBox({ image: stack.images.default, name: `scratch-${Date.now()}` });
const id = b.json!.box_id;
try {
  for (const script of [
    'echo hi; exit 7',
    'sleep 0.3; echo hi; exit 7',
    '[ -t 0 ] && echo tty0; [ -t 1 ] && echo tty1; [ -t 2 ] && echo tty2; echo x',
  ]) {
    const r = await rest.exec(id, { command: 'sh', args: ['-c', script], tty: true });
    console.log(
      JSON.stringify(script),
      JSON.stringify(r.stdout),
      JSON.stringify(r.stderr),
      r.exitCode,
      r.attach?.frames.map((f) => f.kind),
    );
  }
  const rt = createRuntime(stack);
  const box = (await rt.get(id))!;
  const ex = await box.exec('sh', ['-c', 'echo ready; read go; stty size'], null, true);
  const out = await ex.stdout();
  const t = setTimeout(() => console.log('stuck waiting for first chunk'), 5000);
  console.log('first', JSON.stringify(await out.next()));
  clearTimeout(t);
  await ex.kill();
} finally {
  await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
}
process.exit(0);
