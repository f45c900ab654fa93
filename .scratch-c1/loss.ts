import { attach } from '../drivers/rest/attach.ts';
import { createRestDriver } from '../drivers/rest/driver.ts';
import { resolveStackHandle } from '../harness/stack/handle.ts';

const stack = await resolveStackHandle();
const rest = createRestDriver(stack, () => {});
const b = await rest.createBox({ image: stack.images.default, name: `scratch-${Date.now()}` });
const id = b.json!.box_id;
const runner = stack.runner!;
try {
  for (const via of ['api', 'runner']) {
    const res: string[] = [];
    for (let i = 0; i < 8; i++) {
      const st = await rest.startExec(id, {
        command: 'sh',
        args: ['-c', 'echo early; sleep 0.3; echo late'],
        tty: true,
      });
      const eid = st.json!.execution_id;
      const url =
        via === 'api'
          ? undefined
          : `${runner.url.replace(/^http/, 'ws')}/v1/boxes/${id}/executions/${eid}/attach`;
      const s = await attach(rest.target, id, eid, { url, auth: via === 'api' ? undefined : runner.token });
      const r = await s.done;
      res.push(`${JSON.stringify(r.stdout)}/${r.frames.map((f) => f.kind[0]).join('')}`);
    }
    console.log(via, res.join(' '));
  }
} finally {
  await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
}
process.exit(0);
