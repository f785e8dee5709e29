"""CSV upload in the staff workspace: preview changes nothing, apply merges, stale and bad files."""

from __future__ import annotations

import time

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from bot.directory import ContactDirectory
from bot.staff.app import StaffSettings, create_app
from tests.support.contacts import (
    CENTRUM,
    DEMO_DIR,
    VOGELBUURT,
    audit_rows,
    contact_form,
    contact_id,
    contact_row,
    demo_file,
    post_form,
    snapshot,
    upload,
    upload_token,
)
from tests.support.staff import STAFF_NAME, sign_in


@pytest.fixture(autouse=True)
def demo(session_factory: sessionmaker) -> None:
    import_directory(DEMO_DIR, session_factory)


def contacts_csv(
    *, replace: dict[str, str] | None = None, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()
) -> bytes:
    """The demo's contacten.csv with lines replaced (by name), dropped and added."""
    lines = []
    for line in demo_file("contacten.csv").splitlines():
        name = line.split(",", 1)[0]
        if name in drop:
            continue
        lines.append((replace or {}).get(name, line))
    return ("\n".join([*lines, *add]) + "\n").encode("utf-8")


def counts(page: str) -> dict[str, int]:
    found = {}
    for part in page.split('data-count="')[1:]:
        key, rest = part.split('">', 1)
        found[key] = int(rest.split("<", 1)[0])
    return found


SANNE_NEW = (
    "Sanne de Vries,wijkagent,Politie basisteam Weidehaven,0900-8845,"
    "sanne.devries@politie.example,dinsdag 10.00-12.00 uur in wijkcentrum De Haven,WK920001"
)
NEW_PERSON = "Noor Aydin,sociaal makelaar,Stichting Welzijn Weidehaven,06-12345678,,,BU92000201"


