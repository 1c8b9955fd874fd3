"""The notification settings as policy staff write them: what validates, what is refused."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import engine.model.notify
from engine.model.notify import Notify


def mail(port: int, **given: Any) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "security": "none",
            "from": "compliance@example.org",
            "to": ["quality@example.org", "Benefits lead <lead@example.org>"], **given}


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
