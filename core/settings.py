"""Studyhall's configuration: one Settings object, built by an entry point and passed down."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.answers.llm import DEFAULT_MODEL as DEFAULT_LLM_MODEL
from core.private_files import private_dir

DISCORD_API_URL = "https://discord.com/api/v10"


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

    embedding_model: str | None = Field(
        default=None,
        description="A FastEmbed model name (needs network the first time); default: all-MiniLM-L6-v2.",
    )
    embedding_model_path: Path | None = Field(
        default=None, description="A local FastEmbed/ONNX model folder; works offline."
    )
    qdrant_url: str | None = Field(
        default=None, description="A Qdrant server; default: an in-memory index in each process."
    )
    qdrant_api_key: str | None = Field(default=None, description="API key for the Qdrant server.")
    anthropic_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_API_KEY", "STUDYHALL_ANTHROPIC_API_KEY"),
        description="Key for LLM answers; without it answers are extractive.",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "STUDYHALL_ANTHROPIC_BASE_URL"),
        description="Another Messages API endpoint (a proxy or gateway).",
    )
    llm_model: str = Field(default=DEFAULT_LLM_MODEL, description="The Anthropic model for answers.")
    llm_timeout: float = Field(default=30.0, gt=0, le=300, description="Seconds per LLM request.")
    discord_token: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "STUDYHALL_DISCORD_TOKEN"),
        description="The Discord bot's token (studyhall-bot).",
    )
    discord_api_url: str = Field(
        default=DISCORD_API_URL,
        description="Discord's REST API base; another one for an HTTP proxy in front of Discord "
        "(or a local stand-in). A bare host gets /api/v10.",
    )
    books_root: Path | None = Field(
        default=None,
        description="The only folder Discord staff may take books from (and upload into); "
        "default: <home>/books.",
    )
    book_max_file_bytes: int = Field(
        default=5_000_000, gt=0, description="Largest book file one ingest or upload accepts (bytes)."
    )
    book_max_files: int = Field(default=2_000, gt=0, description="Most book files one ingest accepts.")
    book_max_total_bytes: int = Field(
        default=100_000_000, gt=0, description="Most bytes of book files one ingest accepts."
    )
    book_upload_max_bytes: int = Field(
        default=25_000_000, gt=0, description="Largest .zip `/book upload` downloads (bytes)."
    )
    book_upload_max_entries: int = Field(
        default=10_000, gt=0, description="Most entries (files and folders) an uploaded .zip may hold."
    )

    # Abuse limits: counted in the database, so every bot shard and MCP server shares them.
    auth_failure_limit: int = Field(
        default=20,
        ge=1,
        le=100_000,
        description="Failed bearer-token attempts one client address may make in 10 minutes; "
        "after that the MCP server answers 429 until the window moves on.",
    )
    searches_per_minute: int = Field(
        default=120, ge=1, le=100_000, description="Searches one user may run per minute in a course."
    )
    reads_per_minute: int = Field(
        default=300, ge=1, le=100_000, description="Pages one user may open per minute in a course."
    )
    mcp_in_flight: int = Field(
        default=8, ge=1, le=1000, description="MCP HTTP requests one token may have in flight at once."
    )
    llm_models: str | None = Field(
        default=None,
        description="Comma-separated models course staff may choose; default: llm_model only.",
    )
    max_hourly_quota: int = Field(
        default=1000,
        ge=0,
        le=100_000,
        description="The highest hourly question quota course staff may set.",
    )

    @field_validator(
        "database_url",
        "embedding_model",
        "embedding_model_path",
        "qdrant_url",
        "qdrant_api_key",
        "discord_token",
        "books_root",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _no_contradictions(self) -> Settings:
        if self.embedding_model and self.embedding_model_path:
            raise ValueError("set STUDYHALL_EMBEDDING_MODEL or STUDYHALL_EMBEDDING_MODEL_PATH, not both")
        if self.qdrant_api_key and not self.qdrant_url:
            raise ValueError("STUDYHALL_QDRANT_API_KEY needs STUDYHALL_QDRANT_URL")
        return self

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("books_root", mode="after")
    @classmethod
    def _expand_books_root(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value else None

    @field_validator("embedding_model_path", mode="after")
    @classmethod
    def _expand_model_path(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value else None

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

    @field_validator("discord_api_url", mode="before")
    @classmethod
    def _discord_api(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        value = value.strip().rstrip("/")
        if not value:
            return DISCORD_API_URL
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # The name is added by load_settings; only the scheme is echoed (a proxy URL may hold a password).
            raise ValueError(
                f"must be an http:// or https:// URL, like {DISCORD_API_URL} (got {value.split(':', 1)[0]!r})"
            )
        return value if parts.path else f"{value}/api/v10"

    def resolved_database_url(self) -> str:
        """The database to use; the default SQLite file lives in the data directory."""
        return self.database_url or f"sqlite:///{self.ensure_home() / 'studyhall.db'}"

    def ensure_home(self) -> Path:
        """Create the data directory on first use: 0700, whatever the umask (tightened if looser)."""
        return private_dir(self.home)

    def books_folder(self) -> Path:
        """The books root, created (0700: books may hold answer keys) on first use; resolved."""
        root = self.books_root or self.home / "books"
        if not root.exists():
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return root.resolve()

    def allowed_models(self) -> tuple[str, ...]:
        """The models course staff may choose: STUDYHALL_LLM_MODELS, else the default model alone."""
        named = [m.strip() for m in (self.llm_models or "").split(",") if m.strip()]
        return tuple(dict.fromkeys(named)) or (self.llm_model,)
