/** The raw REST driver with box tracking, plus the exec round trip (POST /exec + attach). */
import type { BoxCreatedHook, ExecOutcome, ExecRequest } from '../protocol.ts';
import { emptyOutcome } from '../protocol.ts';
import { type AttachResult, attach } from './attach.ts';
import { call, type RestRequest, type RestResponse, type RestTarget, rootUrl, tenantUrl } from './http.ts';

export interface BoxJson {
  box_id: string;
  name?: string | null;
  status: string;
  image: string;
  cpus: number;
  memory_mib: number;
  created_at: string;
  updated_at: string;
}

export interface RestDriver {
  target: RestTarget;
  /** Any tenant-scoped request, e.g. `tenant('POST', '/boxes', { body })`. */
  tenant<T = unknown>(method: string, path: string, opts?: RestRequest): Promise<RestResponse<T>>;
  root<T = unknown>(method: string, path: string, opts?: RestRequest): Promise<RestResponse<T>>;
  /** POST /boxes; a 2xx box is tracked before it is returned. */
  createBox(body: Record<string, unknown>, opts?: RestRequest): Promise<RestResponse<BoxJson>>;
  startExec(
    boxId: string,
    req: ExecRequest,
    opts?: RestRequest,
  ): Promise<RestResponse<{ execution_id: string }>>;
  /** POST /exec then attach and collect until exit: the raw-protocol exec round trip. */
  exec(boxId: string, req: ExecRequest): Promise<ExecOutcome & { attach: AttachResult | null; http: number }>;
}

export function execBody(req: ExecRequest): Record<string, unknown> {
  return {
    command: req.command,
    ...(req.args?.length ? { args: req.args } : {}),
    ...(req.env && Object.keys(req.env).length ? { env: req.env } : {}),
    ...(req.timeoutSecs !== undefined ? { timeout_seconds: req.timeoutSecs } : {}),
    ...(req.workingDir !== undefined ? { working_dir: req.workingDir } : {}),
    ...(req.user !== undefined ? { user: req.user } : {}),
    tty: req.tty ?? false,
  };
}

export function createRestDriver(target: RestTarget, onBoxCreated: BoxCreatedHook): RestDriver {
  const tenant = <T>(method: string, path: string, opts?: RestRequest) =>
    call<T>(target, method, tenantUrl(target, path), opts);
  const root = <T>(method: string, path: string, opts?: RestRequest) =>
    call<T>(target, method, rootUrl(target, path), opts);
  const driver: RestDriver = {
    target,
    tenant,
    root,
    async createBox(body, opts) {
      const res = await tenant<BoxJson>('POST', '/boxes', { ...opts, body });
      if (res.status < 300 && res.json?.box_id) onBoxCreated(res.json.box_id, 'rest');
      return res;
    },
    startExec: (boxId, req, opts) => tenant('POST', `/boxes/${boxId}/exec`, { ...opts, body: execBody(req) }),
    async exec(boxId, req) {
      const t0 = performance.now();
      const started = await driver.startExec(boxId, req);
      const eid = started.json?.execution_id;
      if (started.status >= 300 || !eid) {
        const why = started.envelope ? `${started.envelope.code}: ${started.envelope.message}` : started.text;
        return {
          ...emptyOutcome('rest', `HTTP ${started.status} ${why}`, performance.now() - t0),
          attach: null,
          http: started.status,
        };
      }
      const session = await attach(target, boxId, eid);
      if (req.stdin !== undefined) {
        session.sendStdin(req.stdin);
        session.sendEof();
      }
      const result = await session.done;
      return {
        driver: 'rest',
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode,
        error:
          result.exitCode === null ? `socket closed without exit frame (code ${result.closeCode})` : null,
        ms: performance.now() - t0,
        attach: result,
        http: started.status,
      };
    },
  };
  return driver;
}
