#!/usr/bin/env python3
"""`journalctl -u UNIT --since TS` for a runner whose journal is a file, not a systemd unit.

Upstream's path check (apps/e2e/lib/path_verification.py) counts a box id in
`journalctl -u $BOXLITE_E2E_RUNNER_UNIT --since <local time>`. The harness puts this script
first on PATH as `journalctl` and names the file in BOXLITE_E2E_RUNNER_JOURNAL=file:PATH:
for that unit it prints the file's lines written since TS (JSON lines by their "ts", any
other line as is); every other call goes to the system's journalctl.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import datetime, timezone


def _since(argv: list[str]) -> datetime | None:
    if "--since" not in argv:
        return None
    raw = argv[argv.index("--since") + 1]
    return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").astimezone(timezone.utc)


def _after(line: str, since: datetime | None) -> bool:
    if since is None:
        return True
    try:
        ts = json.loads(line)["ts"]
    except (ValueError, KeyError, TypeError):
        return True
    return datetime.fromisoformat(ts.replace("Z", "+00:00")) >= since


def _system(argv: list[str]) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if os.path.abspath(p) != here)
    real = shutil.which("journalctl", path=path)
    if real is None:
        sys.exit("journalctl: not installed")
    os.execv(real, [real, *argv])


def main(argv: list[str]) -> None:
    unit = os.environ.get("BOXLITE_E2E_RUNNER_UNIT")
    source = os.environ.get("BOXLITE_E2E_RUNNER_JOURNAL", "")
    asked = argv[argv.index("-u") + 1] if "-u" in argv else None
    if not unit or asked != unit or not source.startswith("file:"):
        _system(argv)
    since = _since(argv)
    with open(source.removeprefix("file:"), encoding="utf-8", errors="replace") as journal:
        for line in journal:
            if _after(line, since):
                sys.stdout.write(line)


if __name__ == "__main__":
    main(sys.argv[1:])
