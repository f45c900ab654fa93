"""
Python SDK driver: runs a list of operations through the real PyPI `boxlite` SDK in REST mode.

Input (stdin, ONE JSON object):
    {"url": ..., "api_key": ..., "path_prefix": ..., "stop_on_error": false, "ops": [...]}

Output (stdout, one JSON object per line, flushed as it happens):
    {"event": "box_created", "id": ..., "name": ...}   right after create returns, before
                                                       anything else touches the box
    {"event": "op", "index": i, "op": ..., "ms": ..., "error": null | "...",
     "error_type": ..., "error_code": ..., "result": ...}
    {"event": "fatal", "error": ...}                    setup failed (bad input, import, runtime)
    {"event": "done"}                                   every op has been answered

Ops ("box" is "$N" = the N-th box created in this run, "$last", or a literal id/name; omitted
means the last box created):
    create      image, name, cpus, memory_mib, disk_size_gb, working_dir, env{}, options{}
    get_info    box or id              -> BoxInfo as a dict, or null (SDK returned None)
    info        box                    -> box.info() as a dict
    list                               -> [BoxInfo dicts]
    exec        box, command, args[], env{}, cwd, user, tty, timeout_secs, stdin
                -> {driver: "python-sdk", stdout, stderr, exitCode, error, ms}
    copy_in     box, host_path, dest, overwrite?, recursive?, follow_symlinks?
    copy_out    box, src, host_path, overwrite?, recursive?, follow_symlinks?
    stop/start  box
    metrics     box                    -> BoxMetrics as a dict
    runtime_metrics                    -> RuntimeMetrics as a dict
    remove      box or id, force
    get         box or id              -> {"id", "name"} or null

"op_timeout_secs" (top level or per op) bounds each op; a hung op becomes an error line.
A failing op is reported with "error" and later ops still run, unless "stop_on_error" is true
(top level, or on the op itself).
"""

import asyncio
import json
import os
import sys
import time
import traceback

DRIVER = "python-sdk"

# The protocol channel is a private dup of fd 1; fd 1 itself is pointed at stderr so nothing
# the SDK (or its native library) prints can corrupt the JSON lines.
_proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def emit(obj):
    _proto.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")
    _proto.flush()


