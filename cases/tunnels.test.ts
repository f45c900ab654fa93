/**
 * Box tunnels (protocol §5.5; upstream test_node_tunnel, test_sdk_tunnel): a service
 * listening inside the box is reached through `box.network.tunnel(port)` — the server
 * prepares the tunnel (`POST …/network/tunnel?port=N` → `{uri}`) and the SDK connects
 * through it. Upstream's Python-SDK cases assert the same server contract; here the Node
 * SDK drives it. Needs `tunnels`, measured by the preflight (the sim answers `unsupported`).
 *
 * Preparing a tunnel only mints its URI; every connection through it is resolved again — the
 * cloud proxy looks the box and its runner up per CONNECT and the runner dials that box's guest
 * port (apps/proxy/pkg/proxy/tunnel.go, apps/runner/pkg/api/controllers/network_tunnel.go), and
 * the client's forwarder opens a new CONNECT per local connection (boxlite
 * src/litebox/network.rs). So a prepared tunnel follows its box through stop, start and remove.
 */
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type SdkBox, runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { type CaseContext, claims, describe, expect, test, waitFor } from '../fixtures/index.ts';

const PORT = 18080;

/** Serves `marker` at /marker.txt on `port` (busybox httpd, else python3), in the background. */
async function startService(box: SdkBox, port: number, marker: string): Promise<void> {
  const dir = `/tmp/www-${port}`;
  const r = await sh(
    box,
    `mkdir -p ${dir} && printf %s '${marker}' > ${dir}/marker.txt && cd ${dir} && ` +
      `if command -v busybox >/dev/null; then busybox httpd -p ${port} -h ${dir}; ` +
      `else (python3 -m http.server ${port} > /tmp/svc-${port}.log 2>&1 &); fi; echo started`,
  );
  expect(r.stdout, r.stderr).toContain('started');
}

/**
 * A guest service that answers only once the client has half-closed: it reads the request to
 * EOF, then writes `marker` (busybox nc, one process per connection). A relay that tears the
 * connection down on the client's FIN loses the answer every time, not only when it is slow.
 */
async function startEofService(box: SdkBox, port: number, marker: string): Promise<void> {
  const script = `/tmp/eof-reply-${port}.sh`;
  const r = await sh(
    box,
    `printf '#!/bin/sh\\ncat >/dev/null\\nprintf %s\\n' '${marker}' > ${script} && chmod +x ${script} && ` +
      `(busybox nc -ll -p ${port} -e ${script} >/dev/null 2>&1 &) && ` +
      // Listening once a connection from inside the box gets the answer.
      `for i in $(seq 100); do busybox nc -w 1 127.0.0.1 ${port} </dev/null >/dev/null 2>&1 && echo listening && exit 0; sleep 0.1; done; exit 1`,
  );
  expect(r.stdout, r.stderr).toContain('listening');
}

type Conn = Awaited<ReturnType<Awaited<ReturnType<SdkBox['network']['tunnel']>>['connect']>>;

async function readAll(conn: Conn, until?: string): Promise<string> {
  let out = '';
  for (;;) {
    const chunk = await conn.read(64 * 1024);
    if (chunk.length === 0) return out;
    out += chunk.toString('latin1');
    if (until && out.includes(until)) return out;
  }
}

async function get(box: SdkBox, port: number, marker: string, halfClose = false): Promise<string> {
  const conn = await (await box.network.tunnel(port)).connect();
  try {
    await conn.write(
      Buffer.from('GET /marker.txt HTTP/1.0\r\nHost: tunnel.test\r\nConnection: close\r\n\r\n'),
    );
    if (halfClose) await conn.shutdownWrite();
    return await readAll(conn, halfClose ? undefined : marker);
  } finally {
    await conn.close();
  }
}

/** The service may take a moment to listen: retry the request until it answers. */
async function reach(box: SdkBox, port: number, marker: string): Promise<string> {
  let last = '';
  await waitFor(
    `the guest service on ${port} through a tunnel`,
    async () => {
      last = await get(box, port, marker).catch((e: Error) => e.message);
      return last.includes(marker);
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  return last;
}

/** Where `getThrough` connects: a local forwarder, or a tunnel URI spoken to with CONNECT. */
interface Through {
  host: string;
  port: number;
  /** CONNECT to this authority first, with `key` (the 0.11 client's X-BoxLite-Authorization). */
  connect?: string;
  key?: string;
  tls?: boolean;
}

/**
 * GET /marker.txt over a fresh connection (after a CONNECT when asked): everything that came
 * back, the CONNECT's status line included; a refused or reset connection reads empty.
 */
function getThrough(t: Through): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const request = 'GET /marker.txt HTTP/1.0\r\nHost: tunnel.test\r\n\r\n';
    const open = () => {
      if (!t.connect) {
        sock.write(request);
        return;
      }
      sock.write(
        `CONNECT ${t.connect} HTTP/1.1\r\nHost: ${t.connect}\r\nX-BoxLite-Authorization: Bearer ${t.key}\r\n\r\n`,
      );
      sock.once('data', (head: Buffer) => {
        if (/^HTTP\/1\.[01] 200/.test(head.toString('latin1'))) sock.write(request);
      });
    };
    const sock = t.tls
      ? tlsConnect({ host: t.host, port: t.port, servername: t.host }, open)
      : connect({ host: t.host, port: t.port }, open);
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    sock.on('close', () => resolve(out));
    sock.on('error', () => {});
  });
}

