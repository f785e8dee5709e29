"""Mail settings and the key for sealed data, from the one settings object (bot/settings.py)."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from email_validator import EmailNotValidError, validate_email

from bot.settings import Settings
from bot.settings import settings as app_settings

ENV_SMTP_URL: Final = "WIJKWIJZER_SMTP_URL"
ENV_MAIL_FROM: Final = "WIJKWIJZER_MAIL_FROM"
ENV_DATA_KEY: Final = "WIJKWIJZER_DATA_KEY"

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
# Without WIJKWIJZER_DATA_KEY the key lives in this file beside the default SQLite database,
# so the bot and the workspace on one machine share it; several machines need the setting.
DEFAULT_KEY_FILE: Final = PROJECT_ROOT / ".wijkwijzer-data-key"

TLS_NONE: Final = "none"
TLS_IMPLICIT: Final = "smtps"
TLS_STARTTLS: Final = "starttls"
DEFAULT_PORTS: Final = {TLS_NONE: 25, TLS_IMPLICIT: 465, TLS_STARTTLS: 587}
_TRUE: Final = frozenset({"1", "true", "yes", "ja", "on"})


class MailSettingsError(ValueError):
    """A mail setting that cannot be used; the message is Dutch and holds no password."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how mail goes out; `sender` is the From address."""

    host: str
    port: int
    sender: str
    tls: str = TLS_NONE
    username: str = ""
    password: str = ""
    timeout: float = 10.0

    def __repr__(self) -> str:
        # The password never reaches a log line or a test report.
        user = f"{self.username}:***@" if self.username else ""
        return f"SmtpSettings({self.tls}://{user}{self.host}:{self.port}, from={self.sender!r})"

    def describe(self) -> str:
        """For the start-up log: where mail goes, without credentials."""
        security = {TLS_NONE: "zonder TLS", TLS_IMPLICIT: "via TLS", TLS_STARTTLS: "met STARTTLS"}
        return f"{self.host}:{self.port} ({security[self.tls]}), afzender {self.sender}"


def parse_smtp_url(url: str, sender: str) -> SmtpSettings:
    """`smtp://user:password@host:port`, `smtps://` for TLS, `?starttls=1` (CONTRACT.md 6)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise MailSettingsError(f"{ENV_SMTP_URL} is geen geldige URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise MailSettingsError(f"{ENV_SMTP_URL} moet beginnen met smtp:// of smtps://.")
    if not parts.hostname:
        raise MailSettingsError(f"{ENV_SMTP_URL} noemt geen mailserver.")
    query = parse_qs(parts.query)
    starttls = any(value.strip().lower() in _TRUE for value in query.get("starttls", []))
    if scheme == "smtps" and starttls:
        raise MailSettingsError(f"{ENV_SMTP_URL}: kies smtps:// óf ?starttls=1, niet allebei.")
    tls = TLS_IMPLICIT if scheme == "smtps" else TLS_STARTTLS if starttls else TLS_NONE
    try:
        sender = validate_email(sender.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise MailSettingsError(f"{ENV_MAIL_FROM} is geen geldig e-mailadres.") from None
    return SmtpSettings(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[tls],
        sender=sender,
        tls=tls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def smtp_settings(config: Settings | None = None) -> SmtpSettings | None:
    """The configured mail server; None when mail is off (requests reach the workspace only).

    `config` is the settings object, by default the one read from the environment."""
    config = config or app_settings()
    url = config.smtp_url.strip()
    sender = config.mail_from.strip()
    if not url and not sender:
        return None
    if not url or not sender:
        missing = ENV_SMTP_URL if not url else ENV_MAIL_FROM
        raise MailSettingsError(f"{missing} ontbreekt; zet beide of geen van beide.")
    return parse_smtp_url(url, sender)


def mail_status_line(config: Settings | None = None) -> str:
    """One Dutch line for the start-up log: where callback requests go."""
    try:
        settings = smtp_settings(config)
    except MailSettingsError as error:
        return f"Terugbelverzoeken: alleen in de werkplek; mail staat uit ({error})"
    if settings is None:
        return (
            "Terugbelverzoeken: alleen in de werkplek; mail staat uit "
            f"(geen {ENV_SMTP_URL} en {ENV_MAIL_FROM})."
        )
    return f"Terugbelverzoeken: werkplek en mail via {settings.describe()}."


def data_key(config: Settings | None = None, key_file: Path = DEFAULT_KEY_FILE) -> str:
    """The key material for sealed personal data: WIJKWIJZER_DATA_KEY, else the key file.

    The file is made on first use (readable by its owner only). Losing it makes stored
    callback details unreadable, which is also how they are meant to end.
    """
    configured = (config or app_settings()).data_key.strip()
    if configured:
        return configured
    material = secrets.token_urlsafe(32)
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(key_file)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(material)
    return material


def _read_key_file(key_file: Path) -> str:
    # Another process may have created the file a moment ago and not written it yet.
    for _ in range(50):
        material = key_file.read_text(encoding="ascii").strip()
        if material:
            return material
        time.sleep(0.02)
    raise MailSettingsError(f"{key_file} is leeg; zet {ENV_DATA_KEY} of verwijder het bestand.")
