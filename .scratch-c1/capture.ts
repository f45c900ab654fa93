import http from 'node:http';
import { WebSocketServer } from 'ws';
import { createRuntime, drain } from '../drivers/node-sdk/driver.ts';

const mode = process.argv[2] ?? 'immediate';
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const boxJson = {
  box_id: 'abcdefabcdef',
  status: 'running',
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
  image: 'x',
  cpus: 1,
  memory_mib: 128,
};
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url?.endsWith('/boxes/abcdefabcdef'))
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(boxJson));
    if (req.method === 'POST' && req.url?.endsWith('/exec'))
      return res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ execution_id: 'e1' }));
    if (req.method === 'GET' && req.url?.includes('/executions/'))
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ execution_id: 'e1', status: 'completed', exit_code: 0 }));
    res.writeHead(404).end();
  });
});
server.on('upgrade', async (req, socket, head) => {
  await new Promise((r) => setTimeout(r, Number(process.argv[3] ?? 0)));
  wss.handleUpgrade(req, socket, head, (ws) => {
    const early = () => ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('early\n')]));
    if (mode === 'immediate') {
      ws.ping();
      early();
    } else if (mode === 'nop') {
      early();
    } else
      setTimeout(() => {
        ws.ping();
        early();
      }, Number(mode));
    setTimeout(() => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('late\n')]));
      ws.send(JSON.stringify({ type: 'exit', exit_code: 0 }));
      ws.close(1000);
    }, 300);
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as { port: number }).port;
const rt = createRuntime({ apiUrl: `http://127.0.0.1:${port}`, apiKey: 'k', pathPrefix: '' });
const box = (await rt.get('abcdefabcdef'))!;
const out: string[] = [];
for (const tty of [false, true])
  for (let i = 0; i < 4; i++) {
    const ex = await box.exec('x', null, null, tty);
    const [o] = await Promise.all([ex.stdout().then(drain), ex.stderr().then(drain), ex.wait()]);
    out.push(`${tty ? 'T' : 'F'}:${JSON.stringify(o)}`);
  }
console.log(mode, out.join(' '));
process.exit(0);
