"""Tests of the mail settings (CONTRACT.md section 6) and the data key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.handover.settings import (
    TLS_IMPLICIT,
    TLS_NONE,
    TLS_STARTTLS,
    MailSettingsError,
    data_key,
    mail_status_line,
    parse_smtp_url,
    smtp_settings,
)
from bot.settings import Settings

FROM = "wijkwijzer@gemeente.example"


def config(smtp_url: str = "", mail_from: str = "", data_key: str = "") -> Settings:
    """The settings object with these three values, whatever the test's environment holds."""
    return Settings(smtp_url=smtp_url, mail_from=mail_from, data_key=data_key)


def test_the_three_url_forms_of_the_contract() -> None:
    plain = parse_smtp_url("smtp://user:geheim@mail.example:2525", FROM)
    assert (plain.host, plain.port, plain.tls) == ("mail.example", 2525, TLS_NONE)
    assert (plain.username, plain.password, plain.sender) == ("user", "geheim", FROM)
    implicit = parse_smtp_url("smtps://mail.example", FROM)
    assert (implicit.port, implicit.tls) == (465, TLS_IMPLICIT)
    starttls = parse_smtp_url("smtp://u:p@mail.example?starttls=1", FROM)
    assert (starttls.port, starttls.tls) == (587, TLS_STARTTLS)
    # A password with reserved characters arrives percent-encoded.
    assert parse_smtp_url("smtp://u%40x:p%2Fq%3A@h:25", FROM).password == "p/q:"


def test_the_password_never_shows() -> None:
    settings = parse_smtp_url("smtp://user:geheim@mail.example:2525", FROM)
    assert "geheim" not in repr(settings)
    assert "geheim" not in settings.describe()
    line = mail_status_line(config("smtp://u:geheim@h:25", FROM))
    assert "geheim" not in line and "h:25" in line


@pytest.mark.parametrize(
    "url", ["http://mail.example", "smtp://", "smtps://h?starttls=1", "smtp://h:99999"]
)
def test_unusable_urls_are_refused_in_dutch(url: str) -> None:
    with pytest.raises(MailSettingsError):
        parse_smtp_url(url, FROM)


def test_without_settings_mail_is_off_and_the_start_up_line_says_so() -> None:
    assert smtp_settings(config()) is None
    assert "alleen in de werkplek" in mail_status_line(config())
    with pytest.raises(MailSettingsError):
        smtp_settings(config("smtp://h:25"))
    half = mail_status_line(config("smtp://h:25"))
    assert "alleen in de werkplek" in half and "WIJKWIJZER_MAIL_FROM" in half
    with pytest.raises(MailSettingsError):
        smtp_settings(config("smtp://h:25", "geen adres"))


def test_the_data_key_comes_from_the_setting_or_one_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    assert data_key(config(data_key="uit-de-omgeving"), key_file) == "uit-de-omgeving"
    assert not key_file.exists()
    first = data_key(config(), key_file)
    assert len(first) >= 32
    assert data_key(config(), key_file) == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_without_an_argument_the_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIJKWIJZER_SMTP_URL", "smtps://mail.example")
    monkeypatch.setenv("WIJKWIJZER_MAIL_FROM", FROM)
    monkeypatch.setenv("WIJKWIJZER_DATA_KEY", "uit-de-omgeving")
    mail = smtp_settings()
    assert mail is not None and (mail.host, mail.tls) == ("mail.example", TLS_IMPLICIT)
    assert data_key() == "uit-de-omgeving"
