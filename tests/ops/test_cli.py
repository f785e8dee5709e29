"""The `wijkwijzer import` command: clear answers, exit codes, nothing changed on errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.cli import allowed_origins, main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("WIJKWIJZER_DATABASE_URL", url)
    return url


def test_import_demo_reports_what_it_loaded(database: str, demo_dir: Path, capsys) -> None:
    assert main(["import", str(demo_dir)]) == 0
    assert "GM9200" in capsys.readouterr().out


def test_import_refuses_bad_files_with_line_numbers(database: str, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "buurten.csv").write_text(
        "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n"
        "BU09990101,Noord,WK099901,Noord,GM0999,Testdorp\n",
        encoding="utf-8",
    )
    (bad / "adressen.csv").write_text(
        "postcode,huisnummer,straat,woonplaats,buurtcode\n1234 AB,twaalf,Dorpsweg,,BU09990101\n",
        encoding="utf-8",
    )
    (bad / "contacten.csv").write_text(
        "naam,rol,organisatie,telefoon,email,spreekuur,gebied\nPiet,kok,,,,,BU09990101\n",
        encoding="utf-8",
    )
    assert main(["import", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "adressen.csv, regel 2" in out
    assert "contacten.csv, regel 2" in out
    assert "Er is niets veranderd" in out


def test_import_of_a_missing_folder_is_a_clear_error(database: str, capsys) -> None:
    assert main(["import", "/no/such/folder"]) == 1
    assert "bestaat niet" in capsys.readouterr().out


def test_cors_origins_are_the_configured_ones_and_the_demo_page(monkeypatch) -> None:
    monkeypatch.setenv("WIJKWIJZER_ALLOWED_ORIGINS", "https://www.weidehaven.nl, https://x.nl")
    assert allowed_origins(8080) == [
        "https://www.weidehaven.nl",
        "https://x.nl",
        "http://127.0.0.1:8080",
        "http://localhost:8080",
    ]
    monkeypatch.delenv("WIJKWIJZER_ALLOWED_ORIGINS")
    assert allowed_origins(None) == []
