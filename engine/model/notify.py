"""Notifications: where new and resolved alerts are sent, written under ``notify:``.

In the alert-policy file::

    notify:
      webhooks:
        - name: benefits channel              # optional, shown in logs
          url: https://example.org/hooks/service-standards
          token_env: HOOK_TOKEN               # optional: Authorization: Bearer $HOOK_TOKEN
      email:
        - host: smtp.example.org              # port 587 with STARTTLS unless told otherwise
          username: compliance-bot
          password_env: SMTP_PASSWORD         # read from this environment variable
          from: compliance@example.org
          to: [quality@example.org]
          severities: [critical]              # optional: this receiver hears only these
      severities: [critical, high]            # optional: the default for every receiver
      retries: 3                              # attempts after the first
      retry_wait: 2 seconds                   # doubles after each failure
      timeout: 10 seconds

Secrets are never written here: tokens and passwords are named by the environment
variable that holds them, and a ``password``, ``token`` or ``Authorization`` header
written in the file is refused with a note saying so.
"""

from __future__ import annotations

import ipaddress
import re
from email.utils import parseaddr
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from engine.model.common import Severity, Strict

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")  # most serious first

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
_WAIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|seconds?|minutes?)\s*$")
_SECONDS = {"ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001, "s": 1.0,
            "second": 1.0, "seconds": 1.0, "minute": 60.0, "minutes": 60.0}


def parse_wait(value: Any) -> Any:
    """'2 seconds' → 2.0, '1 minute' → 60.0. Bare numbers are refused: seconds or minutes?"""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise ValueError(f"{value!r} is a bare number; write it with its unit, like "
                         f"'{value} seconds'")
    match = _WAIT.match(value.lower()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a duration; write it like '2 seconds' or "
                         "'1 minute'")
    return float(match.group(1)) * _SECONDS[match.group(2)]


def _show_wait(seconds: float) -> str:
    return f"{seconds:g} second{'' if seconds == 1 else 's'}"


Wait = Annotated[
    float,
    BeforeValidator(parse_wait),
    PlainSerializer(_show_wait, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["2 seconds", "1 minute"]}),
]


def _env_name(value: str, key: str, secret: str, example: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(f"{key} names the environment variable that holds the {secret} "
                         f"(like {example}), not the {secret} itself")
    return value


def _no_secret(data: Any, key: str, instead: str) -> None:
    if isinstance(data, dict) and key in data:
        raise ValueError(f"'{key}' is never written in the policy file; put it in an "
                         f"environment variable and name that variable with '{instead}'")


def _address(value: str) -> str:
    _, address = parseaddr(value)
    if not _ADDRESS.match(address) or (address != value.strip() and "<" not in value):
        raise ValueError(f"'{value}' is not an email address; write it like "
                         "quality@example.org or 'Quality team <quality@example.org>'")
    return value.strip()


def _one_or_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Receiver(Strict):
    """What every receiver has: a name for the logs and its own severity filter."""

    name: str | None = Field(None, min_length=1, description="A name for this receiver, "
                             "shown in logs and delivery records (e.g. 'benefits channel').")
    severities: list[Severity] | None = Field(
        None, min_length=1, description="Only alerts of these severities go to this "
        "receiver (default: the notify-level 'severities').")


class Webhook(Receiver):
    """An incoming webhook (Teams, Slack or any JSON receiver): one POST per run."""

    url: str = Field(description="The webhook's http(s) URL. Treated as a secret: logs "
                     "show only its host and first path segment.",
                     examples=["https://example.org/hooks/service-standards"])
    headers: dict[str, str] = Field(
        default_factory=dict, description="Extra HTTP headers, e.g. {X-Team: benefits}. "
        "Not for credentials: use token_env.")
    token_env: str | None = Field(
        None, description="The environment variable holding a token, sent as "
        "'Authorization: Bearer <token>'.", examples=["HOOK_TOKEN"])

    @model_validator(mode="before")
    @classmethod
    def _no_token(cls, data: Any) -> Any:
        _no_secret(data, "token", "token_env")
        return data

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"'{value}' is not a web address; write it like "
                             "https://example.org/hooks/service-standards (http or https)")
        if parts.username or parts.password:
            raise ValueError("the url carries a user name or password; use token_env instead")
        return value.strip()

    @field_validator("headers")
    @classmethod
    def _plain_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not _HEADER_NAME.match(name):
                raise ValueError(f"'{name}' is not an HTTP header name")
            if name.lower() in ("authorization", "proxy-authorization", "cookie"):
                raise ValueError(f"the '{name}' header would write a secret in the policy "
                                 "file; name an environment variable with token_env instead")
        return value

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, value: str | None) -> str | None:
        return None if value is None else _env_name(value, "token_env", "token", "HOOK_TOKEN")


