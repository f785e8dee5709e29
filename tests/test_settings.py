"""The settings object: read from the environment, typed, documented from the code."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.ops import cli
from bot.settings import ENV_NAMES, SettingsError, markdown_table, settings

ROOT = Path(__file__).resolve().parents[1]


def test_docs_configuration_holds_the_table_the_code_prints() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert markdown_table() in docs


def test_every_variable_is_in_the_docs_once() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in ENV_NAMES:
        assert docs.count(f"| `{name}` |") == 1, name


def test_values_are_typed_and_defaults_fill_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WIJKWIJZER_CV_FOLDS", "7")
    monkeypatch.setenv("WIJKWIJZER_STAFF_SECURE_COOKIES", "1")
    monkeypatch.setenv("WIJKWIJZER_ALLOWED_ORIGINS", " https://a.example , ,https://b.example")
    monkeypatch.setenv("WIJKWIJZER_RASA_URLS", "http://r1:5005/, http://r2:5005")
    config = settings()
    assert config.cv_folds == 7
    assert config.staff_secure_cookies is True
    assert config.origins == ["https://a.example", "https://b.example"]
    assert config.rasa_url_list == ["http://r1:5005", "http://r2:5005"]
    assert config.action_timeout == 10.0
    assert config.database.startswith("sqlite:///") and config.database.endswith("wijkwijzer.db")


def test_the_object_is_kept_until_a_variable_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKWIJZER_HOST", "127.0.0.1")
    first = settings()
    assert settings() is first
    monkeypatch.setenv("WIJKWIJZER_HOST", "0.0.0.0")
    assert settings() is not first
    assert settings().host == "0.0.0.0"


@pytest.mark.parametrize("value", ["abc", "-3", "0"])
def test_a_bad_timeout_falls_back_to_the_default_with_a_warning(
    value: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("WIJKWIJZER_ACTION_TIMEOUT", value)
    with caplog.at_level(logging.WARNING):
        assert settings().action_timeout == 10.0
    if value == "abc":
        assert "WIJKWIJZER_ACTION_TIMEOUT" in caplog.text


def test_a_value_of_the_wrong_type_is_refused_in_dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKWIJZER_CV_FOLDS", "vijf")
    with pytest.raises(SettingsError, match="WIJKWIJZER_CV_FOLDS: geen heel getal"):
        settings()


def test_the_command_stops_before_anything_starts_on_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WIJKWIJZER_CV_FOLDS", "vijf")
    assert cli.main(["settings"]) == 2
    assert "WIJKWIJZER_CV_FOLDS" in capsys.readouterr().err


def test_the_command_prints_the_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("WIJKWIJZER_CV_FOLDS", raising=False)
    assert cli.main(["settings"]) == 0
    assert capsys.readouterr().out == markdown_table()
