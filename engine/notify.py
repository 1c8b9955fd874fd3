"""Notifications: new and resolved alerts sent to webhooks and by email.

What is sent: the alerts of a run whose state is ``new`` (a new escalation included) or
``resolved``, never ``ongoing`` ones, which were sent when they were new; the
notify-level or receiver's own ``severities`` narrow that further. Each receiver gets one
message per run, not one per alert, and nothing at all when no alert is left to send:

* a webhook gets a JSON POST with ``text`` (what Teams and Slack incoming webhooks show:
  a heading such as "Service standards, as of 2025-06-30: 2 new alerts (1 critical), 1
  resolved" and each alert's message, which ends with its owner and next step),
  ``summary`` (the heading), ``alerts`` (the full alerts, as in ``results.json``: with
  ``owner`` and ``next_step`` apart too) and ``run``;
* an email receiver gets a plain-text UTF-8 message with the heading as its subject and
  the same text, sent with STARTTLS (or TLS) and a login when configured.

When a receiver is down: a connection error, a timeout, HTTP 429 or 5xx, or an SMTP 4xx
reply is retried ``retries`` times, the wait doubling from ``retry_wait`` (a short
``Retry-After`` is honoured); anything else (HTTP 4xx, a refused login, a redirect) is
not. A receiver still failing gets ONE warning on the ``engine.notify`` logger, naming
it with its secrets masked, and :func:`send` goes on: it never raises for a receiver,
and the run's results and alerts are unaffected.
"""

from __future__ import annotations

import email.policy
import email.utils
import json
import logging
import os
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from typing import Any, Literal
from urllib.parse import urlsplit

from engine import __version__
from engine.model.notify import SEVERITIES, Email, Notify, Security, Webhook
from engine.model.results import Alert, AlertState, RunInfo

LOG = logging.getLogger("engine.notify")
SENT = (AlertState.new, AlertState.resolved)
RETRY_AFTER_LIMIT = 60.0  # seconds; a receiver asking for longer gets our own back-off
LONGEST_WAIT = 300.0  # seconds: doubling stops here, so a run is never held for hours


@dataclass(frozen=True)
class Delivery:
    """What became of one receiver's message."""

    channel: Literal["webhook", "email"]
    target: str  # the webhook's URL with its tokens masked, or the email recipients
    alerts: int
    ok: bool
    attempts: int  # 0 when the message could not even be prepared (a missing secret)
    error: str | None = None
    name: str | None = None


