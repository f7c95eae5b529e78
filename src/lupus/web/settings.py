"""Service settings from the environment (``LUPUS_*``), validated once at start-up."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_SECRET_KEY", "Settings", "SettingsError", "load_settings"]

DEFAULT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"


class Settings(BaseSettings):
    """``LUPUS_ENV``, ``LUPUS_SECRET_KEY``, ``LUPUS_DATABASE_URL``, ``LUPUS_TOKEN_MINUTES``.

    Outside development the service refuses to start with the default (or a short) secret key.
    """

    model_config = SettingsConfigDict(env_prefix="LUPUS_", extra="ignore")

    env: Literal["development", "production"] = "production"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    database_url: str | None = None
    token_minutes: int = 60

    @model_validator(mode="after")
    def _secret_key_outside_development(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if self.env != "development" and (key == DEFAULT_SECRET_KEY or len(key) < 32):
            raise ValueError(
                "LUPUS_SECRET_KEY: must be set to a random value of at least 32 characters "
                f"when LUPUS_ENV is {self.env!r} (only development may use the default)"
            )
        if not 1 <= self.token_minutes <= 24 * 60:
            raise ValueError(
                f"LUPUS_TOKEN_MINUTES: got {self.token_minutes}; allowed: 1 to 1440 minutes"
            )
        return self


class SettingsError(ValueError):
    """The environment does not give usable settings (the message names the variable)."""


def load_settings() -> Settings:
    """Read and validate the settings once; a clean one-line error (no values echoed)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()))
            name = f"LUPUS_{where.upper()}: " if where else ""
            problems.append(name + str(err.get("msg", "invalid")).removeprefix("Value error, "))
        raise SettingsError("; ".join(problems)) from None
