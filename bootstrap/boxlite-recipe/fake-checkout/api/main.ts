// Fake API: the real API's start-up surface (apps/api/src/main.ts listens on PORT with
// the global prefix /api) over the harness's sim API, which forwards box calls to the runner
// at DEFAULT_RUNNER_API_URL.
import { spawn } from 'node:child_process';

// This API build's known bugs, as sim switches: the fixture's "source code" a ref can change,
// so two refs of the fake checkout can introduce and fix a bug (two-sided tests).
const BUGS: string[] = [];

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`fixture api: ${name} is required\n`);
    process.exit(1);
  }
  return v;
};
for (const name of [
  'DB_HOST',
  'DB_PORT',
  'DB_USERNAME',
  'DB_PASSWORD',
  'DB_DATABASE',
  'REDIS_HOST',
  'REDIS_PORT',
  'ENCRYPTION_KEY',
  'ENCRYPTION_SALT',
  'ADMIN_API_KEY',
  'DEFAULT_RUNNER_API_KEY',
])
  need(name);

const child = spawn(
  need('BOXLITE_FAKE_NODE'),
  [
    need('BOXLITE_FAKE_SIM_API'),
    '--host',
    '127.0.0.1',
    '--port',
    need('PORT'),
    '--stack',
    need('BOXLITE_FAKE_STACK_FILE'),
    '--runner-url',
    need('DEFAULT_RUNNER_API_URL'),
    '--access-log',
    need('BOXLITE_FAKE_API_ACCESS_LOG'),
    ...(BUGS.length > 0 ? ['--bugs', BUGS.join(',')] : []),
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 1));