async def test_preview_shows_the_differences_and_changes_nothing(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    eva = contact_id(session_factory, "Eva Hendriks")
    await post_form(signed_in, f"/contacten/{eva}/inactief")
    before = snapshot(session_factory)

    response = await upload(
        signed_in,
        {
            "contacten": contacts_csv(
                replace={"Sanne de Vries": SANNE_NEW}, drop=("Mehmet Yilmaz",), add=(NEW_PERSON,)
            )
        },
    )
    assert response.status == 200
    page = await response.text()
    assert counts(page) == {"added": 1, "changed": 1, "restored": 1, "retired": 1, "unchanged": 23}
    assert "Noor Aydin" in page and "Mehmet Yilmaz" in page
    assert "<del>0900-8844</del> → <ins>0900-8845</ins>" in page
    assert snapshot(session_factory) == before


async def test_the_preview_warns_about_a_spreekuur_the_bot_cannot_read(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    unreadable = SANNE_NEW.replace("dinsdag 10.00-12.00 uur", "om de week op dinsdag 10-12")
    response = await upload(
        signed_in, {"contacten": contacts_csv(replace={"Sanne de Vries": unreadable})}
    )

    assert response.status == 200
    page = await response.text()
    assert "Spreekuren die de bot niet helemaal begrijpt" in page
    assert "contacten.csv, regel 2: Spreekuur niet helemaal begrepen" in page
    assert "niet begrepen: &#39;om&#39;" in page
    assert "De bot begrijpt 6 andere spreekuren wel." in page
    assert upload_token(page)  # a warning: it can still be applied


async def test_a_preview_of_readable_spreekuren_has_no_warning(signed_in: TestClient) -> None:
    response = await upload(signed_in, {"contacten": contacts_csv()})

    assert "niet helemaal begrijpt" not in await response.text()


async def test_apply_merges_contacts_and_records_each_change(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    mehmet = contact_id(session_factory, "Mehmet Yilmaz")
    eva = contact_id(session_factory, "Eva Hendriks")
    await post_form(signed_in, f"/contacten/{eva}/inactief")
    audit_before = len(audit_rows(session_factory))

    preview = await upload(
        signed_in,
        {
            "contacten": contacts_csv(
                replace={"Sanne de Vries": SANNE_NEW}, drop=("Mehmet Yilmaz",), add=(NEW_PERSON,)
            )
        },
    )
    token = upload_token(await preview.text())
    response = await post_form(signed_in, f"/contacten/upload/{token}/toepassen")
    assert response.status == 303
    assert response.headers["Location"].startswith("/wijzigingen?uitkomst=ingelezen&batch=")

    assert contact_row(session_factory, sanne)["phone"] == "0900-8845"
    assert contact_row(session_factory, mehmet)["active"] is False
    # Retired, not deleted: the areas stay for a later restore.
    assert contact_row(session_factory, mehmet)["areas"] == ["WK920002"]
    assert contact_row(session_factory, eva)["active"] is True
    noor = contact_id(session_factory, "Noor Aydin")
    assert contact_row(session_factory, noor)["areas"] == [VOGELBUURT]

    added = audit_rows(session_factory)[audit_before:]
    assert {row["batch"] for row in added} != {""} and len({row["batch"] for row in added}) == 1
    assert all(row["actor"] == STAFF_NAME for row in added)
    by_action = {row["action"]: row for row in added}
    assert set(by_action) == {"edit", "retire", "restore", "add", "upload"}
    assert by_action["edit"]["contact_id"] == sanne
    assert by_action["edit"]["before"] == {"phone": "0900-8844"}
    assert by_action["edit"]["after"] == {"phone": "0900-8845"}
    assert by_action["retire"]["contact_id"] == mehmet
    assert by_action["restore"]["contact_id"] == eva
    assert by_action["add"]["contact_id"] == noor
    assert by_action["upload"]["after"]["toegevoegd"] == 1

    # The audit page shows exactly this upload.
    page = await (await signed_in.get(response.headers["Location"])).text()
    assert page.count('data-action="') == 5

    # The token is used up.
    again = await post_form(signed_in, f"/contacten/upload/{token}/toepassen")
    assert again.status == 410


async def test_a_preview_made_before_another_change_is_refused(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    preview = await upload(
        signed_in, {"contacten": contacts_csv(replace={"Sanne de Vries": SANNE_NEW})}
    )
    token = upload_token(await preview.text())
    # A colleague changes a contact in the meantime.
    kees = contact_id(session_factory, "Kees Visser")
    await post_form(signed_in, f"/contacten/{kees}/inactief")
    before = snapshot(session_factory)

    response = await post_form(signed_in, f"/contacten/upload/{token}/toepassen")
    assert response.status == 409
    assert f"/contacten/upload/{token}/opnieuw" in await response.text()
    assert snapshot(session_factory) == before

    # Previewing again shows the colleague's change too (Kees comes back), then it applies.
    again = await post_form(signed_in, f"/contacten/upload/{token}/opnieuw")
    assert again.status == 200
    assert counts(await again.text())["restored"] == 1
    response = await post_form(signed_in, f"/contacten/upload/{token}/toepassen")
    assert response.status == 303
    assert contact_row(session_factory, kees)["active"] is True
    sanne = contact_id(session_factory, "Sanne de Vries")
    assert contact_row(session_factory, sanne)["phone"] == "0900-8845"


async def test_errors_are_listed_with_line_numbers_and_nothing_changes(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    before = snapshot(session_factory)
    bad = contacts_csv(
        replace={
            "Mehmet Yilmaz": "Mehmet Yilmaz,Wijkagent,Politie,bel mij,,,WK920002",
            "Peter van Dijk": "Peter van Dijk,burgemeester,Politie,0900-8844,,,WK920003",
            "Ingrid Postma": "Ingrid Postma,wijkagent,Politie,0900-8844,ingrid@,,WK999999",
        }
    )
    response = await upload(signed_in, {"contacten": bad})
    assert response.status == 400
    page = await response.text()
    rows = [row.split("</tr>")[0] for row in page.split("<tr><td>contacten.csv</td>")[1:]]
    lines = [int(row.split("<td>", 1)[1].split("<", 1)[0]) for row in rows]
    assert lines == [3, 4, 5]
    assert "telefoonnummer" in rows[0] and "onbekende rol" in rows[1]
    assert "e-mailadres" in rows[2] and "WK999999" in rows[2]
    assert 'action="/contacten/upload/' not in page.split("enctype")[0]
    assert snapshot(session_factory) == before


HEADER = b"naam,rol,organisatie,telefoon,email,spreekuur,gebied\n"
HOSTILE_FILES = {
    "binary": bytes(range(256)) * 40,
    "nul bytes": HEADER + b"A\x00,wijkagent,,,,,GM9200\n",
    "wrong header": b"name;role;area\nA;wijkagent;GM9200\n",
    "empty": b"",
    "header only": HEADER,
    "utf-16": "naam,rol,organisatie,telefoon,email,spreekuur,gebied\n".encode("utf-16"),
    "unclosed quote": HEADER + b'"A,wijkagent,,,,,GM9200\n',
    "huge field": HEADER + b"A" * 300_000 + b",wijkagent,,,,,GM9200\n",
    "too long name": HEADER + b"A" * 500 + b",wijkagent,,,,,GM9200\n",
    "too many fields": HEADER + b"A,wijkagent,,,,,GM9200,x\n",
    "script": HEADER + b"<script>alert(1)</script>,=cmd|' /C calc'!A0,,,,,GM9200\n",
}


@pytest.mark.parametrize("content", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
async def test_malformed_and_hostile_files_never_crash_or_change_data(
    signed_in: TestClient, session_factory: sessionmaker, content: bytes
) -> None:
    before = snapshot(session_factory)
    response = await upload(signed_in, {"contacten": content})
    assert response.status == 400
    page = await response.text()
    assert 'role="alert"' in page
    assert "<script>alert" not in page
    assert snapshot(session_factory) == before


async def test_area_files_need_buurten(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    before = snapshot(session_factory)
    response = await upload(signed_in, {"adressen": demo_file("adressen.csv").encode()})
    assert response.status == 400
    assert "buurten.csv" in await response.text()
    response = await upload(signed_in, {})
    assert response.status == 400
    assert snapshot(session_factory) == before


async def test_upload_with_wrong_csrf_token_is_refused(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    before = snapshot(session_factory)
    response = await upload(signed_in, {"contacten": contacts_csv(add=(NEW_PERSON,))}, token="x")
    assert response.status == 403
    assert snapshot(session_factory) == before


async def test_upload_size_is_limited(
    staff_settings: StaffSettings, session_factory: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIJKWIJZER_STAFF_UPLOAD_MAX_MB", "1")
    async with TestClient(TestServer(create_app(staff_settings))) as client:
        await sign_in(client)
        before = snapshot(session_factory)
        big = contacts_csv() + b"# " + b"x" * (1024 * 1024 + 10) + b"\n"
        response = await upload(client, {"contacten": big})
        assert response.status == 413
        assert "1 MB" in await response.text()
        assert snapshot(session_factory) == before
        # A normal upload still works.
        response = await upload(client, {"contacten": contacts_csv(add=(NEW_PERSON,))})
        assert response.status == 200


def buurten_csv(rename: dict[str, str]) -> bytes:
    lines = demo_file("buurten.csv").splitlines()
    for old, new in rename.items():
        lines = [line.replace(f",{old},", f",{new},") for line in lines]
    return ("\n".join(lines) + "\n").encode("utf-8")


async def test_full_upload_shows_area_changes_and_the_bot_follows(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    # The action server's directory, warm, with its own cache (another process in production).
    directory = ContactDirectory(session_factory)
    assert directory.resolve_location("Vogelbuurt").area.code == VOGELBUURT  # type: ignore[union-attr]
    addresses = demo_file("adressen.csv").splitlines()
    files = {
        "buurten": buurten_csv({"Vogelbuurt": "Vogelwijk"}),
        # One address fewer.
        "adressen": ("\n".join(addresses[:-1]) + "\n").encode("utf-8"),
        "contacten": contacts_csv(),
        "gemeenten": demo_file("gemeenten.csv").encode("utf-8"),
        "buurtgrenzen": (DEMO_DIR / "buurten.geojson").read_bytes(),
    }
    before = snapshot(session_factory)
    response = await upload(signed_in, files)
    assert response.status == 200
    page = await response.text()
    assert f"{VOGELBUURT}: Vogelbuurt → Vogelwijk" in page
    assert f"<td>{len(addresses) - 1}</td><td>{len(addresses) - 2}</td>" in page
    assert counts(page)["unchanged"] == 26
    assert snapshot(session_factory) == before

    token = upload_token(page)
    response = await post_form(signed_in, f"/contacten/upload/{token}/toepassen")
    assert response.status == 303
    after = snapshot(session_factory)
    assert (VOGELBUURT, "Vogelwijk") in after["buurten"]
    assert after["addresses"] == before["addresses"] - 1
    # Contacts kept their ids: nothing to change for them.
    assert after["contacts"] == before["contacts"]

    # The directory notices the new data version within seconds, without a restart.
    deadline = time.monotonic() + 15
    while directory.area(VOGELBUURT).name != "Vogelwijk":  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the directory kept the old buurt name"
        time.sleep(0.2)
    assert directory.resolve_location("ik woon in de Vogelwijk").area.code == VOGELBUURT  # type: ignore[union-attr]


async def test_an_edit_in_the_workspace_is_in_the_next_contact_card(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    directory = ContactDirectory(session_factory)
    card = directory.find_contacts("wijkagent", VOGELBUURT)
    assert card is not None and card.contacts[0].phone == "0900-8844"
    mehmet = contact_id(session_factory, "Mehmet Yilmaz")
    form = contact_form(
        naam="Mehmet Yilmaz", rol="wijkagent", organisatie="Politie basisteam Weidehaven",
        telefoon="0900-1234", email="", spreekuur="maandag 9.00 uur", gebied=["WK920002"],
    )  # fmt: skip
    assert (await post_form(signed_in, f"/contacten/{mehmet}", form)).status == 303
    card = directory.find_contacts("wijkagent", VOGELBUURT)
    assert card is not None
    assert card.to_payload()["contacts"] == [
        {
            "name": "Mehmet Yilmaz",
            "organisation": "Politie basisteam Weidehaven",
            "phone": "0900-1234",
            "hours": "maandag 9.00 uur",
        }
    ]
    # Moved to the Centrum: the Vogelbuurt's wijk has no wijkagent of its own any more.
    form = [(k, CENTRUM if k == "gebied" else v) for k, v in form]
    assert (await post_form(signed_in, f"/contacten/{mehmet}", form)).status == 303
    centrum = directory.find_contacts("wijkagent", CENTRUM)
    assert centrum is not None
    assert {c.name for c in centrum.contacts} == {"Sanne de Vries", "Mehmet Yilmaz"}
    assert directory.find_contacts("wijkagent", VOGELBUURT) is None


async def test_cancel_discards_the_files(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    preview = await upload(signed_in, {"contacten": contacts_csv(add=(NEW_PERSON,))})
    token = upload_token(await preview.text())
    response = await post_form(signed_in, f"/contacten/upload/{token}/annuleren")
    assert response.status == 303
    response = await post_form(signed_in, f"/contacten/upload/{token}/toepassen")
    assert response.status == 410
    assert "Noor Aydin" not in str(snapshot(session_factory)["contacts"])
