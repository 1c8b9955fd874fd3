"""Notifications against real receivers on loopback, started here: a threaded HTTP
server standing in for a Teams/Slack incoming webhook, and aiosmtpd as the SMTP server.
Waits between attempts go to a recording ``sleep``, so retries cost no time."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import logging
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from measure_cases import run
from pydantic import ValidationError
from typer.testing import CliRunner

import engine.model.notify
from engine.cli import app
from engine.model.notify import Notify
from engine.model.results import Alert, AlertState, RunInfo
from engine.notify import Delivery, mask_url, send, subject, text

RUN = RunInfo(id="run-7", as_of=dt.date(2025, 6, 30),
              started_at=dt.datetime(2025, 7, 1, 6, 0, tzinfo=dt.UTC),
              engine_version="0.1.0", standards_digest="d1g35t", standards_path="standards")


def alert(standard: str, state: str, severity: str = "high", kind: str = "breach") -> Alert:
    said = f"{standard} Claims decided within 60 business days: breach in 2025-Q2, West."
    if state == "resolved":  # as the store words it
        said = (f"Resolved: {standard} no longer raises this {kind} alert (last raised for "
                f"2025-Q1). It was: {said}")
    return Alert(key=f"{standard}:{kind}:region=West", standard=standard, kind=kind,
                 state=AlertState(state), severity=severity, period="2025-Q2",
                 segment={"region": "West"}, message=said,
                 evidence={"value": 71.5, "target": "at least 80%"})


ALERTS = [alert("BEN-01", "new", "critical", "escalation"), alert("BEN-02", "new"),
          alert("BEN-03", "ongoing"), alert("BEN-04", "resolved", "medium")]
SENT_KEYS = ["BEN-01:escalation:region=West", "BEN-02:breach:region=West",
             "BEN-04:breach:region=West"]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def notify(**given: Any) -> Notify:
    return Notify.model_validate({"retry_wait": "0.5 seconds", "timeout": "5 seconds",
                                  **given})


# -- Receivers ---------------------------------------------------------------------------

class Hook:
    """A webhook receiver: records each request; answers from a script, then 200."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, str], bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append({"path": self.path, "headers": dict(self.headers),
                                      "json": json.loads(body)})
                status, headers, answer = hook.script.pop(0) if hook.script else (200, {}, b"ok")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T01/B02/s3cr3t"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "*")  # loopback only, whatever the environment says


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook()
    thread = threading.Thread(target=receiver.server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


class Mailbox:
    """An SMTP handler keeping each message; answers from a script, then 250."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.script: list[str] = []

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope
                          ) -> str:
        if self.script:
            return self.script.pop(0)
        assert isinstance(envelope.content, bytes)
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # closed again: nothing listens here


def smtp_server(handler: Mailbox, **options: Any) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = smtp_server(box)
    yield box, controller.port
    controller.stop()


def mail(port: int, **given: Any) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "security": "none",
            "from": "compliance@example.org",
            "to": ["quality@example.org", "Benefits lead <lead@example.org>"], **given}


# -- What is sent ------------------------------------------------------------------------

def test_only_new_and_resolved_alerts_are_sent(hook: Hook) -> None:
    [delivery] = send(ALERTS, notify(webhooks=[{"url": hook.url}]), run=RUN)
    assert delivery == Delivery("webhook", mask_url(hook.url), 3, True, 1)
    [request] = hook.requests
    assert [a["key"] for a in request["json"]["alerts"]] == SENT_KEYS
    assert "BEN-03" not in request["json"]["text"]


def test_the_webhook_body_has_text_alerts_and_run_and_the_token(hook: Hook) -> None:
    config = notify(webhooks=[{"url": hook.url, "token_env": "HOOK_TOKEN",
                               "headers": {"X-Team": "benefits"}}])
    send(ALERTS, config, run=RUN, env={"HOOK_TOKEN": "t0k3n"})
    [request] = hook.requests
    body, headers = request["json"], request["headers"]
    assert headers["Authorization"] == "Bearer t0k3n"
    assert headers["X-Team"] == "benefits"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert request["path"] == "/hooks/T01/B02/s3cr3t"
    assert body["text"] == (
        "Service standards, as of 2025-06-30: 2 new alerts (1 critical), 1 resolved\n\n"
        "New (critical): BEN-01 Claims decided within 60 business days: breach in 2025-Q2, "
        "West.\n\n"
        "New (high): BEN-02 Claims decided within 60 business days: breach in 2025-Q2, "
        "West.\n\n"
        "Resolved: BEN-04 no longer raises this breach alert (last raised for 2025-Q1). "
        "It was: BEN-04 Claims decided within 60 business days: breach in 2025-Q2, West."
    )
    assert body["summary"] == "Service standards, as of 2025-06-30: 2 new alerts " \
        "(1 critical), 1 resolved"
    assert body["alerts"] == [a.model_dump(mode="json") for a in
                              (ALERTS[0], ALERTS[1], ALERTS[3])]
    assert body["run"] == RUN.model_dump(mode="json")


def test_the_email_names_each_alert(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    [delivery] = send(ALERTS, notify(email=[mail(port)]), run=RUN)
    assert delivery.ok and delivery.alerts == 3
    assert delivery.target == "quality@example.org, Benefits lead <lead@example.org>"
    [message] = box.messages
    assert message["Subject"] == ("Service standards: 2 new alerts (1 critical), 1 resolved "
                                  "— as of 2025-06-30")
    assert message["From"] == "compliance@example.org"
    assert box.envelopes[0].rcpt_tos == ["quality@example.org", "lead@example.org"]
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    for standard in ("BEN-01", "BEN-02", "BEN-04"):
        assert standard in body
    assert "BEN-03" not in body
    assert "Run run-7 of the standards in standards" in body


def test_a_resolved_alert_is_marked_even_when_its_message_does_not_say_so() -> None:
    plain = alert("BEN-04", "resolved").model_copy(update={"message": "BEN-04 recovered."})
    assert text([plain], None) == ("Service standards: 1 alert resolved\n\n"
                                   "Resolved: BEN-04 recovered.")
    assert subject([plain], RUN) == "Service standards: 1 alert resolved — as of 2025-06-30"


def test_nothing_is_sent_when_no_alert_is_new_or_resolved(
        hook: Hook, mailbox: tuple[Mailbox, int]) -> None:
    config = notify(webhooks=[{"url": hook.url}], email=[mail(mailbox[1])])
    assert send([ALERTS[2]], config, run=RUN) == []
    assert send([], config) == []
    assert hook.requests == [] and mailbox[0].messages == []


def test_severities_narrow_what_each_receiver_hears(hook: Hook) -> None:
    config = notify(severities=["critical", "high"], webhooks=[
        {"url": hook.url, "name": "all serious"},
        {"url": hook.url, "name": "director", "severities": ["critical"]},
        {"url": hook.url, "name": "low only", "severities": ["low"]},
    ])
    deliveries = send(ALERTS, config, run=RUN)
    assert [(d.name, d.alerts) for d in deliveries] == [("all serious", 2), ("director", 1)]
    assert [[a["key"] for a in r["json"]["alerts"]] for r in hook.requests] == [
        SENT_KEYS[:2], SENT_KEYS[:1]]
    assert hook.requests[1]["json"]["text"].startswith(
        "Service standards, as of 2025-06-30: 1 new alert (1 critical)\n")


# -- When a receiver is down --------------------------------------------------------------

def test_a_500_is_retried_with_a_doubling_wait(hook: Hook) -> None:
    hook.script = [(500, {}, b"oops"), (503, {}, b"busy")]
    sleeps = Sleeps()
    [delivery] = send(ALERTS, notify(webhooks=[{"url": hook.url}]), run=RUN, sleep=sleeps)
    assert (delivery.ok, delivery.attempts, delivery.error) == (True, 3, None)
    assert sleeps == [0.5, 1.0]
    assert len(hook.requests) == 3
    assert hook.requests[0]["json"] == hook.requests[2]["json"]


def test_a_short_retry_after_is_honoured(hook: Hook) -> None:
    hook.script = [(429, {"Retry-After": "7"}, b""), (429, {"Retry-After": "3600"}, b"")]
    sleeps = Sleeps()
    [delivery] = send(ALERTS, notify(webhooks=[{"url": hook.url}]), sleep=sleeps)
    assert delivery.ok and delivery.attempts == 3
    assert sleeps == [7.0, 1.0]  # an hour is not waited for: our own back-off instead


@pytest.mark.parametrize(("status", "headers", "said"), [
    (400, {}, "HTTP 400 Bad Request: invalid_payload; not retried"),
    (302, {"Location": "http://127.0.0.1:1/elsewhere"},
     "HTTP 302 Found: invalid_payload; redirects are not followed, give the final URL; "
     "not retried"),
])
def test_a_refusal_is_not_retried(hook: Hook, caplog: pytest.LogCaptureFixture, status: int,
                                  headers: dict[str, str], said: str) -> None:
    hook.script = [(status, headers, b"invalid_payload\nmore")]
    sleeps = Sleeps()
    [delivery] = send(ALERTS, notify(webhooks=[{"url": hook.url}]), sleep=sleeps)
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 1, said)
    assert len(hook.requests) == 1 and sleeps == []
    assert f"failed after 1 attempt ({said})" in caplog.text


def test_a_closed_port_gives_one_warning_and_the_run_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/T01/B02/s3cr3t?key=abc"
    sleeps = Sleeps()
    with caplog.at_level(logging.INFO, logger="engine.notify"):
        [delivery] = send(ALERTS, notify(webhooks=[{"url": url}]), run=RUN, sleep=sleeps)
    assert delivery == Delivery("webhook", f"http://127.0.0.1:{port}/hooks/…", 3, False, 4,
                                "connection refused")
    assert sleeps == [0.5, 1.0, 2.0]
    [record] = caplog.records
    assert (record.name, record.levelno) == ("engine.notify", logging.WARNING)
    assert record.getMessage() == (
        f"notification to webhook http://127.0.0.1:{port}/hooks/… failed after 4 attempts "
        "(connection refused); the run's results and alerts are unaffected")


def test_a_missing_secret_is_said_without_an_attempt(
        hook: Hook, caplog: pytest.LogCaptureFixture) -> None:
    config = notify(webhooks=[{"url": hook.url, "name": "benefits",
                               "token_env": "HOOK_TOKEN"}])
    [delivery] = send(ALERTS, config, env={})
    assert (delivery.ok, delivery.attempts) == (False, 0)
    assert hook.requests == []
    assert ("notification to webhook 'benefits' (http://127.0.0.1:"
            in caplog.text)
    assert "not sent (the environment variable HOOK_TOKEN is not set)" in caplog.text


def test_a_busy_mail_server_is_retried(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.script = ["451 Try again later"]
    sleeps = Sleeps()
    [delivery] = send(ALERTS, notify(email=[mail(port)]), sleep=sleeps)
    assert (delivery.ok, delivery.attempts) == (True, 2)
    assert len(box.messages) == 1 and sleeps == [0.5]


def test_a_mail_server_that_is_down_gives_one_warning(caplog: pytest.LogCaptureFixture
                                                      ) -> None:
    port = free_port()
    [delivery] = send(ALERTS, notify(retries=1, email=[mail(port)]), sleep=Sleeps())
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 2, "connection refused")
    [record] = caplog.records
    assert record.getMessage() == (
        "notification by email to quality@example.org, Benefits lead <lead@example.org> "
        f"via 127.0.0.1:{port} failed after 2 attempts (connection refused); the run's "
        "results and alerts are unaffected")


# -- Logging in over TLS -----------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for 127.0.0.1; the client trusts it through ca_file."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    return folder


def check_login(server: SMTPServer, session: Session, envelope: Envelope, mechanism: str,
                auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and \
        (auth_data.login, auth_data.password) == (b"bot", b"pa55word")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_logs_in_over_tls(certificate: Path, security: str) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    tls: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True, "auth_required": True}
        if security == "starttls"
        # aiosmtpd offers AUTH on a TLS-from-the-start connection only when told to
        else {"ssl_context": context, "auth_require_tls": False})
    box = Mailbox()
    controller = smtp_server(box, authenticator=check_login, **tls)
    try:
        receiver = mail(controller.port, security=security, username="bot",
                        password_env="SMTP_PASSWORD", ca_file=str(certificate / "cert.pem"))
        config = notify(email=[receiver])
        [delivery] = send(ALERTS, config, env={"SMTP_PASSWORD": "pa55word"})
        assert delivery.ok, delivery.error
        assert len(box.messages) == 1
        [refused] = send(ALERTS, config, env={"SMTP_PASSWORD": "wrong"}, sleep=Sleeps())
        assert (refused.ok, refused.attempts) == (False, 1)
        assert refused.error is not None and refused.error.startswith("login refused 535")
        assert len(box.messages) == 1
    finally:
        controller.stop()


def test_an_untrusted_certificate_is_not_retried(certificate: Path) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    controller = smtp_server(Mailbox(), tls_context=context, require_starttls=True)
    try:
        [delivery] = send(ALERTS, notify(email=[mail(controller.port, security="starttls")]))
    finally:
        controller.stop()
    assert (delivery.ok, delivery.attempts) == (False, 1)
    assert delivery.error is not None
    assert delivery.error.startswith("the server's certificate is not trusted")


# -- The model ---------------------------------------------------------------------------

def test_the_documented_yaml_validates() -> None:
    doc = engine.model.notify.__doc__ or ""
    written = doc.split("::\n", 1)[1].split("\n\n", 1)[0]
    config = Notify.model_validate(yaml.safe_load(written)["notify"])
    assert config.webhooks[0].token_env == "HOOK_TOKEN"
    assert config.email[0].sender == "compliance@example.org"
    assert config.email[0].smtp_port == 587
    assert (config.retries, config.retry_wait, config.timeout) == (3, 2.0, 10.0)
    assert config.model_dump(by_alias=True, mode="json")["retry_wait"] == "2 seconds"


@pytest.mark.parametrize(("given", "where", "said"), [
    ({"retrys": 3}, "retrys", "Extra inputs are not permitted"),
    ({"webhooks": [{"url": "https://example.org/h", "tokn_env": "T"}]}, "webhooks.0.tokn_env",
     "Extra inputs are not permitted"),
    ({"webhooks": [{"url": "https://example.org/h", "token": "abc"}]}, "webhooks.0",
     "'token' is never written in the policy file"),
    ({"webhooks": [{"url": "https://example.org/h", "headers": {"Authorization": "x"}}]},
     "webhooks.0.headers", "name an environment variable with token_env"),
    ({"webhooks": [{"url": "https://example.org/h", "token_env": "xoxb-123"}]},
     "webhooks.0.token_env", "not the token itself"),
    ({"webhooks": [{"url": "ftp://example.org/h"}]}, "webhooks.0.url", "(http or https)"),
    ({"webhooks": [{"url": "example.org/h"}]}, "webhooks.0.url", "is not a web address"),
    ({"email": [mail(25, password="x")]}, "email.0", "'password' is never written"),
    ({"email": [mail(25, to=["quality@example"])]}, "email.0.to", "is not an email address"),
    ({"email": [mail(25, to="a@example.org, b@example.org")]}, "email.0.to",
     "is not an email address"),
    ({"email": [mail(25, host="smtp.example.org:25")]}, "email.0.host", "under 'port'"),
    ({"email": [mail(25, host="smtp.example.org", username="bot",
                     password_env="SMTP_PASSWORD")]}, "email.0", "unencrypted"),
    ({"email": [mail(25, username="bot")]}, "email.0", "needs both"),
    ({"severities": ["hgih"]}, "severities.0", "'low', 'medium', 'high' or 'critical'"),
    ({"retry_wait": 2}, "retry_wait", "write it with its unit, like '2 seconds'"),
    ({"timeout": "10 secs"}, "timeout", "is not a duration"),
])
def test_mistakes_are_refused(given: dict[str, Any], where: str, said: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Notify.model_validate(given)
    [error] = caught.value.errors()
    assert ".".join(str(p) for p in error["loc"]) == where
    assert said in error["msg"]


def test_one_recipient_may_be_written_without_a_list() -> None:
    config = Notify.model_validate({"email": [mail(25, to="quality@example.org")]})
    assert config.email[0].to == ["quality@example.org"]


@pytest.mark.parametrize(("url", "shown"), [
    ("https://example.org/hooks/service-standards", "https://example.org/hooks/…"),
    ("https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/…"),
    ("https://org.webhook.office.com/webhookb2/1a2b@3c4d/IncomingWebhook/5e/6f",
     "https://org.webhook.office.com/…"),
    ("https://webhook.example/6f1c2b0e-4d6a-4f51", "https://webhook.example/…"),
    ("https://example.org/notify?key=abc", "https://example.org/notify?…"),
    ("http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/hook"),
    ("https://example.org", "https://example.org"),
])
def test_logs_show_webhooks_with_their_tokens_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown


# -- Through a run: compliance check's own path ----------------------------------------------

RUN_COLUMNS = {"id": "string", "lodged": "date", "decided": "date"}
RUN_STANDARD: dict[str, Any] = dict(
    measure={"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}},
    period={"kind": "month", "by": "decided"}, target={"at_least": "80%"},
    alerts={"stale_data": "off"})


def run_rows(late: int) -> list[list[Any]]:
    """Ten June claims, ``late`` of them decided after 40 days."""
    return [[f"C{i}", "2025-05-01" if i < late else "2025-06-20", "2025-06-29"]
            for i in range(10)]


def test_a_run_sends_its_new_alerts_once_and_its_resolved_ones(
        tmp_path: Path, hook: Hook) -> None:
    policy = {"notify": {"webhooks": [{"url": hook.url}], "retry_wait": "0.5 seconds"}}
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    folder = tmp_path / "catalogue"
    first = run(folder, RUN_COLUMNS, RUN_STANDARD, run_rows(5), store=store, policy=policy)
    assert [a["key"] for a in hook.requests[0]["json"]["alerts"]] == ["T-01:breach:all"]
    # The message sent names the owner and the next step, as do the alert's own fields.
    step = ("review the cases of 2025-06 that missed the standard, find the causes, and agree "
            "how to bring the result back to at least 80%")
    sent = hook.requests[0]["json"]
    assert (sent["alerts"][0]["owner"], sent["alerts"][0]["next_step"]) == ("Tests", step)
    assert sent["text"].endswith(f"needed 3 more cases meeting the standard. Owner: Tests. "
                                 f"Next step: {step}.")
    assert [(n.channel, n.alerts, n.ok) for n in first.record.notifications] == \
        [("webhook", 1, True)]
    # The same extract again: the alert is ongoing, so nothing is sent.
    again = run(folder, RUN_COLUMNS, RUN_STANDARD, run_rows(5), store=store, policy=policy)
    assert len(hook.requests) == 1 and again.record.notifications == []
    # Recovered: the resolution is sent.
    run(folder, RUN_COLUMNS, RUN_STANDARD, run_rows(0), store=store, policy=policy)
    assert [(a["key"], a["state"]) for a in hook.requests[1]["json"]["alerts"]] == \
        [("T-01:breach:all", "resolved")]
    # Still the owner's; the step it asked for is done with, and not repeated.
    resolved = hook.requests[1]["json"]
    assert (resolved["alerts"][0]["owner"], resolved["alerts"][0]["next_step"]) == (
        "Tests", "none for this alert; close any follow-up opened for it")
    assert resolved["text"].endswith(
        "It was: T-01 Test standard: breach in 2025-06. 50.0% (5 of 10) against a target of "
        "at least 80%: 30.0 points below the target; it needed 3 more cases meeting the "
        "standard. Owner: Tests. Next step: none for this alert; close any follow-up opened "
        "for it.")


def test_without_a_store_or_with_no_notify_nothing_is_sent(tmp_path: Path, hook: Hook) -> None:
    policy = {"notify": {"webhooks": [{"url": hook.url}]}}
    outcome = run(tmp_path / "a", RUN_COLUMNS, RUN_STANDARD, run_rows(5), policy=policy)
    assert [a.state.value for a in outcome.record.alerts] == ["new"]  # every alert looks new
    assert hook.requests == [] and outcome.record.notifications == []
    code = CliRunner().invoke(app, [
        "check", "--standards", str(tmp_path / "a"), "--out", str(tmp_path / "out"),
        "--store", f"sqlite:///{tmp_path / 'store.sqlite'}", "--no-notify"]).exit_code
    assert code == 1 and hook.requests == []
