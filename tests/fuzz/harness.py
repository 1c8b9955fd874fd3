"""The fuzz harness every fuzz target shares: how many inputs, and what "ends cleanly" means.

A fuzz target feeds random or mutated input to one entry point (the standards loader, the
expression parser, an extract reader) and asserts, for every input, that it ends cleanly:
it returns, or it refuses with the engine's own refusal (``InputError`` with exit code 2
or 3 and a message on every problem, or a usage error the CLI exits 2 with). A traceback
in waiting (any other exception), a refusal without words, or an input that takes longer
than its time limit is a failure.

``FUZZ_EXAMPLES`` sets how many inputs each target tries; unset, the count is small enough
for the normal test suite and the inputs are the same on every run (derandomised). Set, it
is the long mode (``python -m tests.fuzz``): more inputs, and new ones each run.

A target uses it like this (a relative import: pytest imports this folder as ``fuzz``)::

    from .harness import ends_cleanly, fuzz_settings

    @fuzz_settings()
    @given(st.text())
    def test_fuzz_something(text: str) -> None:
        ends_cleanly("something", lambda: parse(text), shown=repr(text))
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings

from engine.problems import InputError

EXAMPLES: int = int(os.environ.get("FUZZ_EXAMPLES") or 100)
LONG: bool = bool(os.environ.get("FUZZ_EXAMPLES"))
DEADLINE = timedelta(seconds=5)
SHOWN_CHARS = 200


def fuzz_settings(**overrides: Any) -> settings:
    """Hypothesis settings for a fuzz target: EXAMPLES inputs, reproducible unless LONG."""
    chosen: dict[str, Any] = {
        "max_examples": EXAMPLES,
        # Hypothesis's deadline only in the long mode: in the suite, on a loaded CI machine,
        # the harness's own time bound (ends_cleanly's seconds) is the one that counts.
        "deadline": DEADLINE if LONG else None,
        "database": None,
        "derandomize": not LONG,
        "print_blob": LONG,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                  HealthCheck.filter_too_much, HealthCheck.large_base_example,
                                  HealthCheck.function_scoped_fixture],
    }
    chosen.update(overrides)
    return settings(**chosen)


@dataclass
class Tally:
    tried: int = 0
    ok: int = 0
    refused: int = 0
    failures: int = 0
    seconds: float = 0.0


TALLY: dict[str, Tally] = {}


class _TimedOut(BaseException):
    """Raised in the main thread when an input runs past its limit.

    A BaseException, so that an ``except Exception`` in the code under test cannot
    swallow it."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield  # SIGALRM only reaches the main thread; elsewhere only the tally times it
        return

    def expire(signum: int, frame: object) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _refusal(exc: BaseException) -> str | None:
    """"refused N" when ``exc`` is one of the engine's deliberate refusals, else None."""
    if isinstance(exc, InputError):
        if exc.exit_code in (2, 3) and exc.problems and all(
            p.message and p.message.strip() for p in exc.problems
        ):
            return f"refused {exc.exit_code}"
        return None
    try:
        from click.exceptions import UsageError
    except ImportError:  # pragma: no cover - click comes with typer
        return None
    if isinstance(exc, UsageError) and exc.exit_code == 2 and exc.format_message().strip():
        return "refused 2"
    return None


def ends_cleanly(target: str, call: Callable[[], object], *, seconds: float = 10.0,
                 shown: str = "") -> str:
    """Run ``call()``: "ok" if it returns, "refused 2"/"refused 3" if the engine refused it
    in words; AssertionError (counted as a failure of ``target``) for anything else."""
    tally = TALLY.setdefault(target, Tally())
    tally.tried += 1
    started = time.perf_counter()
    failure: str | None = None
    original: BaseException | None = None
    outcome = "ok"
    try:
        with _time_limit(seconds):
            call()
    except _TimedOut as exc:
        failure, original = f"took longer than {seconds:g} s", exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # every other ending is what a fuzz target looks for
        verdict = _refusal(exc)
        if verdict is None:
            if isinstance(exc, InputError):
                why = (f"InputError with exit code {exc.exit_code}"
                       if exc.exit_code not in (2, 3) else "InputError with an empty message")
                failure = f"{why}: {exc}"
            else:
                failure = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
            original = exc
        else:
            outcome = verdict
    finally:
        tally.seconds += time.perf_counter() - started
    if failure is not None:
        tally.failures += 1
        text = shown if len(shown) <= SHOWN_CHARS else shown[:SHOWN_CHARS] + "…"
        raise AssertionError(f"fuzz {target}: input {text} did not end cleanly: "
                             f"{failure[:2000]}") from original
    if outcome == "ok":
        tally.ok += 1
    else:
        tally.refused += 1
    return outcome


def summary_lines() -> list[str]:
    """One line per target: how many inputs were tried, how they ended, how many failed."""
    lines = []
    for target, t in sorted(TALLY.items()):
        failures = f"{t.failures} failure{'' if t.failures == 1 else 's'}"
        lines.append(f"fuzz {target}: {t.tried} inputs tried ({t.ok} worked, {t.refused} "
                     f"refused with exit 2/3), {failures}, {t.seconds:.1f} s")
    return lines


def failures() -> int:
    return sum(t.failures for t in TALLY.values())
