/** One JSON line per request; the path guard reads it. Never holds headers, so never keys. */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  /** `METHOD pattern` of the route that served it, when one matched. */
  route?: string;
  box_id?: string;
  ms: number;
}

export class AccessLog {
  private readonly out: WriteStream;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => process.stderr.write(`sim-api: access log ${path}: ${err.message}\n`));
  }

  write(e: AccessEntry): void {
    const line = {
      ts: new Date().toISOString(),
      method: e.method,
      path: e.path,
      status: e.status,
      ...(e.route ? { route: e.route } : {}),
      ...(e.box_id ? { box_id: e.box_id } : {}),
      ms: Math.round(e.ms * 10) / 10,
    };
    this.out.write(`${JSON.stringify(line)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