/** The guest's own address, for the note on whether a new box took the one a stopped box freed. */
async function guestAddress(box: SdkBox): Promise<string> {
  return (await sh(box, 'hostname -i')).stdout.trim();
}

type Opener = (a: SdkBox) => Promise<{ get(): Promise<string>; close(): Promise<void> }>;

/**
 * Box A serves A-marker through a tunnel opened once; then A stops and B (which may take A's
 * freed address) serves B-marker on the same port, A starts again, A is removed and C serves:
 * the tunnel reaches A while it runs and nothing else, ever.
 */
async function followsItsBox(
  { rt, image, boxName, annotate }: Pick<CaseContext, 'rt' | 'image' | 'boxName' | 'annotate'>,
  open: Opener,
): Promise<void> {
  const serving = async (marker: string) => {
    const box = await rt.create({ image }, boxName());
    await startService(box, PORT, marker);
    await reach(box, PORT, marker);
    return box;
  };
  const a = await serving('A-marker');
  const tunnel = await open(a);
  try {
    expect(await tunnel.get()).toContain('A-marker');
    const freed = await guestAddress(a);
    await a.stop();
    const taken = (await guestAddress(await serving('B-marker'))) === freed;
    const afterStop = await tunnel.get();
    expect(afterStop, 'a stopped box serves nothing').not.toMatch(/[AB]-marker/);
    expect(afterStop, 'a refusal, if anything').not.toMatch(/^HTTP\/1\.[01] [23]/);
    await a.start();
    await startService(a, PORT, 'A-marker');
    await waitFor('the restarted box through the same tunnel', async () =>
      (await tunnel.get()).includes('A-marker'),
    );
    await rt.remove(a.id, true);
    await serving('C-marker');
    const afterRemove = await tunnel.get();
    expect(afterRemove, 'a removed box serves nothing').not.toMatch(/[ABC]-marker/);
    expect(afterRemove, 'a refusal, if anything').not.toMatch(/^HTTP\/1\.[01] [23]/);
    await annotate(
      taken
        ? `box B took the address ${freed} box A freed: a tunnel that kept A's first answer would have reached B`
        : `box B did not take A's freed address ${freed}; the re-check held, but a cached address was not exercised`,
    );
  } finally {
    await tunnel.close();
  }
}

