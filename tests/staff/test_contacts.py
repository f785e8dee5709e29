"""Contacts in the staff workspace: sign-in, CSRF, add/edit/retire/restore, validation, search."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from bot.directory import ContactDirectory
from tests.support.contacts import (
    CENTRUM,
    DEMO_DIR,
    NOORD,
    OUDE_HAVEN,
    VOGELBUURT,
    audit_rows,
    contact_form,
    contact_id,
    contact_row,
    post_form,
    snapshot,
)
from tests.support.staff import STAFF_NAME, csrf_of


@pytest.fixture(autouse=True)
def demo(session_factory: sessionmaker) -> None:
    import_directory(DEMO_DIR, session_factory)


GET_PAGES = [
    "/contacten",
    "/contacten?zoek=sanne",
    "/contacten/nieuw",
    "/contacten/1",
    "/contacten/upload",
    "/wijzigingen",
    "/wijzigingen?actie=edit",
]
POST_PAGES = [
    "/contacten/nieuw",
    "/contacten/1",
    "/contacten/1/inactief",
    "/contacten/1/actief",
    "/contacten/upload",
    "/contacten/upload/abc/toepassen",
    "/contacten/upload/abc/opnieuw",
    "/contacten/upload/abc/annuleren",
]


@pytest.mark.parametrize("path", GET_PAGES)
async def test_every_contacts_page_needs_sign_in(client: TestClient, path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/aanmelden"
    assert "Sanne" not in await response.text()


@pytest.mark.parametrize("path", POST_PAGES)
async def test_every_contacts_form_needs_sign_in(
    client: TestClient, path: str, session_factory: sessionmaker
) -> None:
    before = snapshot(session_factory)
    token = await csrf_of(client, "/aanmelden")
    response = await client.post(
        path, data=[*contact_form(), ("csrf_token", token)], allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/aanmelden"
    assert snapshot(session_factory) == before


@pytest.mark.parametrize(
    "path", ["/contacten/nieuw", "/contacten/{id}", "/contacten/{id}/inactief"]
)
@pytest.mark.parametrize("token", [None, "", "x" * 43])
async def test_wrong_csrf_token_is_refused(
    signed_in: TestClient, session_factory: sessionmaker, path: str, token: str | None
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    before = snapshot(session_factory)
    data = contact_form(naam="Sanne de Vries-Bakker", gebied=[CENTRUM], rol="wijkagent")
    if token is not None:
        data.append(("csrf_token", token))
    response = await signed_in.post(path.format(id=sanne), data=data, allow_redirects=False)
    assert response.status == 403
    assert snapshot(session_factory) == before


async def test_list_shows_active_contacts_and_retired_on_request(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    page = await (await signed_in.get("/contacten")).text()
    assert "Sanne de Vries" in page and "Team Handhaving" in page
    assert page.count('class="contacts__row') == 26

    sanne = contact_id(session_factory, "Sanne de Vries")
    await post_form(signed_in, f"/contacten/{sanne}/inactief")
    active = await (await signed_in.get("/contacten")).text()
    assert "Sanne de Vries" not in active
    retired = await (await signed_in.get("/contacten?status=inactief")).text()
    assert retired.count('class="contacts__row') == 1 and "Sanne de Vries" in retired
    everyone = await (await signed_in.get("/contacten?status=alle")).text()
    assert everyone.count('class="contacts__row') == 26


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoek=yilmaz", {"Mehmet Yilmaz"}),
        # Role by its Dutch name, accents ignored.
        (
            "zoek=buurtcoordinator",
            {"Yvonne Smit", "Kees Visser", "Jelle Hoekstra", "Team Leefbaarheid"},
        ),  # fmt: skip
        # An organisation; a role with an area (see also test_search_on_an_area...).
        ("zoek=wijkteam+noord", {"Wijkteam Noord"}),
        ("zoek=wijkagent+vogelbuurt", {"Mehmet Yilmaz"}),
        # Who serves the Vogelbuurt: its own contact and those of its wijk and gemeente.
        (f"gebied={VOGELBUURT}&rol=sociaal_makelaar", {"Eva Hendriks", "Welzijnspunt Weidehaven"}),
        (f"gebied={NOORD}&rol=wijkagent", {"Mehmet Yilmaz"}),
        ("rol=handhaving", {"Team Handhaving"}),
        ("zoek=niemand-heet-zo", set()),
    ],
)
async def test_search(signed_in: TestClient, query: str, expected: set[str]) -> None:
    assert await _names(signed_in, query) == expected


async def _names(client: TestClient, query: str) -> set[str]:
    page = await (await client.get(f"/contacten?{query}")).text()
    rows = page.split('class="contacts__row')[1:]
    return {row.split('">', 2)[2].split("</a>", 1)[0] for row in rows}


@pytest.mark.parametrize(
    ("area", "words"),
    [
        (VOGELBUURT, "Vogelbuurt"),
        (VOGELBUURT, "vogelbuurt"),
        (VOGELBUURT, VOGELBUURT),
        ("BU92000401", "wolderveen-dorp"),
        (NOORD, "WK920002"),
    ],
)
async def test_search_on_an_area_finds_who_works_there(
    signed_in: TestClient, area: str, words: str
) -> None:
    # The same contacts as the "Werkt in" filter: those of the area itself and of the
    # wijk and gemeente around it.
    working_there = await _names(signed_in, f"gebied={area}")
    assert len(working_there) > 5
    assert await _names(signed_in, f"zoek={words}") == working_there


async def test_the_list_shows_phone_and_email(signed_in: TestClient) -> None:
    page = await (await signed_in.get("/contacten?zoek=yilmaz")).text()
    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert '<th scope="col">Telefoon</th>' in header
    assert '<th scope="col">E-mail</th>' in header
    row = page.split('class="contacts__row', 1)[1].split("</tr>", 1)[0]
    assert '<a class="link" href="tel:0900-8844">0900-8844</a>' in row
    assert 'href="mailto:mehmet.yilmaz@politie.example">mehmet.yilmaz@<wbr>politie.example<' in row


async def test_add_contact_writes_the_row_and_the_audit_trail(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    response = await post_form(signed_in, "/contacten/nieuw", contact_form())
    assert response.status == 303
    new_id = contact_id(session_factory, "Noor Aydin")
    assert response.headers["Location"] == f"/contacten/{new_id}?uitkomst=toegevoegd"
    assert contact_row(session_factory, new_id) == {
        "name": "Noor Aydin",
        "role_code": "sociaal_makelaar",
        "organisation": "Stichting Welzijn Weidehaven",
        "phone": "06-12345678",
        "email": "n.aydin@welzijnweidehaven.example",
        "hours": "donderdag 10.00-12.00 uur",
        "active": True,
        "areas": [VOGELBUURT],
    }
    last = audit_rows(session_factory)[-1]
    assert last["action"] == "add"
    assert last["actor"] == STAFF_NAME
    assert last["contact_id"] == new_id
    assert last["before"] == {}
    assert last["after"]["phone"] == "06-12345678"
    assert last["after"]["areas"] == [VOGELBUURT]


async def test_edit_records_before_and_after_of_changed_fields_only(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    form = contact_form(
        naam="Sanne de Vries",
        rol="wijkagent",
        organisatie="Politie basisteam Weidehaven",
        telefoon="0900-88440",
        email="sanne.devries@politie.example",
        spreekuur="dinsdag 10.00-12.00 uur in wijkcentrum De Haven",
        gebied=[CENTRUM],
    )
    response = await post_form(signed_in, f"/contacten/{sanne}", form)
    assert response.status == 303
    assert response.headers["Location"].endswith("uitkomst=gewijzigd")
    assert contact_row(session_factory, sanne)["phone"] == "0900-88440"
    last = audit_rows(session_factory)[-1]
    assert (last["action"], last["before"], last["after"]) == (
        "edit",
        {"phone": "0900-8844"},
        {"phone": "0900-88440"},
    )

    # The same form again changes nothing and records nothing.
    count = len(audit_rows(session_factory))
    again = await post_form(signed_in, f"/contacten/{sanne}", form)
    assert again.headers["Location"].endswith("uitkomst=ongewijzigd")
    assert len(audit_rows(session_factory)) == count


async def test_area_change_is_recorded_as_such(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    eva = contact_id(session_factory, "Eva Hendriks")
    row = contact_row(session_factory, eva)
    form = contact_form(
        naam=row["name"], rol=row["role_code"], organisatie=row["organisation"],
        telefoon=row["phone"], email=row["email"], spreekuur=row["hours"],
        gebied=[VOGELBUURT, OUDE_HAVEN],
    )  # fmt: skip
    assert (await post_form(signed_in, f"/contacten/{eva}", form)).status == 303
    assert contact_row(session_factory, eva)["areas"] == [OUDE_HAVEN, VOGELBUURT]
    last = audit_rows(session_factory)[-1]
    assert last["action"] == "areas"
    assert last["before"] == {"areas": [VOGELBUURT]}
    assert last["after"] == {"areas": [OUDE_HAVEN, VOGELBUURT]}


async def test_retire_and_restore(signed_in: TestClient, session_factory: sessionmaker) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    directory = ContactDirectory(session_factory)
    assert directory.find_contacts("wijkagent", CENTRUM) is not None

    response = await post_form(signed_in, f"/contacten/{sanne}/inactief")
    assert response.status == 303
    assert contact_row(session_factory, sanne)["active"] is False
    # Soft: the areas stay, so restoring brings everything back.
    assert contact_row(session_factory, sanne)["areas"] == [CENTRUM]
    assert directory.find_contacts("wijkagent", CENTRUM) is None

    response = await post_form(signed_in, f"/contacten/{sanne}/actief")
    assert response.status == 303
    assert contact_row(session_factory, sanne)["active"] is True
    card = directory.find_contacts("wijkagent", CENTRUM)
    assert card is not None and [c.name for c in card.contacts] == ["Sanne de Vries"]

    actions = [(row["action"], row["before"], row["after"]) for row in audit_rows(session_factory)]
    assert actions[-2:] == [
        ("retire", {"active": True}, {"active": False}),
        ("restore", {"active": False}, {"active": True}),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"naam": "   "}, "name"),
        ({"naam": "x" * 201}, "name"),
        ({"naam": "Noor\u200bAydin"}, "name"),
        ({"telefoon": "bel me maar"}, "phone"),
        ({"telefoon": "12"}, "phone"),
        ({"telefoon": "06-1234567890123456"}, "phone"),
        ({"email": "noor.at.welzijn"}, "email"),
        ({"email": "noor@welzijn"}, "email"),
        ({"rol": "burgemeester"}, "role_code"),
        ({"rol": ""}, "role_code"),
        ({"gebied": []}, "areas"),
        ({"gebied": ["BU99999999"]}, "areas"),
        ({"gebied": ["Vogelbuurt"]}, "areas"),
        ({"gemeente": "GM0001"}, "gemeente_code"),
        # An existing active contact with the same name and role.
        ({"naam": "eva  hendriks", "rol": "sociaal_makelaar"}, "name"),
    ],
)
async def test_invalid_forms_are_refused_with_a_message_per_field(
    signed_in: TestClient, session_factory: sessionmaker, overrides: dict, field: str
) -> None:
    before = snapshot(session_factory)
    response = await post_form(signed_in, "/contacten/nieuw", contact_form(**overrides))
    assert response.status == 400
    page = await response.text()
    assert f'id="fout-{field}"' in page
    assert 'role="alert"' in page
    assert snapshot(session_factory) == before


async def test_areas_of_another_gemeente_are_refused(
    signed_in: TestClient, session_factory: sessionmaker, voorbeeld_dir: object
) -> None:
    import_directory(voorbeeld_dir, session_factory)  # type: ignore[arg-type]
    before = snapshot(session_factory)
    response = await post_form(
        signed_in, "/contacten/nieuw", contact_form(gebied=[VOGELBUURT, "WK910001"])
    )
    assert response.status == 400
    assert 'id="fout-areas"' in await response.text()
    assert snapshot(session_factory) == before


async def test_edit_form_keeps_what_was_typed_after_an_error(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    form = contact_form(naam="Sanne de Vries", rol="wijkagent", telefoon="geen", gebied=[CENTRUM])
    response = await post_form(signed_in, f"/contacten/{sanne}", form)
    assert response.status == 400
    page = await response.text()
    assert 'value="geen"' in page
    assert f'value="{CENTRUM}" checked' in page
    assert contact_row(session_factory, sanne)["phone"] == "0900-8844"


async def test_the_form_says_how_the_spreekuur_was_read(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")

    page = await (await signed_in.get(f"/contacten/{sanne}")).text()

    assert 'aria-describedby="uitleg-hours"' in page
    assert 'data-read="ja"' in page
    assert "Spreekuur begrepen als: dinsdag 10:00–12:00 in wijkcentrum De Haven." in page


async def test_a_spreekuur_the_bot_cannot_read_is_saved_with_a_warning(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    written = "dinsdag 10-12 <b>behalve</b> in de zomervakantie"
    form = contact_form(
        naam="Sanne de Vries",
        rol="wijkagent",
        organisatie="Politie basisteam Weidehaven",
        telefoon="0900-8844",
        email="sanne.devries@politie.example",
        spreekuur=written,
        gebied=[CENTRUM],
    )
    response = await post_form(signed_in, f"/contacten/{sanne}", form)
    assert response.status == 303  # a warning, not a refusal
    assert contact_row(session_factory, sanne)["hours"] == written

    page = await (await signed_in.get(response.headers["Location"])).text()

    assert "Let op: het spreekuur is niet helemaal begrepen" in page
    assert 'data-read="nee"' in page
    assert "Spreekuur niet helemaal begrepen" in page
    assert "Wel begrepen: dinsdag 10:00–12:00." in page
    assert "<b>behalve" not in page and "&lt;b&gt;" in page


async def test_an_empty_spreekuur_has_no_note(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    mehmet = contact_id(session_factory, "Mehmet Yilmaz")

    page = await (await signed_in.get(f"/contacten/{mehmet}")).text()

    assert 'id="uitleg-hours"' not in page


async def test_unknown_contact_is_a_dutch_404(signed_in: TestClient) -> None:
    response = await signed_in.get("/contacten/99999")
    assert response.status == 404
    assert "bestaat niet" in await response.text()
    response = await post_form(signed_in, "/contacten/99999/inactief")
    assert response.status == 404


async def test_audit_page_filters_newest_first(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    sanne = contact_id(session_factory, "Sanne de Vries")
    eva = contact_id(session_factory, "Eva Hendriks")
    await post_form(signed_in, f"/contacten/{sanne}/inactief")
    await post_form(signed_in, f"/contacten/{eva}/inactief")
    await post_form(signed_in, f"/contacten/{sanne}/actief")

    page = await (await signed_in.get("/wijzigingen")).text()
    actions = [row.split('"', 1)[0] for row in page.split('data-action="')[1:]]
    assert actions == ["restore", "retire", "retire", "import"]

    page = await (await signed_in.get("/wijzigingen?actie=retire")).text()
    assert page.count('data-action="') == 2
    page = await (await signed_in.get(f"/wijzigingen?contact={sanne}")).text()
    assert page.count('data-action="') == 2 and "Eva Hendriks" not in page
    page = await (await signed_in.get("/wijzigingen?naam=hendriks")).text()
    assert page.count('data-action="') == 1
    page = await (await signed_in.get(f"/wijzigingen?wie={STAFF_NAME}")).text()
    assert page.count('data-action="') == 3
    page = await (await signed_in.get("/wijzigingen?van=2000-01-01&tot=2000-01-02")).text()
    assert page.count('data-action="') == 0
    # Nonsense in the filters is ignored, not an error.
    response = await signed_in.get("/wijzigingen?pagina=x&contact=y&van=gisteren&actie=drop")
    assert response.status == 200