def to_plain(value, depth=0):
    """SDK objects (PyO3 classes with getters) → JSON-able dicts, recursively."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if depth > 6:
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict):
        return {str(k): to_plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v, depth + 1) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    out = {}
    for name in dir(value):
        if name.startswith("_"):
            continue
        try:
            attr = getattr(value, name)
        except Exception as e:  # noqa: BLE001 - a broken getter is reported, not fatal
            out[name] = f"<error: {e}>"
            continue
        if callable(attr):
            continue
        out[name] = to_plain(attr, depth + 1)
    return out if out else str(value)


def error_fields(e):
    return {
        "error": str(e) or type(e).__name__,
        "error_type": type(e).__name__,
        "error_code": getattr(e, "code", None) if isinstance(getattr(e, "code", None), str) else None,
    }


class Session:
    def __init__(self, boxlite, rt):
        self.boxlite = boxlite
        self.rt = rt
        self.created = []  # Box handles, in creation order
        self.handles = {}  # id -> Box handle fetched with rt.get

    def ref(self, op):
        """The id (or name) an op names, resolving "$N" / "$last" / omitted."""
        ref = op.get("box", op.get("id"))
        if ref is None or ref == "$last":
            if not self.created:
                raise ValueError("op names no box and none was created yet")
            return self.created[-1].id
        if isinstance(ref, str) and ref.startswith("$"):
            idx = int(ref[1:])
            if idx >= len(self.created):
                raise ValueError(f"{ref}: only {len(self.created)} box(es) created so far")
            return self.created[idx].id
        return ref

    async def handle(self, op):
        ref = self.ref(op)
        for b in self.created:
            if b.id == ref or b.name == ref:
                return b
        if ref not in self.handles:
            box = await self.rt.get(ref)
            if box is None:
                raise LookupError(f"rt.get({ref!r}) returned None")
            self.handles[ref] = box
        return self.handles[ref]

    # --- ops -------------------------------------------------------------------------------

    async def op_create(self, op):
        kwargs = dict(op.get("options") or {})
        for key in ("image", "cpus", "memory_mib", "disk_size_gb", "working_dir"):
            if op.get(key) is not None:
                kwargs[key] = op[key]
        if op.get("env"):
            kwargs["env"] = list(op["env"].items())
        box = await self.rt.create(self.boxlite.BoxOptions(**kwargs), name=op.get("name"))
        # Reported first: if anything below (or this process) dies, the box is still tracked.
        emit({"event": "box_created", "id": box.id, "name": box.name})
        self.created.append(box)
        return {"id": box.id, "name": box.name}

    async def op_get_info(self, op):
        return to_plain(await self.rt.get_info(self.ref(op)))

    async def op_info(self, op):
        return to_plain(await (await self.handle(op)).info())

    async def op_get(self, op):
        box = await self.rt.get(self.ref(op))
        return None if box is None else {"id": box.id, "name": box.name}

    async def op_list(self, op):
        return [to_plain(i) for i in await self.rt.list_info()]

    async def op_exec(self, op):
        t0 = time.perf_counter()
        outcome = {"driver": DRIVER, "stdout": "", "stderr": "", "exitCode": None, "error": None, "ms": 0.0}
        try:
            box = await self.handle(op)
            env = list(op["env"].items()) if op.get("env") else None
            execution = await box.exec(
                op["command"],
                op.get("args") or None,
                env,
                tty=bool(op.get("tty", False)),
                user=op.get("user"),
                timeout_secs=op.get("timeout_secs"),
                cwd=op.get("cwd"),
            )
            if op.get("stdin") is not None:
                stdin = execution.stdin()
                if stdin is None:
                    raise RuntimeError("execution.stdin() returned None")
                await stdin.send_input(op["stdin"].encode("utf-8"))
                await stdin.close()

            async def drain(stream):
                if stream is None:
                    return ""
                parts = []
                async for chunk in stream:
                    parts.append(chunk.decode("utf-8", errors="replace") if isinstance(chunk, bytes) else chunk)
                return "".join(parts)

            stdout, stderr = await asyncio.gather(drain(execution.stdout()), drain(execution.stderr()))
            result = await execution.wait()
            outcome.update(stdout=stdout, stderr=stderr, exitCode=result.exit_code)
            outcome["error"] = getattr(result, "error_message", None) or None
        except Exception as e:  # noqa: BLE001 - the SDK's failure is the outcome
            outcome["_error"] = error_fields(e)
            outcome["error"] = outcome["_error"]["error"]
        outcome["ms"] = (time.perf_counter() - t0) * 1000
        return outcome

    def copy_options(self, op):
        keys = ("recursive", "overwrite", "follow_symlinks")
        if not any(k in op for k in keys):
            return None
        return self.boxlite.CopyOptions(**{k: op[k] for k in keys if k in op})

    # copy_in / copy_out / stop / start / remove resolve to an empty value; results are null.
    async def op_copy_in(self, op):
        await (await self.handle(op)).copy_in(op["host_path"], op["dest"], self.copy_options(op))

    async def op_copy_out(self, op):
        await (await self.handle(op)).copy_out(op["src"], op["host_path"], self.copy_options(op))

    async def op_stop(self, op):
        await (await self.handle(op)).stop()

    async def op_start(self, op):
        await (await self.handle(op)).start()

    async def op_metrics(self, op):
        return to_plain(await (await self.handle(op)).metrics())

    async def op_runtime_metrics(self, op):
        return to_plain(await self.rt.metrics())

    async def op_remove(self, op):
        await self.rt.remove(self.ref(op), force=bool(op.get("force", False)))


async def run(req):
    import boxlite  # imported here so an import failure is a "fatal" event, not a traceback

    cred = boxlite.ApiKeyCredential(req["api_key"]) if req.get("api_key") else None
    opts = boxlite.BoxliteRestOptions(url=req["url"], credential=cred, path_prefix=req.get("path_prefix") or None)
    rt = boxlite.Boxlite.rest(opts)
    session = Session(boxlite, rt)
    stop_all = bool(req.get("stop_on_error", False))
    for index, op in enumerate(req.get("ops", [])):
        name = op.get("op")
        fn = getattr(session, f"op_{name}", None)
        line = {"event": "op", "index": index, "op": name, "ms": 0.0, "error": None, "error_type": None, "error_code": None, "result": None}
        t0 = time.perf_counter()
        try:
            if fn is None:
                raise ValueError(f"unknown op {name!r}")
            limit = op.get("op_timeout_secs", req.get("op_timeout_secs"))
            line["result"] = await (asyncio.wait_for(fn(op), limit) if limit else fn(op))
            if name == "exec":
                # A refused exec (no exit code) is this op's error; a non-zero exit is not.
                err = line["result"].pop("_error", None)
                if err is not None and line["result"]["exitCode"] is None:
                    line.update(err)
        except Exception as e:  # noqa: BLE001 - per-op failures are results
            line.update(error_fields(e))
        line["ms"] = (time.perf_counter() - t0) * 1000
        emit(line)
        if line["error"] is not None and (stop_all or op.get("stop_on_error")):
            break
    close = getattr(rt, "close", None)
    if close is not None:
        try:
            res = close()
            if asyncio.iscoroutine(res) or isinstance(res, asyncio.Future):
                await res
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def main():
    try:
        req = json.loads(sys.stdin.read())
        asyncio.run(run(req))
    except Exception as e:  # noqa: BLE001 - one clear line for the TS side
        traceback.print_exc(file=sys.stderr)
        emit({"event": "fatal", **error_fields(e)})
        return 1
    emit({"event": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
