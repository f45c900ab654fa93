/**
 * Peak resident memory during a bench run: this harness process (the kernel's own max RSS
 * for it) and the sim's API and runner processes, whose pids the stack file records. For
 * those, /proc's VmHWM is a lifetime peak that may predate this run, so the run's peak is
 * sampled from VmRSS while it runs; VmHWM is reported beside it.
 */
import { readFileSync } from 'node:fs';

export interface WatchedProcess {
  name: string;
  pid: number;
}

export interface ProcessPeak {
  name: string;
  pid: number;
  /** Highest VmRSS seen while the run was sampled, KiB; null if the process could not be read. */
  run_peak_kib: number | null;
  /** The process's lifetime peak (VmHWM) at the end of the run, KiB. */
  lifetime_peak_kib: number | null;
}

export interface RssReport {
  harness: { pid: number; peak_kib: number };
  processes: ProcessPeak[];
  interval_ms: number;
}

/** VmRSS and VmHWM (KiB) from a /proc/<pid>/status text. */
export function parseProcStatus(text: string): { rss: number | null; hwm: number | null } {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

function readStatus(pid: number): { rss: number | null; hwm: number | null } {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { rss: null, hwm: null };
  }
}

export function startRssSampler(procs: readonly WatchedProcess[], intervalMs = 500): { stop(): RssReport } {
  const peaks = new Map<number, number | null>(procs.map((p) => [p.pid, null]));
  const sample = () => {
    for (const p of procs) {
      const { rss } = readStatus(p.pid);
      const prev = peaks.get(p.pid) ?? null;
      if (rss !== null) peaks.set(p.pid, prev === null ? rss : Math.max(prev, rss));
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        // resourceUsage().maxRSS is in KiB on Linux.
        harness: { pid: process.pid, peak_kib: process.resourceUsage().maxRSS },
        processes: procs.map((p) => ({
          name: p.name,
          pid: p.pid,
          run_peak_kib: peaks.get(p.pid) ?? null,
          lifetime_peak_kib: readStatus(p.pid).hwm,
        })),
        interval_ms: intervalMs,
      };
    },
  };
}
