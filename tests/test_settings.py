"""Settings come from the environment and .env, and are built only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.entry import load_settings
from core.settings import Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STUDYHALL_HOME", raising=False)
    monkeypatch.delenv("STUDYHALL_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = Settings(_env_file=None)
    assert settings.home == tmp_path / ".studyhall"
    assert not settings.home.exists()  # created on first use, not on import
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path}/.studyhall/studyhall.db"
    assert settings.home.is_dir()


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STUDYHALL_DATABASE_URL", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("STUDYHALL_DATABASE_URL=postgresql://u@db:5432/sh\n")
    monkeypatch.setenv("STUDYHALL_HOME", str(tmp_path / "data"))
    settings = Settings(_env_file=env_file)
    assert settings.home == tmp_path / "data"
    assert settings.resolved_database_url() == "postgresql://u@db:5432/sh"


def test_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValidationError, match="STUDYHALL_DATABASE_URL"):
        Settings(database_url="mysql://x", _env_file=None)


def test_importing_the_core_builds_no_settings() -> None:
    import core.app
    import core.cli

    assert not any(isinstance(v, Settings) for v in vars(core.cli).values())
    assert not any(isinstance(v, Settings) for v in vars(core.app).values())


def test_discord_api_url_defaults_to_discord_and_takes_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STUDYHALL_DISCORD_API_URL", raising=False)
    assert Settings(_env_file=None).discord_api_url == "https://discord.com/api/v10"
    monkeypatch.setenv("STUDYHALL_DISCORD_API_URL", "http://127.0.0.1:8080/")
    assert Settings(_env_file=None).discord_api_url == "http://127.0.0.1:8080/api/v10"
    monkeypatch.setenv("STUDYHALL_DISCORD_API_URL", "https://proxy.example/discord/api/v10")
    assert Settings(_env_file=None).discord_api_url == "https://proxy.example/discord/api/v10"
    monkeypatch.setenv("STUDYHALL_DISCORD_API_URL", " ")
    assert Settings(_env_file=None).discord_api_url == "https://discord.com/api/v10"


@pytest.mark.parametrize("bad", ["discord.com/api/v10", "ftp://proxy.example", "https://"])
def test_a_discord_api_url_that_is_not_http_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("STUDYHALL_DISCORD_API_URL", bad)
    with pytest.raises(ValueError) as refused:
        load_settings()
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("bad configuration: STUDYHALL_DISCORD_API_URL: must be an http:// or https://")