describe.concurrent('tunnels', claims({ needs: ['vm', 'tunnels'] }), () => {
  // busybox: httpd in the smallest image.
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'HTTP to a guest service goes through a tunnel, several at once',
    claims({
      pins: ['tunnels.route', 'tunnels.connect', 'tunnels.concurrent'],
      ports: [
        'test_node_sdk_tunnel_proxies_http_from_rest_box',
        'test_python_sdk_tunnel_proxies_http_from_rest_box',
      ],
    }),
    async ({ box }) => {
      await startService(box, PORT, 'node-sdk-tunnel-e2e-a');
      await startService(box, PORT + 2, 'node-sdk-tunnel-e2e-b');
      expect(await reach(box, PORT, 'node-sdk-tunnel-e2e-a')).toMatch(/^HTTP\/1\.[01] 200/);
      const answers = await Promise.all(
        [PORT, PORT, PORT + 2, PORT + 2].map((p) =>
          get(box, p, p === PORT ? 'node-sdk-tunnel-e2e-a' : 'node-sdk-tunnel-e2e-b'),
        ),
      );
      expect(answers.slice(0, 2).every((a) => a.includes('-a') && !a.includes('-e2e-b'))).toBe(true);
      expect(answers.slice(2).every((a) => a.includes('-b') && !a.includes('-e2e-a'))).toBe(true);
    },
  );

  test(
    'a half-closed request still gets its whole response',
    claims({
      pins: ['tunnels.half-close'],
      ports: [
        'test_node_sdk_tunnel_preserves_tcp_half_close',
        'test_python_sdk_tunnel_preserves_tcp_half_close',
      ],
      detects: ['tunnel-half-close-drops-response'],
    }),
    async ({ box }) => {
      await startEofService(box, PORT + 1, 'half-close-marker');
      expect(await get(box, PORT + 1, 'half-close-marker', true)).toContain('half-close-marker');
    },
  );

  test(
    'a stopped box serves no tunnel',
    claims({
      pins: ['tunnels.stopped'],
      ports: ['test_node_sdk_tunnel_rejects_stopped_box', 'test_python_sdk_tunnel_rejects_stopped_box'],
      detects: ['tunnel-stopped-box-reachable'],
    }),
    async ({ box }) => {
      await startService(box, PORT, 'stopped-marker');
      await reach(box, PORT, 'stopped-marker');
      await box.stop();
      const after = await get(box, PORT, 'stopped-marker').catch((e: Error) => `refused: ${e.message}`);
      expect(after).not.toContain('stopped-marker');
    },
  );

  test(
    "two boxes' tunnels on the same port reach their own service",
    claims({ pins: ['tunnels.per-box'], ports: ['test_python_sdk_tunnel_keeps_boxes_isolated'] }),
    async ({ boxFactory }) => {
      const [a, b] = await boxFactory.make(2);
      if (!a || !b) throw new Error('boxFactory made fewer than two boxes');
      await Promise.all([startService(a, PORT, 'box-a-marker'), startService(b, PORT, 'box-b-marker')]);
      const [ra, rb] = await Promise.all([reach(a, PORT, 'box-a-marker'), reach(b, PORT, 'box-b-marker')]);
      expect(ra).not.toContain('box-b-marker');
      expect(rb).not.toContain('box-a-marker');
    },
  );

  test(
    "a box's main command serving HTTP is reachable again after stop / start",
    claims({ pins: ['lifecycle.main-serves-again'], ports: ['test_stop_start_restarts_main_service'] }),
    async ({ rt, image, boxName }) => {
      const port = 18083;
      const serve = `mkdir -p /srv && printf main-service > /srv/marker.txt && exec busybox httpd -f -p ${port} -h /srv`;
      const box = await rt.create({ image, cmd: ['sh', '-c', serve] }, boxName());
      await box.start();
      expect(await reach(box, port, 'main-service')).toMatch(/^HTTP\/1\.[01] 200/);
      await box.stop();
      const again = await rt.get(box.id);
      if (!again) throw new Error(`rt.get(${box.id}) returned null after stop`);
      await again.start();
      expect(await reach(again, port, 'main-service')).toContain('main-service');
    },
  );
});

// One at a time: a box made right after another stops most often takes its freed address,
// which is what shows a tunnel that kept its first answer.
describe(
  'tunnels: a tunnel follows its box',
  claims({ needs: ['vm', 'tunnels'], detects: ['tunnel-stopped-box-reachable'] }),
  () => {
    test.override('image', ({ stack }) => stack.images.busybox);

    test('the SDK forwarder follows its box: refused after stop, serving after start, refused after remove, never another box', async ({
      rt,
      image,
      boxName,
      annotate,
    }) => {
      // The 0.10 SDK prepares the tunnel again for each local connection it forwards.
      await followsItsBox({ rt, image, boxName, annotate }, async (a) => {
        const fwd = await (await a.network.tunnel(PORT)).forward({ type: 'tcp', host: '127.0.0.1', port: 0 });
        const addr = fwd.localAddr();
        if (addr.type !== 'tcp') throw new Error(`forwarder listens on ${JSON.stringify(addr)}, not TCP`);
        return {
          get: () => getThrough({ host: addr.host ?? '127.0.0.1', port: addr.port }),
          close: () => fwd.close(),
        };
      });
    });

    test(
      'a tunnel prepared once checks its box again on every CONNECT: refused after stop, serving after start, refused after remove',
      claims({ pins: ['tunnels.recheck'] }),
      async ({ rt, rest, image, boxName, annotate }) => {
        await followsItsBox({ rt, image, boxName, annotate }, async (a) => {
          const prep = await rest.tenant<{ uri: string }>('POST', `/boxes/${a.id}/network/tunnel`, {
            query: { port: String(PORT) },
          });
          expect(prep.status, prep.text).toBe(200);
          const uri = new URL(prep.json!.uri);
          const through: Through = {
            host: uri.hostname,
            port: Number(uri.port || (uri.protocol === 'https:' ? 443 : 80)),
            connect: uri.host,
            key: rest.target.apiKey,
            tls: uri.protocol === 'https:',
          };
          return { get: () => getThrough(through), close: async () => {} };
        });
      },
    );
  },
);
