"""redact_url / redact_text: the one place URLs lose their passwords before being shown."""

from __future__ import annotations

import pytest

from core.redact import redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:S3cret@db:5432/x", "postgresql://u:***@db:5432/x"),
        ("postgresql://u@db/x", "postgresql://u@db/x"),
        ("https://qdrant.example:6333", "https://qdrant.example:6333"),
        ("https://abcdefghijklmnopqrstuvwxyz@qdrant.example", "https://***@qdrant.example"),
        ("postgresql://u:p@ss:w0rd@db/x", "postgresql://u:***@db/x"),
        ("sqlite:////home/me/studyhall.db", "sqlite:////home/me/studyhall.db"),
        (None, None),
    ],
)
def test_redact_url(url: str | None, shown: str | None) -> None:
    assert redact_url(url) == shown


def test_redact_text_in_a_sentence() -> None:
    said = "connect to postgresql://u:S3cret@db/x failed; also http://a:b@q:1"
    assert redact_text(said) == "connect to postgresql://u:***@db/x failed; also http://a:***@q:1"


def test_redact_text_with_an_at_sign_in_the_password() -> None:
    assert redact_text("postgresql://u:p@ss:w0rd@db/x") == "postgresql://u:***@db/x"
