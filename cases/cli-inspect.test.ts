/**
 * What the `boxlite` CLI 0.11 reports about the stack and its boxes: the logged-in identity,
 * `ls`, `inspect` (the 0.11 Box JSON fields as the CLI renders them), `stats` and `logs`.
 * Machine-readable forms are parsed (`--format json`, inspect's JSON); the one table read is
 * upstream's own contract that `ls` prints one.
 */
import { claims, describe, expect, test } from '../fixtures/index.ts';

describe('cli: identity, ls, inspect, stats, logs', () => {
  test(
    'auth whoami names the logged-in key, its path prefix and the server',
    claims({ pins: ['identity.me.prefix', 'routing.root.me'], ports: ['test_cli_whoami_against_local_api'] }),
    async ({ cli, stack }) => {
      const me = await cli.invoke(['auth', 'whoami']);
      expect(me.exitCode, me.stderr).toBe(0);
      expect(me.stdout).not.toMatch(/not logged in/i);
      // A server with no prefix (`boxlite serve`: `prefix: null`) gets no prefix line at all.
      if (stack.pathPrefix)
        expect(me.stdout).toMatch(new RegExp(`^Path prefix:\\s+${stack.pathPrefix}$`, 'm'));
      else expect(me.stdout).not.toMatch(/^Path prefix:\s+\S/m);
      expect(me.stdout).toMatch(new RegExp(`^Server:\\s+${stack.apiUrl.replaceAll('.', '\\.')}$`, 'm'));
    },
  );

  test(
    'ls prints a table with ID and IMAGE columns, even when no box is running',
    claims({ pins: ['box.list.route'], ports: ['test_cli_ls_returns_table'] }),
    async ({ cli }) => {
      const ls = await cli.invoke(['ls']);
      expect(ls.exitCode, ls.stderr).toBe(0);
      const header = ls.stdout.split('\n').find((l) => l.includes('ID'));
      expect(header).toMatch(/\bID\b.*\bIMAGE\b.*\bSTATUS\b.*\bCREATED\b.*\bNAMES\b/);
    },
  );

  test(
    'ls lists running boxes; ls -a adds the stopped ones',
    claims({ pins: ['box.list.route'], needs: 'vm' }),
    async ({ cli, stack, boxName }) => {
      const [up, down] = [boxName(), boxName()];
      const upId = await cli.detachedBox(stack.images.busybox, up);
      const downId = await cli.detachedBox(stack.images.busybox, down);
      expect((await cli.invoke(['stop', downId])).exitCode).toBe(0);
      const running = await cli.invoke(['ls', '--format', 'json']);
      const names = (JSON.parse(running.stdout) as { Names: string }[]).map((r) => r.Names);
      expect(names).toContain(up);
      expect(names).not.toContain(down);
      const all = (await cli.list()).rows.filter((r) => r.ID === upId || r.ID === downId);
      expect(all.map((r) => [r.Names, r.Status]).sort()).toEqual(
        [
          [up, 'Running'],
          [down, 'Stopped'],
        ].sort(),
      );
      expect(all.every((r) => r.Image === stack.images.busybox)).toBe(true);
    },
  );

  test(
    'inspect reports identity, state, pid, resources and the network policy of a box',
    claims({ pins: ['box.json.pid', 'box.json.network', 'box.json.cpus', 'box.json.memory'], needs: 'vm' }),
    async ({ cli, stack, boxName }) => {
      const name = boxName();
      const id = await cli.createdBox(stack.images.busybox, name);
      // A box whose init is a command waits for start (0.11), then runs it.
      const [configured] = (await cli.inspect(name)).rows;
      expect(configured).toMatchObject({ Id: id, Status: 'configured', State: { Running: false, Pid: 0 } });
      expect((await cli.invoke(['start', name])).exitCode).toBe(0);
      const { result: shown, rows } = await cli.inspect(id);
      expect(shown.exitCode, shown.stderr).toBe(0);
      expect(rows).toHaveLength(1);
      const [box] = rows;
      expect(box).toMatchObject({
        Id: id,
        Name: name,
        Image: stack.images.busybox,
        Status: 'running',
        State: { Status: 'running', Running: true, ExitCode: 0 },
        Cpus: 1,
        Memory: 512 * 1024 * 1024,
        Network: { Outbound: { Mode: 'enabled', AllowNet: [] }, Inbound: { Mode: 'disabled', AllowNet: [] } },
      });
      expect(box?.State.Pid).toBeGreaterThan(0);
      expect(Date.parse(box?.Created ?? '')).not.toBeNaN();
    },
  );

  test(
    'stats reports the box metrics: commands run and failed',
    claims({ pins: ['metrics.box.commands', 'metrics.box.exec-errors'], needs: 'vm' }),
    async ({ cli, stack, boxName }) => {
      const id = await cli.detachedBox(stack.images.busybox, boxName());
      await cli.exec(id, { command: 'true' });
      await cli.exec(id, { command: 'false' });
      await cli.exec(id, { command: 'no-such-binary-e2e' });
      const { result, metrics } = await cli.stats(id);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(Object.keys(metrics)).toEqual([
        'CPU',
        'Memory',
        'Commands',
        'Errors',
        'Boot Time',
        'Net Sent',
        'Net Recv',
        'TCP Connections',
        'TCP Errors',
      ]);
      // `false` ran (exit 1 is not an exec error); the missing binary never started.
      expect(metrics).toMatchObject({ Commands: '2', Errors: '1' });
    },
  );

  test(
    "logs shows what the box's main command printed",
    claims({ pins: ['main.logs'], needs: ['vm'], detects: ['cli-logs-ignores-rest'] }),
    async ({ cli, stack, boxName }) => {
      const name = boxName();
      await cli.detachedBox(stack.images.busybox, name, ['sh', '-c', 'echo from-init; sleep 600']);
      const logs = await cli.invoke(['logs', name]);
      expect(logs.error).toBeNull();
      expect(logs.stdout).toContain('from-init');
    },
  );
});
