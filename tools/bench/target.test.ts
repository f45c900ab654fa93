import { describe, expect, it } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { parseProcStatus, startRssSampler } from './rss.ts';
import { pickTarget } from './target.ts';

describe('target selection', () => {
  it('the flag wins over the environment', () => {
    expect(pickTarget('sim', 'boxlite', true)).toBe('sim');
    expect(pickTarget('boxlite', undefined, false)).toBe('boxlite');
  });
  it('without a flag: remote config, else the stack target, else sim', () => {
    expect(pickTarget(undefined, 'boxlite', true)).toBe('remote');
    expect(pickTarget(undefined, 'boxlite', false)).toBe('boxlite');
    expect(pickTarget(undefined, undefined, false)).toBe('sim');
  });
  it('serve is a stack target like sim and boxlite; an unknown target is one usage line', () => {
    expect(pickTarget('serve', undefined, false)).toBe('serve');
    expect(pickTarget(undefined, 'serve', false)).toBe('serve');
    expect(() => pickTarget('kvm', undefined, false)).toThrow(UsageError);
  });
});

describe('peak memory', () => {
  it('reads VmRSS and VmHWM in KiB from /proc status text', () => {
    const text = 'Name:\tnode\nVmPeak:\t 999 kB\nVmHWM:\t  116380 kB\nVmRSS:\t  108616 kB\n';
    expect(parseProcStatus(text)).toEqual({ rss: 108616, hwm: 116380 });
    expect(parseProcStatus('Name:\tx\n')).toEqual({ rss: null, hwm: null });
  });
  it('samples a live process and reports the harness peak', () => {
    const report = startRssSampler([{ name: 'self', pid: process.pid }], 10_000).stop();
    expect(report.processes[0]?.run_peak_kib).toBeGreaterThan(0);
    expect(report.harness.peak_kib).toBeGreaterThan(0);
  });
  it('a process that is gone reads as null, not an error', () => {
    const report = startRssSampler([{ name: 'gone', pid: 2 ** 22 + 1 }], 10_000).stop();
    expect(report.processes[0]).toMatchObject({ run_peak_kib: null, lifetime_peak_kib: null });
  });
});
