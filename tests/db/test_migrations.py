"""Tests of the Alembic migrations: models and revisions agree, old databases are adopted, races."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from bot.core.constants import ROUTE_CODES
from bot.db import migrate
from bot.db.models import Address, Buurt, Gemeente, Role, RouteRule, Wijk
from bot.db.models.staff import StaffUser
from bot.db.session import create_schema, make_engine, make_session_factory
from bot.ops.cli import main

PROJECT_ROOT = Path(__file__).parents[2]
# Tables that came after the rest, so an early database made before Alembic lacks them.
LATER_TABLES = ("buurt_shape", "staff_user", "staff_review_decision")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def schema_differences(engine: Engine) -> list:
    """What autogenerate would write into a new revision for this database (nothing = agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=migrate.context_options())
        return list(compare_metadata(context, migrate.target_metadata()))


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def revision_of(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrate.current_revision(connection)


def test_the_migrations_have_one_head_and_start_at_the_baseline() -> None:
    scripts = list(migrate.script_directory().walk_revisions())
    assert scripts[-1].revision == migrate.BASELINE_REVISION
    assert scripts[-1].down_revision is None
    assert migrate.head_revision() == scripts[0].revision


def test_upgrade_of_an_empty_database_gives_exactly_the_models_schema(engine: Engine) -> None:
    migrate.upgrade(engine)

    assert revision_of(engine) == migrate.head_revision()
    assert table_names(engine) == set(migrate.target_metadata().tables) | {"alembic_version"}
    # Also fails when a model changes without a migration: add one (docs/migrations.md).
    assert schema_differences(engine) == []


def test_create_schema_migrates_and_seeds_an_empty_database(engine: Engine) -> None:
    create_schema(engine)

    assert revision_of(engine) == migrate.head_revision()
    assert schema_differences(engine) == []
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)


def make_pre_alembic_database(engine: Engine) -> None:
    """A database as `metadata.create_all` left it before migrations, with data in it."""
    migrate.upgrade(engine, migrate.BASELINE_REVISION)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        for name in LATER_TABLES:
            connection.execute(text(f"DROP TABLE {name}"))
    with make_session_factory(engine)() as session, session.begin():
        session.add(Gemeente(code="GM9901", name="Oudstad", phone="14 0101"))
        session.add(
            Wijk(code="WK990101", name="Centrum", name_norm="centrum", gemeente_code="GM9901")
        )
        session.flush()
        session.add(
            Buurt(
                code="BU99010101",
                name="Binnenstad",
                name_norm="binnenstad",
                wijk_code="WK990101",
                gemeente_code="GM9901",
            )
        )
        session.flush()
        # Spelled out: the model has columns of later revisions (address coordinates, 0003).
        session.execute(
            text(
                "INSERT INTO address (postcode, house_number, addition, street, street_norm, "
                "city, buurt_code) VALUES ('9901AA', 1, '', 'Markt', 'markt', '', 'BU99010101')"
            )
        )
        # A role as staff edited it and a municipality's own route: both must survive.
        session.add(Role(code="wijkagent", name="de buurtagent", description="Eigen tekst"))
        session.flush()
        session.add(RouteRule(topic="ask_safety", role_code="wijkagent", gemeente_code="GM9901"))


def test_a_database_from_before_migrations_is_adopted_and_keeps_its_data(engine: Engine) -> None:
    make_pre_alembic_database(engine)
    assert "alembic_version" not in table_names(engine)

    create_schema(engine)

    assert revision_of(engine) == migrate.head_revision()
    assert schema_differences(engine) == []
    with make_session_factory(engine)() as session:
        assert session.get(Gemeente, "GM9901").phone == "14 0101"
        assert session.get(Buurt, "BU99010101").wijk_code == "WK990101"
        assert session.scalar(select(Address.street).where(Address.postcode == "9901AA")) == "Markt"
        assert session.get(Role, "wijkagent").name == "de buurtagent"
        assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)
        own_rule = select(RouteRule.role_code).where(RouteRule.gemeente_code == "GM9901")
        assert session.scalar(own_rule) == "wijkagent"
        # The tables the old database lacked are there and usable.
        session.add(StaffUser(name="marieke", password_hash="x"))
        session.commit()


def test_every_revision_downgrades_and_upgrades_again(engine: Engine) -> None:
    revisions = [script.revision for script in migrate.script_directory().walk_revisions()]
    for revision in reversed(revisions):
        migrate.upgrade(engine, revision)
        assert revision_of(engine) == revision
        migrate.downgrade(engine, "-1")
        assert revision_of(engine) != revision
        migrate.upgrade(engine, revision)
        assert revision_of(engine) == revision
    assert schema_differences(engine) == []

    migrate.downgrade(engine, "base")
    assert revision_of(engine) is None
    assert table_names(engine) <= {"alembic_version"}


def test_accounts_from_before_roles_become_beheerder(engine: Engine) -> None:
    migrate.upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO staff_user (name, password_hash, active, created_at) "
                "VALUES ('anna', 'scrypt$x', :yes, '2026-01-01 00:00:00')"
            ),
            {"yes": True},
        )
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        assert session.scalars(select(StaffUser.role)).all() == ["beheerder"]
        # New rows name their role: the column has no default of its own left.
        session.add(StaffUser(name="bert", password_hash="scrypt$y", role="lezer"))
        session.commit()
    assert schema_differences(engine) == []


def test_two_processes_migrating_an_empty_database_at_once(db_url: str) -> None:
    code = (
        "import sys\n"
        "from bot.db.session import create_schema, make_engine\n"
        "create_schema(make_engine(sys.argv[1]))\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [process.communicate(timeout=180) for process in processes]

    for process, (_, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [row[0] for row in versions] == [migrate.head_revision()]
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)
            default_rules = select(func.count()).where(RouteRule.gemeente_code.is_(None))
            assert session.scalar(default_rules.select_from(RouteRule)) > 0
    finally:
        engine.dispose()


def test_migrate_command_upgrades_and_reports(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WIJKWIJZER_DATABASE_URL", db_url)
    head = migrate.head_revision()

    assert main(["migrate", "current"]) == 0
    assert "geen migraties" in capsys.readouterr().out

    assert main(["migrate", "upgrade"]) == 0
    assert f"Database: {head}" in capsys.readouterr().out

    assert main(["migrate", "history"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed][-1] == migrate.BASELINE_REVISION
    assert listed[0].startswith(head)

    engine = make_engine(db_url)
    try:
        assert revision_of(engine) == head
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)
    finally:
        engine.dispose()


def test_migrations_ignore_the_tables_others_manage(engine: Engine) -> None:
    # Rasa's tracker store may share the database; autogenerate must never drop its table.
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
    assert schema_differences(engine) == []
