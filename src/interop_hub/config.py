"""Runtime settings, read from ``INTEROP_HUB_*`` environment variables.

This module imports nothing from the rest of the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTEROP_HUB_", extra="ignore")

    data_dir: Path = Field(
        default=Path(".interop-hub"),
        description="Where the embedded SQLite database and generated keys live.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file in data_dir. "
        "Use postgresql+psycopg://... for PostgreSQL.",
    )
    jwt_secret: str | None = Field(
        default=None,
        description="HMAC key for access tokens; generated into data_dir when unset.",
    )
    secrets_key: str | None = Field(
        default=None,
        description="Fernet key that encrypts connector secrets at rest. When unset, the "
        "file data_dir/secrets.key is used if it exists (``interop-hub connectors keygen`` "
        "writes it; the demo does too); otherwise storing a secret is refused.",
    )
    sync_spool_dir: Path | None = Field(
        default=None,
        description="Scratch folder for staged sync data (default: data_dir/spool). The "
        "durable copy of staged data lives in the database.",
    )
    sync_queue: bool = Field(
        default=False,
        description="Run syncs on procrastinate worker processes (`interop-hub worker`; "
        "PostgreSQL only). Off: the API process runs them and the schedule in-process.",
    )
    sync_scheduler: bool = Field(
        default=True,
        description="Run the in-process scheduler in the API process (when sync_queue is off).",
    )
    sync_lease_seconds: int = Field(
        default=120,
        ge=10,
        description="A running sync renews its lease this often (a third of it); a run "
        "whose lease ran out belongs to a worker that died and is recovered.",
    )
    token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    public_base_url: str | None = Field(
        default=None,
        description="Absolute base URL used in hrefs and Link headers; "
        "defaults to the request's own base URL.",
    )
    rate_limit_per_minute: int = Field(
        default=6000,
        ge=0,
        description="Requests per client per minute on data endpoints (0 disables); "
        "beyond it the API answers 429 with Retry-After.",
    )
    oneroster_default_limit: int = Field(default=100, ge=1)
    oneroster_max_limit: int = Field(default=10000, ge=10000)
    edfi_max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest Ed-Fi request body accepted; larger bodies get 413.",
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hub.db').as_posix()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
