"""pytest plugin (loaded with `-p outcomes_plugin`): one JSON line per upstream case.

Records what pytest decided for each item — passed, failed, error, skipped, xfailed, xpassed —
with the reason or the crash message, and the item's own xfail mark (strict or not), so the
harness can classify every non-pass without re-parsing pytest's text output. The suite's files
are not touched; this only listens to pytest's hooks.
"""
from __future__ import annotations

import json

import pytest


def pytest_addoption(parser):
    parser.addoption("--outcomes-file", default=None, help="write one JSON line per case here")


def _message(report) -> str:
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    text = getattr(report, "longreprtext", "") or ""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return _message(report)


class _Recorder:
    def __init__(self, path: str):
        self.path = path
        self.cases: dict[str, dict] = {}
        self.marks: dict[str, dict] = {}

    def pytest_collection_modifyitems(self, items):
        for item in items:
            mark = item.get_closest_marker("xfail")
            if mark is not None:
                self.marks[item.nodeid] = {
                    "strict": bool(mark.kwargs.get("strict", False)),
                    "reason": str(mark.kwargs.get("reason", "")),
                }

    def _case(self, nodeid: str) -> dict:
        return self.cases.setdefault(
            nodeid, {"nodeid": nodeid, "outcome": None, "message": "", "duration_s": 0.0}
        )

    def pytest_runtest_logreport(self, report):
        case = self._case(report.nodeid)
        case["duration_s"] += getattr(report, "duration", 0.0)
        if case["outcome"] in ("failed", "error"):
            return
        wasxfail = getattr(report, "wasxfail", None)
        if report.failed:
            case["outcome"] = "failed" if report.when == "call" else "error"
            case["message"] = _message(report)
        elif report.skipped and wasxfail is not None:
            # What failed, not only the mark's reason: an expected failure can fail for another cause.
            case["outcome"] = "xfailed"
            crash = _message(report)
            case["message"] = f"{wasxfail}: {crash}" if crash and crash != wasxfail else wasxfail
        elif report.skipped:
            case["outcome"] = "skipped"
            case["message"] = _skip_reason(report)
        elif report.when == "call":
            case["outcome"] = "xpassed" if wasxfail is not None else "passed"

    def pytest_collectreport(self, report):
        if report.failed:
            case = self._case(report.nodeid)
            case["outcome"] = "error"
            case["message"] = f"collection failed: {_message(report)}"

    def pytest_sessionfinish(self, session):
        with open(self.path, "w", encoding="utf-8") as out:
            for nodeid, case in self.cases.items():
                case["xfail_mark"] = self.marks.get(nodeid)
                out.write(json.dumps(case) + "\n")


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    path = config.getoption("--outcomes-file")
    if path:
        config.pluginmanager.register(_Recorder(path), "boxlite-e2e-outcomes")
