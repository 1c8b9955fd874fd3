"""Headless Chromium for the tests: the rendered DOM, screenshots and a printed PDF of a
local HTML file, each from a fresh profile, offline, with a bounded time.

Debian's ``chromium`` package is what ``.ci/run`` installs; :func:`find` returns None
where no browser is installed, and the tests skip and say so.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 60  # seconds for one browser run, start to exit
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars",
    "--mute-audio", "--virtual-time-budget=5000",
]
MISSING = ("no Chromium found (chromium or chromium-browser on PATH); .ci/run installs "
           "Debian's chromium package where it may")


def find() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run(chromium: str, page: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """Open ``page`` with ``flags``; raise with the browser's output when it fails."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *flags, page.resolve().as_uri()],
            capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited with {done.returncode}:\n{done.stderr[-2000:]}")
    return done


def dump_dom(chromium: str, page: Path) -> str:
    return run(chromium, page, "--dump-dom").stdout


def screenshot(chromium: str, page: Path, out: Path, width: int, height: int) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    run(chromium, page, f"--window-size={width},{height}", f"--screenshot={out.resolve()}")
    return out


def print_pdf(chromium: str, page: Path, out: Path) -> Path:
    out.unlink(missing_ok=True)
    run(chromium, page, "--no-pdf-header-footer", f"--print-to-pdf={out.resolve()}")
    return out
