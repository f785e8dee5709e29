"""Helpers of the contacts tests: forms with CSRF, uploads, and database snapshots."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Address, Buurt, Contact, ContactChange, Wijk
from tests.support.servers import DEMO_DIR
from tests.support.staff import csrf_of

GEMEENTE = "GM9200"
CENTRUM = "WK920001"
NOORD = "WK920002"
VOGELBUURT = "BU92000201"
OUDE_HAVEN = "BU92000101"


def contact_form(**overrides: Any) -> list[tuple[str, str]]:
    """A valid form for a new contact; `gebied` may be a list."""
    fields: dict[str, Any] = {
        "naam": "Noor Aydin",
        "rol": "sociaal_makelaar",
        "organisatie": "Stichting Welzijn Weidehaven",
        "telefoon": "06-12345678",
        "email": "n.aydin@welzijnweidehaven.example",
        "spreekuur": "donderdag 10.00-12.00 uur",
        "gemeente": GEMEENTE,
        "gebied": [VOGELBUURT],
    }
    fields.update(overrides)
    pairs: list[tuple[str, str]] = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return pairs


async def post_form(
    client: TestClient, path: str, data: list[tuple[str, str]] | None = None, *,
    token: str | None = None,
) -> ClientResponse:  # fmt: skip
    if token is None:
        token = await csrf_of(client, "/contacten")
    return await client.post(
        path, data=[*(data or []), ("csrf_token", token)], allow_redirects=False
    )


async def upload(
    client: TestClient, files: dict[str, bytes], *, token: str | None = None
) -> ClientResponse:
    if token is None:
        token = await csrf_of(client, "/contacten/upload")
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    for field, content in files.items():
        form.add_field(field, content, filename=f"{field}.csv", content_type="text/csv")
    return await client.post("/contacten/upload", data=form, allow_redirects=False)


def upload_token(page: str) -> str:
    marker = 'action="/contacten/upload/'
    assert marker in page, "no apply form on the page"
    return page.split(marker, 1)[1].split("/", 1)[0]


def contact_id(session_factory: Callable[[], Session], name: str) -> int:
    with session_factory() as session:
        found = session.scalar(select(Contact.id).where(Contact.name == name))
    assert found is not None, name
    return int(found)


def contact_row(session_factory: Callable[[], Session], contact: int) -> dict[str, Any]:
    with session_factory() as session:
        row = session.get(Contact, contact, options=[selectinload(Contact.areas)])
        assert row is not None
        return {
            "name": row.name,
            "role_code": row.role_code,
            "organisation": row.organisation,
            "phone": row.phone,
            "email": row.email,
            "hours": row.hours,
            "active": row.active,
            "areas": sorted(area.area_code for area in row.areas),
        }


def audit_rows(session_factory: Callable[[], Session]) -> list[dict[str, Any]]:
    with session_factory() as session:
        rows = session.scalars(select(ContactChange).order_by(ContactChange.id)).all()
        return [
            {
                "actor": row.actor,
                "action": row.action,
                "contact_id": row.contact_id,
                "contact_name": row.contact_name,
                "before": json.loads(row.before),
                "after": json.loads(row.after),
                "batch": row.batch,
            }
            for row in rows
        ]


def snapshot(session_factory: Callable[[], Session]) -> dict[str, Any]:
    """Everything the contacts pages can change, comparable."""
    with session_factory() as session:
        contacts = session.scalars(
            select(Contact).options(selectinload(Contact.areas)).order_by(Contact.id)
        ).all()
        return {
            "contacts": [
                (
                    c.id,
                    c.name,
                    c.role_code,
                    c.organisation,
                    c.phone,
                    c.email,
                    c.hours,
                    c.active,
                    sorted(a.area_code for a in c.areas),
                )  # fmt: skip
                for c in contacts
            ],
            "buurten": sorted(
                tuple(row) for row in session.execute(select(Buurt.code, Buurt.name))
            ),
            "wijken": sorted(tuple(row) for row in session.execute(select(Wijk.code, Wijk.name))),
            "addresses": session.scalar(select(func.count()).select_from(Address)),
            "audit": session.scalar(select(func.count()).select_from(ContactChange)),
        }


def demo_file(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")