class Security(StrEnum):
    starttls = "starttls"
    ssl = "ssl"
    none = "none"


_PORTS = {Security.starttls: 587, Security.ssl: 465, Security.none: 25}


class Email(Receiver):
    """A plain-text email, sent through an SMTP server: one message per run."""

    host: str = Field(description="The SMTP server's host name.", examples=["smtp.example.org"])
    port: int | None = Field(None, ge=1, le=65535, description="The SMTP port (default: 587 "
                             "with starttls, 465 with ssl, 25 with none).")
    security: Security = Field(Security.starttls, description="starttls (upgrade the "
                               "connection, usually port 587), ssl (TLS from the start, "
                               "usually 465) or none (only to a relay on this machine when "
                               "logging in).")
    ca_file: str | None = Field(None, description="A file of CA certificates to trust for "
                                "this server (for an internal CA); default: the system's.")
    username: str | None = Field(None, min_length=1, description="The user name to log in "
                                 "with (with password_env).")
    password_env: str | None = Field(None, description="The environment variable holding "
                                     "the password.", examples=["SMTP_PASSWORD"])
    sender: str = Field(alias="from", description="The sender address.",
                        examples=["compliance@example.org"])
    to: Annotated[list[str], BeforeValidator(_one_or_list)] = Field(
        min_length=1, description="The recipients' addresses.",
        json_schema_extra={"examples": [["quality@example.org"]]})

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        _no_secret(data, "password", "password_env")
        return data

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if "://" in value or (":" in value and not value.startswith("[")):
            raise ValueError(f"'{value}' is not a host name; write only the name, like "
                             "smtp.example.org, and the port under 'port'")
        if not _HOST.match(value):
            raise ValueError(f"'{value}' is not a host name; write it like smtp.example.org")
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _address(value)

    @field_validator("to")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        return [_address(v) for v in value]

    @field_validator("password_env")
    @classmethod
    def _password_env(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _env_name(value, "password_env", "password", "SMTP_PASSWORD")

    @model_validator(mode="after")
    def _login(self) -> Email:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("logging in needs both 'username' and 'password_env'")
        if self.username and self.security is Security.none and not _local(self.host):
            raise ValueError("a password would cross the network unencrypted; use "
                             "security: starttls (or ssl)")
        return self

    @property
    def smtp_port(self) -> int:
        return self.port or _PORTS[self.security]


def _local(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Notify(Strict):
    """Where new and resolved alerts are sent, and how hard to try."""

    webhooks: list[Webhook] = Field(default_factory=list, description="Incoming webhooks, "
                                    "each sent one JSON POST per run.")
    email: list[Email] = Field(default_factory=list, description="Email receivers, each "
                               "sent one plain-text message per run.")
    severities: list[Severity] | None = Field(
        None, min_length=1, description="Only alerts of these severities are sent "
        "(default: all).", json_schema_extra={"examples": [["critical", "high"]]})
    retries: int = Field(3, ge=0, le=10, description="Attempts after the first, on a "
                         "connection error, a timeout or a temporary refusal.")
    retry_wait: Wait = Field(2.0, ge=0, le=300, description="The wait before the first "
                             "retry, e.g. '2 seconds'; it doubles after each failure.")
    timeout: Wait = Field(10.0, gt=0, le=300, description="How long one attempt may take, "
                          "e.g. '10 seconds'.")
