"""Every setting of Wijkwijzer, read from the environment into one typed object.

`settings()` reads the environment once and keeps the result; `wijkwijzer` reads it at
start-up, so a bad value stops the program with a Dutch message before anything runs.
docs/configuration.md is generated from the fields below (`wijkwijzer settings --markdown`;
tests/test_settings.py keeps it current). Secrets are only ever read here, never logged.

This module imports nothing of ours: every layer except bot.core may use it.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Field, ValidationError, validator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ACTION_TIMEOUT = 10.0
# Sanic reads a whole body into memory before any handler runs: keep it small.
DEFAULT_REQUEST_MAX_SIZE = 1024 * 1024
DEFAULT_UPLOAD_MAX_MB = 20
DEFAULT_REVIEW_THRESHOLD = 0.6
DEFAULT_RASA_URL = "http://127.0.0.1:5005"

log = logging.getLogger(__name__)


# pydantic's error types, said in Dutch.
_REASONS = {
    "type_error.integer": "geen heel getal",
    "type_error.float": "geen getal",
    "type_error.bool": "geen ja of nee",
}


class SettingsError(ValueError):
    """A setting that cannot be used; the message is Dutch and names the variable."""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Settings(BaseSettings):
    """The environment variables, with their meaning. Empty means: not set.

    `workspace_only` marks what only the staff workspace reads (tests/deploy checks that the
    others reach every deployed server).
    """

    # --- data --------------------------------------------------------------------------
    database_url: str = Field(
        "",
        env="WIJKWIJZER_DATABASE_URL",
        description="SQLAlchemy URL of the neighbourhood database (default: wijkwijzer.db "
        "next to pyproject.toml).",
    )
    tracker_store_url: str = Field(
        "",
        env="WIJKWIJZER_TRACKER_STORE_URL",
        description="SQLAlchemy URL where Rasa keeps conversations (default: trackers.db).",
    )
    retention_days: str = Field(
        "",
        env="WIJKWIJZER_RETENTION_DAYS",
        description="Days conversations are kept (default 90; bot/ops/retention.py checks it).",
    )
    # --- Rasa server ---------------------------------------------------------------------
    host: str = Field("127.0.0.1", env="WIJKWIJZER_HOST", description="Interface `serve` binds.")
    actions_url: str = Field(
        "",
        env="WIJKWIJZER_ACTIONS_URL",
        description="Webhook of the action server for `serve --rasa-only`.",
    )
    allowed_origins: str = Field(
        "",
        env="WIJKWIJZER_ALLOWED_ORIGINS",
        description="Comma-separated web origins allowed to call the Rasa server (widget).",
    )
    api_token: str = Field(
        "",
        env="WIJKWIJZER_API_TOKEN",
        description="Token for Rasa's HTTP API (at least 16 characters; without it, off).",
    )
    jwt_secret: str = Field(
        "",
        env="WIJKWIJZER_JWT_SECRET",
        description="JWT secret for Rasa's HTTP API (at least 16 characters).",
    )
    action_timeout: float = Field(
        DEFAULT_ACTION_TIMEOUT,
        env="WIJKWIJZER_ACTION_TIMEOUT",
        description="Seconds an action may take before the resident gets a calm message.",
    )
    request_max_size: int = Field(
        DEFAULT_REQUEST_MAX_SIZE,
        env="WIJKWIJZER_REQUEST_MAX_SIZE",
        description="Largest request body the Rasa server accepts, in bytes.",
    )
    lock_store_url: str = Field(
        "",
        env="WIJKWIJZER_LOCK_STORE_URL",
        description="Redis URL for conversation locks shared by several Rasa servers.",
    )
    lock_key_prefix: str = Field(
        "",
        env="WIJKWIJZER_LOCK_KEY_PREFIX",
        description="Prefix of the lock keys in Redis (default: wijkwijzer).",
    )
    # --- staff workspace -----------------------------------------------------------------
    staff_secret: str = Field(
        "",
        env="WIJKWIJZER_STAFF_SECRET",
        workspace_only=True,
        description="Key that signs staff sessions (at least 16 characters; without it, "
        "everyone signs in again after a restart).",
    )
    staff_secure_cookies: bool = Field(
        False,
        env="WIJKWIJZER_STAFF_SECURE_COOKIES",
        workspace_only=True,
        description="1: session cookies only over HTTPS (behind a TLS proxy).",
    )
    staff_upload_max_mb: int = Field(
        DEFAULT_UPLOAD_MAX_MB,
        env="WIJKWIJZER_STAFF_UPLOAD_MAX_MB",
        workspace_only=True,
        description="Largest contact upload in the workspace, in MB.",
    )
    review_threshold: float = Field(
        DEFAULT_REVIEW_THRESHOLD,
        env="WIJKWIJZER_REVIEW_THRESHOLD",
        workspace_only=True,
        description="Messages understood with less confidence than this go to the review inbox.",
    )
    training_config: str = Field(
        "",
        env="WIJKWIJZER_TRAINING_CONFIG",
        workspace_only=True,
        description="config.yml used by trainings started in the workspace.",
    )
    cv_folds: int = Field(
        5, env="WIJKWIJZER_CV_FOLDS",
        workspace_only=True, description="Folds of the workspace's cross-validation."
    )
    models_dir: str = Field(
        "", env="WIJKWIJZER_MODELS_DIR",
        workspace_only=True, description="Folder of trained models (default: models/)."
    )
    rasa_urls: str = Field(
        DEFAULT_RASA_URL,
        env="WIJKWIJZER_RASA_URLS",
        workspace_only=True,
        description="Comma-separated Rasa servers that load a model accepted in the workspace.",
    )
    # --- WhatsApp (the Cloud API credentials themselves are in credentials.yml) -----------
    whatsapp_sender_key: str = Field(
        "",
        env="WHATSAPP_SENDER_KEY",
        description="Key for the pseudonymous WhatsApp sender ids (default: the app secret).",
    )
    whatsapp_gemeenten: str = Field(
        "",
        env="WHATSAPP_GEMEENTEN",
        description="Which municipality each business number serves: number=GM-code, ...",
    )

    class Config:
        case_sensitive = True

    @validator("action_timeout", "request_max_size", "staff_upload_max_mb", pre=True)
    def _positive_or_default(cls, value: Any, field: Any) -> Any:  # noqa: N805
        # A typo here must not stop residents' answers: warn and use the default.
        text = str(value).strip()
        try:
            number = float(text) if text else 0.0
        except ValueError:
            number = 0.0
            env = field.field_info.extra.get("env", field.name)
            log.warning("%s is geen getal; de standaardwaarde wordt gebruikt.", env)
        return value if number > 0 else field.default

    @validator("review_threshold", "cv_folds", pre=True)
    def _empty_is_default(cls, value: Any, field: Any) -> Any:  # noqa: N805
        return field.default if str(value).strip() == "" else value

    @validator("staff_secure_cookies", pre=True)
    def _one_is_true(cls, value: Any) -> bool:  # noqa: N805
        return str(value).strip() in {"1", "true", "True", "ja"}

    @validator("cv_folds")
    def _at_least_two_folds(cls, value: int) -> int:  # noqa: N805
        return max(2, value)

    @validator(
        "database_url",
        "tracker_store_url",
        "retention_days",
        "host",
        "actions_url",
        "api_token",
        "jwt_secret",
        "lock_store_url",
        "lock_key_prefix",
        "training_config",
        "models_dir",
        "whatsapp_sender_key",
    )
    def _strip(cls, value: str) -> str:  # noqa: N805
        return value.strip()

    # --- derived values ------------------------------------------------------------------

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{PROJECT_ROOT / 'wijkwijzer.db'}"

    @property
    def tracker_store(self) -> str:
        return self.tracker_store_url or f"sqlite:///{PROJECT_ROOT / 'trackers.db'}"

    @property
    def origins(self) -> list[str]:
        return _split(self.allowed_origins)

    @property
    def rasa_url_list(self) -> list[str]:
        return [url.rstrip("/") for url in _split(self.rasa_urls)] or [DEFAULT_RASA_URL]


def _environment_key() -> tuple[str | None, ...]:
    return tuple(os.environ.get(name) for name in ENV_NAMES)


@lru_cache(maxsize=1)
def _read(key: tuple[str | None, ...]) -> Settings:
    del key  # only the cache key: the values are read from the environment by pydantic
    try:
        return Settings()  # type: ignore[call-arg]  # pydantic fills every field
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            field = Settings.__fields__[str(problem["loc"][0])]
            env = field.field_info.extra.get("env", field.name)
            reason = _REASONS.get(str(problem["type"]), "waarde niet bruikbaar")
            problems.append(f"{env}: {reason}")
        raise SettingsError("; ".join(problems)) from None


def settings() -> Settings:
    """The settings, read from the environment once and kept.

    They are read again only when one of our variables changed in this process (tests
    set them; a server never does), which costs a tuple of dictionary lookups per call.
    """
    return _read(_environment_key())


def markdown_table() -> str:
    """The settings as a Markdown table, for docs/configuration.md."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for field in Settings.__fields__.values():
        env = field.field_info.extra.get("env", field.name)
        default = field.default
        shown = "" if default in ("", None) else f"`{default}`"
        lines.append(f"| `{env}` | {shown} | {field.field_info.description} |")
    return "\n".join(lines) + "\n"


ENV_NAMES: tuple[str, ...] = tuple(
    field.field_info.extra.get("env", field.name) for field in Settings.__fields__.values()
)
