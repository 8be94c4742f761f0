"""Studyhall's configuration: one Settings object, built by an entry point and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Studyhall reads from the environment (prefix ``STUDYHALL_``) or a ``.env`` file."""

    model_config = SettingsConfigDict(
        env_prefix="STUDYHALL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    home: Path = Field(
        default_factory=lambda: Path.home() / ".studyhall",
        description="Data directory: the SQLite database and anything else kept locally.",
    )
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path/to/file.db or postgresql://user@host:port/db; "
        "default: a SQLite file in the data directory.",
    )

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("database_url", mode="after")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite://", "postgresql://", "postgres://")):
            raise ValueError(
                "STUDYHALL_DATABASE_URL must start with sqlite:/// or postgresql:// "
                f"(got {value.split(':', 1)[0]!r})"
            )
        return value

    def resolved_database_url(self) -> str:
        """The database to use; the default SQLite file lives in the data directory."""
        return self.database_url or f"sqlite:///{self.ensure_home() / 'studyhall.db'}"

    def ensure_home(self) -> Path:
        """Create the data directory on first use."""
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