class _Temporary(Exception):
    """A failure worth another attempt; ``after`` is a wait the receiver asked for."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class _Final(Exception):
    """A failure another attempt would only repeat."""


def send(alerts: Iterable[Alert], config: Notify, *, run: RunInfo | None = None,
         log: logging.Logger = LOG, sleep: Callable[[float], None] = time.sleep,
         env: Mapping[str, str] | None = None) -> list[Delivery]:
    """Send the new and resolved alerts to every receiver; one Delivery per receiver
    that had something to send. ``env`` (default: the process environment) holds the
    secrets named by ``token_env`` and ``password_env``."""
    env = os.environ if env is None else env
    due = _ordered([a for a in alerts if a.state in SENT])
    deliveries: list[Delivery] = []
    receivers: list[Webhook | Email] = [*config.webhooks, *config.email]
    for receiver in receivers:
        wanted = receiver.severities or config.severities
        chosen = [a for a in due if wanted is None or a.severity in wanted]
        if not chosen:
            continue
        if isinstance(receiver, Webhook):
            delivery = _deliver("webhook", mask_url(receiver.url), receiver.name, chosen,
                                partial(_post, receiver, chosen, run, config, env),
                                config, sleep)
        else:
            delivery = _deliver("email", ", ".join(receiver.to), receiver.name, chosen,
                                partial(_mail, receiver, chosen, run, config, env),
                                config, sleep)
        _log(delivery, receiver, log)
        deliveries.append(delivery)
    return deliveries


def _deliver(channel: Literal["webhook", "email"], target: str, name: str | None,
             chosen: list[Alert], prepare: Callable[[], Callable[[], None]],
             config: Notify, sleep: Callable[[float], None]) -> Delivery:
    def done(attempts: int, error: str | None = None) -> Delivery:
        return Delivery(channel, target, len(chosen), error is None, attempts, error, name)

    try:
        attempt_once = prepare()
    except _Final as exc:
        return done(0, str(exc))
    except Exception as exc:  # a receiver must never stop the run
        return done(0, f"{type(exc).__name__}: {exc}")
    wait = config.retry_wait
    for attempt in range(1, config.retries + 2):
        try:
            attempt_once()
            return done(attempt)
        except _Temporary as exc:
            if attempt > config.retries:
                return done(attempt, str(exc))
            sleep(max(wait, exc.after or 0.0))
            wait = min(wait * 2, LONGEST_WAIT)
        except _Final as exc:
            return done(attempt, f"{exc}; not retried")
        except Exception as exc:  # a receiver must never stop the run
            return done(attempt, f"{type(exc).__name__}: {exc}; not retried")
    raise AssertionError("unreachable")  # pragma: no cover


def _log(d: Delivery, receiver: Webhook | Email, log: logging.Logger) -> None:
    how = "to webhook" if d.channel == "webhook" else "by email to"
    where = f"'{d.name}' ({d.target})" if d.name else d.target
    if isinstance(receiver, Email):
        where += f" via {receiver.host}:{receiver.smtp_port}"
    if d.ok:
        log.info("sent %d alert%s %s %s", d.alerts, _s(d.alerts), how, where)
    elif d.attempts == 0:
        log.warning("notification %s %s not sent (%s); the run's results and alerts are "
                    "unaffected", how, where, d.error)
    else:
        log.warning("notification %s %s failed after %d attempt%s (%s); the run's results "
                    "and alerts are unaffected", how, where, d.attempts, _s(d.attempts),
                    d.error)


# -- What is said ------------------------------------------------------------------------

def _ordered(alerts: list[Alert]) -> list[Alert]:
    """New before resolved; the most serious first; then by standard and key."""
    def rank(a: Alert) -> tuple[int, int, str, str]:
        serious = SEVERITIES.index(a.severity) if a.severity in SEVERITIES else len(SEVERITIES)
        return (a.state is AlertState.resolved, serious, a.standard, a.key)
    return sorted(alerts, key=rank)


def summary(alerts: list[Alert]) -> str:
    """'2 new alerts (1 critical), 1 resolved'."""
    new = [a for a in alerts if a.state is AlertState.new]
    resolved = len(alerts) - len(new)
    parts = []
    if new:
        critical = sum(a.severity == "critical" for a in new)
        parts.append(f"{len(new)} new alert{_s(len(new))}"
                     + (f" ({critical} critical)" if critical else ""))
    if resolved:
        parts.append(f"{resolved} resolved" if new else f"{resolved} alert{_s(resolved)} "
                     "resolved")
    return ", ".join(parts)


def heading(alerts: list[Alert], run: RunInfo | None) -> str:
    when = f", as of {run.as_of.isoformat()}" if run else ""
    return f"Service standards{when}: {summary(alerts)}"


def subject(alerts: list[Alert], run: RunInfo | None) -> str:
    when = f" — as of {run.as_of.isoformat()}" if run else ""
    return f"Service standards: {summary(alerts)}{when}"


def text(alerts: list[Alert], run: RunInfo | None) -> str:
    """The heading, then each alert's message, a blank line apart (Teams needs it)."""
    lines = [heading(alerts, run)]
    for a in alerts:
        if a.state is AlertState.resolved:
            said = a.message if a.message.startswith("Resolved") else f"Resolved: {a.message}"
        else:
            said = f"New ({a.severity}): {a.message}"
        lines.append(said)
    return "\n\n".join(lines)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def mask_url(url: str) -> str:
    """The URL as logs show it: host and a first path segment that reads as a word;
    the rest of the path, the query and any fragment hidden, as they carry tokens."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"{parts.scheme}://{f'[{host}]' if ':' in host else host}"
    if parts.port:
        shown += f":{parts.port}"
    segments = [s for s in parts.path.split("/") if s]
    first = segments[0] if segments else ""
    if first and first.replace("-", "").replace("_", "").isalpha() and len(first) <= 24:
        shown += f"/{first}"
        segments = segments[1:]
    if segments:
        shown += "/…"
    elif parts.query or parts.fragment:
        shown += "?…"
    return shown


# -- Webhooks ----------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Following a redirect would turn the POST into a GET and drop the body.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(hook: Webhook, alerts: list[Alert], run: RunInfo | None, config: Notify,
          env: Mapping[str, str]) -> Callable[[], None]:
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": f"service-standards-compliance/{__version__}", **hook.headers}
    if hook.token_env:
        headers["Authorization"] = f"Bearer {_secret(env, hook.token_env)}"
    body = json.dumps({
        "text": text(alerts, run), "summary": heading(alerts, run),
        "alerts": [a.model_dump(mode="json") for a in alerts],
        "run": run.model_dump(mode="json") if run else None,
    }, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)

    def attempt() -> None:
        request = urllib.request.Request(hook.url, data=body, headers=headers, method="POST")
        try:
            with opener.open(request, timeout=config.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            said = _first_line(exc.read(300))
            reason = f"HTTP {exc.code} {exc.reason}" + (f": {said}" if said else "")
            if exc.code == 429 or exc.code >= 500:
                raise _Temporary(reason, _retry_after(exc.headers.get("Retry-After"))) from exc
            if 300 <= exc.code < 400:
                reason += "; redirects are not followed, give the final URL"
            raise _Final(reason) from exc
        except urllib.error.URLError as exc:
            cause = exc.reason if isinstance(exc.reason, BaseException) else OSError(exc.reason)
            raise _why(cause, config.timeout) from exc
        except OSError as exc:  # a timeout or reset while reading the answer
            raise _why(exc, config.timeout) from exc
    return attempt


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = moment.timestamp() - time.time()
    return max(seconds, 0.0) if seconds <= RETRY_AFTER_LIMIT else None


def _first_line(raw: bytes) -> str:
    line = raw.decode("utf-8", "replace").strip().splitlines()
    return line[0][:200] if line else ""


# -- Email -------------------------------------------------------------------------------

def _mail(rx: Email, alerts: list[Alert], run: RunInfo | None, config: Notify,
          env: Mapping[str, str]) -> Callable[[], None]:
    password = _secret(env, rx.password_env) if rx.password_env else None
    try:
        context = None if rx.security is Security.none else \
            ssl.create_default_context(cafile=rx.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise _Final(f"cannot read ca_file {rx.ca_file}: {exc}") from exc
    # Folding a subject at 78 characters before its em dash leaves a double space in
    # every mail client; 998 is the line limit SMTP itself sets.
    message = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    message["Subject"] = subject(alerts, run)
    message["From"] = rx.sender
    message["To"] = ", ".join(rx.to)
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain=rx.sender.rsplit("@")[-1].strip(">"))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    footer = ("Alerts still open from earlier runs are not repeated; `compliance alerts` "
              "lists every open alert.")
    if run:
        footer = (f"Run {run.id} of the standards in {run.standards_path} (engine "
                  f"{run.engine_version}). {footer}")
    message.set_content(f"{text(alerts, run)}\n\n-- \n{footer}\n", charset="utf-8",
                        cte="quoted-printable")  # 7-bit safe, whatever the server offers

    def attempt() -> None:
        try:
            if rx.security is Security.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(rx.host, rx.smtp_port,
                                                      timeout=config.timeout, context=context)
            else:
                smtp = smtplib.SMTP(rx.host, rx.smtp_port, timeout=config.timeout)
            with smtp:
                if rx.security is Security.starttls:
                    smtp.starttls(context=context)
                if rx.username and password is not None:
                    smtp.login(rx.username, password)
                refused = smtp.send_message(message)
        except smtplib.SMTPNotSupportedError as exc:
            raise _Final(f"the server does not support this: {exc}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            reason = f"every recipient refused ({_refused(exc.recipients)})"
            raise (_Temporary(reason) if all(400 <= c < 500 for c in codes)
                   else _Final(reason)) from exc
        except smtplib.SMTPResponseException as exc:
            said = exc.smtp_error.decode("utf-8", "replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            what = "login refused" if exc.smtp_code == 535 else "the server said"
            reason = f"{what} {exc.smtp_code} {said}".strip()
            raise (_Temporary(reason) if 400 <= exc.smtp_code < 500 or exc.smtp_code == -1
                   else _Final(reason)) from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise _Temporary(f"the server closed the connection ({exc})") from exc
        except OSError as exc:
            raise _why(exc, config.timeout) from exc
        if refused:
            raise _Final(f"refused for {_refused(refused)}; sent to the other recipients")
    return attempt


def _refused(recipients: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{who}: {code} {said.decode('utf-8', 'replace')}"
                     for who, (code, said) in recipients.items())


# -- Shared ------------------------------------------------------------------------------

def _secret(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise _Final(f"the environment variable {name} is not set")
    return value


def _why(exc: BaseException, timeout: float) -> Exception:
    """A network error in plain words, as a temporary failure unless TLS refused it."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _Final(f"the server's certificate is not trusted ({exc.verify_message})")
    if isinstance(exc, ssl.SSLError):
        return _Final(f"TLS failed ({exc.reason or exc})")
    if isinstance(exc, ConnectionRefusedError):
        return _Temporary("connection refused")
    if isinstance(exc, TimeoutError):
        return _Temporary(f"no answer within {timeout:g} seconds")
    if isinstance(exc, socket.gaierror):
        return _Temporary("host name not found")
    if isinstance(exc, ConnectionResetError):
        return _Temporary("connection reset")
    return _Temporary(str(exc) or type(exc).__name__)
