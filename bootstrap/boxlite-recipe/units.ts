/**
 * systemd units for hosts where systemd is PID 1 (the KVM CI hosts), shaped like upstream's
 * boxlite-api.service / boxlite-runner.service (docs/stack-bootstrap.md §2–3). Different on
 * purpose: the runner's token is in a 0600 env file, not an inline `Environment=` line (unit
 * files are world-readable); paths are the state dir's, not /etc and /usr/local/bin.
 */
import { readFile } from 'node:fs/promises';

export const UNIT_DIR = '/etc/systemd/system';

/** True when PID 1 is systemd (a container or this build machine usually has none). */
export async function systemdIsPid1(): Promise<boolean> {
  return (await readFile('/proc/1/comm', 'utf8').catch(() => '')).trim() === 'systemd';
}

export interface UnitSpec {
  name: 'boxlite-api' | 'boxlite-runner';
  description: string;
  user: string;
  workingDirectory: string;
  /** Later files win (the runner's own file after the API's, as upstream's inline lines do). */
  environmentFiles: string[];
  /** Non-secret extras (PATH). */
  environment: Record<string, string>;
  execStart: string[];
  restart: 'on-failure' | 'always';
  after: string[];
  /** Append stdout/stderr to this file (the API's log); journald when absent. */
  logFile?: string;
  timeoutStopSec?: number;
}

const execQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `"${s.replaceAll('"', '\\"')}"`);

export function renderUnit(u: UnitSpec): string {
  const lines = [
    '# Written by boxlite-e2e setup; `pnpm e2e:teardown` removes it.',
    '[Unit]',
    `Description=${u.description}`,
    `After=${u.after.join(' ')}`,
    '',
    '[Service]',
    `User=${u.user}`,
    `WorkingDirectory=${u.workingDirectory}`,
    ...u.environmentFiles.map((f) => `EnvironmentFile=${f}`),
    ...Object.entries(u.environment).map(([k, v]) => `Environment=${execQuote(`${k}=${v}`)}`),
    `ExecStart=${u.execStart.map(execQuote).join(' ')}`,
    `Restart=${u.restart}`,
    'RestartSec=5',
    ...(u.timeoutStopSec ? [`TimeoutStopSec=${u.timeoutStopSec}`] : []),
    ...(u.logFile ? [`StandardOutput=append:${u.logFile}`, `StandardError=append:${u.logFile}`] : []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}

/** The commands that (re)start a unit after its file was written. */
export const unitStartCommands = (name: string): string[][] => [
  ['systemctl', 'daemon-reload'],
  ['systemctl', 'enable', name],
  ['systemctl', 'restart', name],
];

/** And what teardown runs before removing the file. */
export const unitStopCommands = (name: string): string[][] => [
  ['systemctl', 'stop', name],
  ['systemctl', 'disable', name],
];
