import { describe, expect, test } from 'vitest';
import { containerPlan, KEEPALIVE_ENTRYPOINT, parseBoxSpec, qualifyImage } from './box-spec.ts';
import { ApiError } from './errors.ts';
import { parseExecSpec, parseResize, parseSignal } from './exec-spec.ts';

const code = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof ApiError ? `${e.status} ${e.code}` : 'other';
  }
};

describe('exec body', () => {
  test('SDK body with defaults', () => {
    expect(
      parseExecSpec({
        command: 'echo',
        args: ['a', 'b c'],
        env: { K: 'V' },
        timeout_seconds: 12.5,
        working_dir: '/tmp',
        tty: false,
      }),
    ).toEqual({
      command: 'echo',
      args: ['a', 'b c'],
      env: { K: 'V' },
      timeout_seconds: 12.5,
      working_dir: '/tmp',
      tty: false,
      user: null,
      stdin: null,
    });
    expect(parseExecSpec({ command: 'x', working_dir: '', timeout_seconds: 0 })).toMatchObject({
      working_dir: null,
      timeout_seconds: null,
    });
  });

  test('bad bodies are 400 invalid_argument', () => {
    for (const b of [
      null,
      [],
      {},
      { command: '' },
      { command: 'x', args: [1] },
      { command: 'x', env: { A: 1 } },
      { command: 'x', timeout_seconds: -1 },
      { command: 'x', working_dir: 'rel' },
      { command: 'x', tty: 'yes' },
    ]) {
      expect(
        code(() => parseExecSpec(b)),
        JSON.stringify(b),
      ).toBe('400 invalid_argument');
    }
  });

  test('signals: only the protocol §4.2 set', () => {
    for (const s of [1, 2, 3, 6, 10, 12, 15, 28]) expect(parseSignal({ signal: s })).toBe(s);
    for (const s of [0, 9, 19, 64, 1.5, '15'])
      expect(code(() => parseSignal({ signal: s }))).toBe('400 invalid_argument');
  });

  test('resize bounds', () => {
    expect(parseResize({ cols: 80, rows: 24 })).toEqual({ cols: 80, rows: 24 });
    expect(code(() => parseResize({ cols: 0, rows: 24 }))).toBe('400 invalid_argument');
    expect(code(() => parseResize({ cols: 80 }))).toBe('400 invalid_argument');
  });
});

describe('box body', () => {
  test('maps to a keep-alive container with limits and labels', () => {
    const spec = parseBoxSpec({
      box_id: 'b1',
      image: 'reg:5000/img:1',
      cpus: 4,
      memory_mib: 256,
      env: { A: 'b' },
      network: { mode: 'enabled' },
      detach: false,
    });
    const { options, notes } = containerPlan(spec, 'reg:5000/img:1', 'rid', 2);
    expect(options.name).toBe('boxlite-sim-b1');
    expect(options.Entrypoint).toEqual(KEEPALIVE_ENTRYPOINT);
    expect(options.HostConfig).toMatchObject({ NanoCpus: 2e9, Memory: 256 * 1024 * 1024 });
    expect(notes[0]).toMatch(/capped/);
    expect(options.Labels).toMatchObject({ 'boxlite-e2e.sim-box': 'b1', 'boxlite-e2e.sim-runner': 'rid' });
    expect(options.Env).toEqual(['A=b']);
  });

  test('custom entrypoint/cmd replace the keep-alive; host paths are recognised', () => {
    const spec = parseBoxSpec({
      box_id: 'b2',
      image: 'i',
      cmd: ['sleep', '9'],
      volumes: [
        { managed_volume: '/etc', guest_path: '/x' },
        { host_path: '/h', guest_path: '/y' },
      ],
    });
    expect(spec.volumes.every((v) => v.host_path)).toBe(true);
    const { options } = containerPlan(spec, 'i', 'r', 2);
    expect(options.Entrypoint).toBeUndefined();
    expect(options.Cmd).toEqual(['sleep', '9']);
  });

  test('invalid ids and fields are 400', () => {
    for (const b of [
      { image: 'i' },
      { box_id: 'a/b', image: 'i' },
      { box_id: '-x', image: 'i' },
      { box_id: 'ok' },
      { box_id: 'ok', image: 'i', cpus: -1 },
      { box_id: 'ok', image: 'i', volumes: [{ guest_path: 'rel', managed_volume: 'v' }] },
    ]) {
      expect(
        code(() => parseBoxSpec(b)),
        JSON.stringify(b),
      ).toBe('400 invalid_argument');
    }
  });

  test('bare image refs get the stack registry', () => {
    expect(qualifyImage('boxlite-e2e/busybox:1', '127.0.0.1:5000')).toBe(
      '127.0.0.1:5000/boxlite-e2e/busybox:1',
    );
    expect(qualifyImage('127.0.0.1:9/x:1', '127.0.0.1:5000')).toBe('127.0.0.1:9/x:1');
    expect(qualifyImage('localhost/x', 'r:1')).toBe('localhost/x');
    expect(qualifyImage('alpine', null)).toBe('alpine');
  });
});
