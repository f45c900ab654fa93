import net from 'node:net';
import { createRuntime, drain } from '../drivers/node-sdk/driver.ts';
import { createRestDriver } from '../drivers/rest/driver.ts';
import { resolveStackHandle } from '../harness/stack/handle.ts';

const stack = await resolveStackHandle();
const api = new URL(stack.apiUrl);
const logs: string[] = [];
const tap = net.createServer((c) => {
  const s = net.connect(Number(api.port), api.hostname);
  let first = true;
  let isWs = false;
  c.on('data', (d) => {
    if (
      (first && d.toString().includes('Upgrade: websocket')) ||
      d.toString().toLowerCase().includes('upgrade: websocket')
    )
      isWs = true;
    first = false;
    if (isWs) logs.push(`C>S ${d.length} ${JSON.stringify(d.toString('latin1').slice(0, 80))}`);
    s.write(d);
  });
  s.on('data', (d) => {
    if (isWs) logs.push(`S>C ${d.length} ${JSON.stringify(d.toString('latin1').slice(-60))}`);
    c.write(d);
  });
  c.on('close', () => s.destroy());
  s.on('close', () => c.destroy());
  c.on('error', () => {});
  s.on('error', () => {});
});
await new Promise<void>((r) => tap.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(tap.address() as net.AddressInfo).port}${api.pathname}`;
const rest = createRestDriver(stack, () => {});
const b = await rest.createBox({ image: stack.images.default, name: `scratch-${Date.now()}` });
const id = b.json!.box_id;
try {
  const rt = createRuntime({ ...stack, apiUrl: url });
  const box = (await rt.get(id))!;
  for (let i = 0; i < 3; i++) {
    logs.length = 0;
    const ex = await box.exec('sh', ['-c', 'echo early; sleep 0.3; echo late'], null, true);
    const [o] = await Promise.all([ex.stdout().then(drain), ex.stderr().then(drain), ex.wait()]);
    console.log(JSON.stringify(o));
    console.log(logs.join('\n'));
  }
} finally {
  await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
}
process.exit(0);
