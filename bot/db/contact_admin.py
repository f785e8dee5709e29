"""Keeping contacts current from the staff workspace: list, search, check, add, edit, retire.

Every change runs in one transaction that also writes the audit trail and raises the data
version, so the action server (another process) sees it at its next lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core.constants import LEVEL_BUURT, LEVEL_GEMEENTE, LEVEL_WIJK
from bot.core.text import caseless, fold_words
from bot.db.audit import record_change
from bot.db.contact_fields import (
    FIELD_LABELS,
    MAX_LENGTHS,
    email_problem,
    has_control_characters,
    phone_problem,
)
from bot.db.models import Buurt, Contact, ContactArea, Gemeente, Role, Wijk
from bot.db.repositories import DataVersionRepository

STATUS_ACTIVE: Final = "actief"
STATUS_RETIRED: Final = "inactief"
STATUS_ALL: Final = "alle"
TEXT_FIELDS: Final = ("name", "organisation", "phone", "email", "hours")
_LEVEL_ORDER: Final = {LEVEL_GEMEENTE: 0, LEVEL_WIJK: 1, LEVEL_BUURT: 2}


@dataclass(frozen=True)
class ContactValues:
    """Everything staff can change about a contact, comparable as a whole."""

    name: str
    role_code: str
    gemeente_code: str
    areas: tuple[str, ...]
    organisation: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    active: bool = True

    @classmethod
    def of(cls, contact: Contact) -> ContactValues:
        return cls(
            name=contact.name,
            role_code=contact.role_code,
            gemeente_code=contact.gemeente_code,
            areas=tuple(sorted(area.area_code for area in contact.areas)),
            organisation=contact.organisation or "",
            phone=contact.phone or "",
            email=contact.email or "",
            hours=contact.hours or "",
            active=bool(contact.active),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role_code": self.role_code,
            "gemeente_code": self.gemeente_code,
            "areas": list(self.areas),
            "organisation": self.organisation,
            "phone": self.phone,
            "email": self.email,
            "hours": self.hours,
            "active": self.active,
        }


def differences(before: ContactValues, after: ContactValues) -> tuple[dict, dict]:
    """The changed fields only: (before values, after values)."""
    old, new = before.as_dict(), after.as_dict()
    changed = [key for key in new if old[key] != new[key]]
    return {key: old[key] for key in changed}, {key: new[key] for key in changed}


def audit_action(before: ContactValues, after: ContactValues) -> str:
    if before.active and not after.active:
        return "retire"
    if after.active and not before.active:
        return "restore"
    old, _new = differences(before, after)
    return "areas" if set(old) == {"areas"} else "edit"


def level_of(code: str) -> str:
    return {"BU": LEVEL_BUURT, "WK": LEVEL_WIJK}.get(code[:2], LEVEL_GEMEENTE)


def write_values(session: Session, contact: Contact, values: ContactValues) -> None:
    """Put `values` on a contact row (new or existing); areas replaced when they changed."""
    contact.name = values.name
    contact.role_code = values.role_code
    contact.gemeente_code = values.gemeente_code
    contact.organisation = values.organisation
    contact.phone = values.phone
    contact.email = values.email
    contact.hours = values.hours
    contact.active = values.active
    current = sorted(area.area_code for area in contact.areas)
    if current != sorted(values.areas):
        contact.areas.clear()
        session.flush()
        contact.areas.extend(
            ContactArea(area_code=code, level=level_of(code)) for code in values.areas
        )


@dataclass(frozen=True)
class AreaOption:
    code: str
    name: str
    level: str
    gemeente_code: str
    # The wijk of a buurt, the gemeente of a wijk; "" for a gemeente.
    parent: str = ""

    @property
    def label(self) -> str:
        kind = {LEVEL_BUURT: "buurt", LEVEL_WIJK: "wijk"}.get(self.level, "gemeente")
        return f"{self.name} ({kind}, {self.code})"


@dataclass
class AreaCatalogue:
    """The areas in the database, for choosing, checking and showing names."""

    areas: dict[str, AreaOption] = field(default_factory=dict)
    gemeenten: list[AreaOption] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session) -> AreaCatalogue:
        catalogue = cls()
        for gemeente in session.scalars(select(Gemeente).order_by(Gemeente.name)):
            option = AreaOption(gemeente.code, gemeente.name, LEVEL_GEMEENTE, gemeente.code)
            catalogue.areas[option.code] = option
            catalogue.gemeenten.append(option)
        for wijk in session.scalars(select(Wijk).order_by(Wijk.code)):
            catalogue.areas[wijk.code] = AreaOption(
                wijk.code, wijk.name, LEVEL_WIJK, wijk.gemeente_code, wijk.gemeente_code
            )
        for buurt in session.scalars(select(Buurt).order_by(Buurt.code)):
            catalogue.areas[buurt.code] = AreaOption(
                buurt.code, buurt.name, LEVEL_BUURT, buurt.gemeente_code, buurt.wijk_code
            )
        return catalogue

    def label(self, code: str) -> str:
        option = self.areas.get(code)
        return option.label if option else f"{code} (bestaat niet meer)"

    def name(self, code: str) -> str:
        option = self.areas.get(code)
        return option.name if option else code

    def containing(self, code: str) -> set[str]:
        """The area and every area it lies in (buurt -> wijk -> gemeente)."""
        found: set[str] = set()
        while code and code not in found:
            found.add(code)
            option = self.areas.get(code)
            code = option.parent if option else ""
        return found

    def tree(self, gemeente_code: str) -> list[tuple[AreaOption, list[AreaOption]]]:
        """The gemeente's wijken, each with its buurten, in code order."""
        wijken = [
            option
            for option in self.areas.values()
            if option.level == LEVEL_WIJK and option.gemeente_code == gemeente_code
        ]
        return [
            (
                wijk,
                [
                    option
                    for option in self.areas.values()
                    if option.level == LEVEL_BUURT and option.parent == wijk.code
                ],
            )
            for wijk in sorted(wijken, key=lambda option: option.code)
        ]


@dataclass(frozen=True)
class ContactView:
    id: int
    values: ContactValues
    role_name: str
    gemeente_name: str
    area_labels: tuple[str, ...]

    @property
    def active(self) -> bool:
        return self.values.active


@dataclass(frozen=True)
class ContactFilter:
    text: str = ""
    gemeente: str = ""
    role: str = ""
    area: str = ""
    status: str = STATUS_ACTIVE


class ContactNotFound(LookupError):
    pass


class ContactInvalid(ValueError):
    """The form's values were refused; `errors` maps a field to a Dutch message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ContactAdmin:
    """The workspace's reads and writes of contacts; one session per call."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    # -- reading ------------------------------------------------------------------------------

    def roles(self) -> list[tuple[str, str]]:
        """(code, Dutch name) of every role, by name."""
        with self._session_factory() as session:
            roles = session.scalars(select(Role)).all()
        return sorted(((role.code, role.name) for role in roles), key=lambda r: fold_words(r[1]))

    def catalogue(self) -> AreaCatalogue:
        with self._session_factory() as session:
            return AreaCatalogue.load(session)

    def _views(self, session: Session, contacts: Iterable[Contact]) -> list[ContactView]:
        catalogue = AreaCatalogue.load(session)
        role_names = {code: name for code, name in session.execute(select(Role.code, Role.name))}
        views = []
        for contact in contacts:
            values = ContactValues.of(contact)
            areas = sorted(values.areas, key=lambda code: (_LEVEL_ORDER[level_of(code)], code))
            views.append(
                ContactView(
                    id=contact.id,
                    values=values,
                    role_name=role_names.get(values.role_code, values.role_code),
                    gemeente_name=catalogue.name(values.gemeente_code),
                    area_labels=tuple(catalogue.label(code) for code in areas),
                )
            )
        return views

    def get(self, contact_id: int) -> ContactView | None:
        with self._session_factory() as session:
            contact = session.get(Contact, contact_id, options=[selectinload(Contact.areas)])
            return self._views(session, [contact])[0] if contact else None

    def search(self, wanted: ContactFilter) -> list[ContactView]:
        """Contacts matching every filter given; every word of the text is found in the
        contact's fields or in the name or code of an area the contact works in."""
        with self._session_factory() as session:
            query = select(Contact).options(selectinload(Contact.areas))
            if wanted.gemeente:
                query = query.where(Contact.gemeente_code == wanted.gemeente)
            if wanted.role:
                query = query.where(Contact.role_code == wanted.role)
            if wanted.status == STATUS_ACTIVE:
                query = query.where(Contact.active.is_(True))
            elif wanted.status == STATUS_RETIRED:
                query = query.where(Contact.active.is_(False))
            contacts = list(session.scalars(query))
            catalogue = AreaCatalogue.load(session)
            views = self._views(session, contacts)
        if wanted.area:
            # Who serves this area: contacts of the area itself or of a larger one around it.
            around = catalogue.containing(wanted.area.strip().upper())
            views = [view for view in views if around & set(view.values.areas)]
        words = fold_words(wanted.text).split()
        if words:
            served = _served_by_word(words, catalogue)
            views = [
                view
                for view in views
                if all(
                    word in _haystack(view, catalogue) or served[word] & set(view.values.areas)
                    for word in words
                )
            ]
        return sorted(
            views,
            key=lambda view: (
                fold_words(view.gemeente_name),
                fold_words(view.role_name),
                fold_words(view.values.name),
            ),
        )

    # -- checking -----------------------------------------------------------------------------

    def check(self, form: Mapping[str, Any], *, contact_id: int | None = None) -> ContactValues:
        """The values of a contact form, or ContactInvalid with a Dutch message per field."""
        with self._session_factory() as session:
            return check_form(session, form, contact_id=contact_id)

    # -- writing ------------------------------------------------------------------------------

    def add(self, values: ContactValues, actor: str) -> int:
        with self._session_factory() as session, session.begin():
            _recheck(session, values, None)
            contact = Contact(areas=[])
            write_values(session, contact, replace(values, active=True))
            session.add(contact)
            session.flush()
            record_change(
                session,
                actor=actor,
                action="add",
                contact_id=contact.id,
                contact_name=values.name,
                gemeente_code=values.gemeente_code,
                after=replace(values, active=True).as_dict(),
            )
            DataVersionRepository(session).bump()
            return int(contact.id)

    def update(self, contact_id: int, change: Callable[[ContactValues], ContactValues],
               actor: str) -> bool:  # fmt: skip
        """Apply `change` to the stored values; False when nothing changed."""
        with self._session_factory() as session, session.begin():
            contact = session.get(
                Contact, contact_id, options=[selectinload(Contact.areas)], with_for_update=True
            )
            if contact is None:
                raise ContactNotFound(contact_id)
            before = ContactValues.of(contact)
            after = change(before)
            if after == before:
                return False
            _recheck(session, after, contact_id, before)
            write_values(session, contact, after)
            old, new = differences(before, after)
            record_change(
                session,
                actor=actor,
                action=audit_action(before, after),
                contact_id=contact_id,
                contact_name=after.name,
                gemeente_code=after.gemeente_code,
                before=old,
                after=new,
            )
            DataVersionRepository(session).bump()
            return True

    def set_active(self, contact_id: int, active: bool, actor: str) -> bool:
        return self.update(contact_id, lambda values: replace(values, active=active), actor)


def _served_by_word(words: list[str], catalogue: AreaCatalogue) -> dict[str, set[str]]:
    """Per word, the areas whose contacts serve an area named by it.

    A contact of a wijk or of the whole gemeente works in every buurt inside it, so a
    search for a buurt name finds the same contacts as the "Werkt in" filter does.
    """
    served: dict[str, set[str]] = {word: set() for word in words}
    for option in catalogue.areas.values():
        text = fold_words(f"{option.name} {option.code}")
        for word in words:
            if word in text:
                served[word] |= catalogue.containing(option.code)
    return served


def _haystack(view: ContactView, catalogue: AreaCatalogue) -> str:
    values = view.values
    parts = [
        values.name,
        values.organisation,
        values.phone,
        values.email,
        values.role_code,
        view.role_name,
        view.gemeente_name,
        *values.areas,
        *(catalogue.name(code) for code in values.areas),
    ]
    return fold_words(" | ".join(parts))


def _clean(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def check_form(
    session: Session, form: Mapping[str, Any], *, contact_id: int | None = None
) -> ContactValues:
    """Read and check a contact form; raises ContactInvalid with every problem found."""
    errors: dict[str, str] = {}
    raw = {
        "name": _clean(form.get("naam")),
        "organisation": _clean(form.get("organisatie")),
        "phone": _clean(form.get("telefoon")),
        "email": _clean(form.get("email")),
        "hours": _clean(form.get("spreekuur")),
    }
    for key, value in raw.items():
        if has_control_characters(value):
            errors[key] = f"{FIELD_LABELS[key].capitalize()} bevat onzichtbare tekens."
        elif len(value) > MAX_LENGTHS[key]:
            errors[key] = (
                f"{FIELD_LABELS[key].capitalize()} is te lang: hooguit {MAX_LENGTHS[key]} tekens."
            )
    if not raw["name"] and "name" not in errors:
        errors["name"] = "Vul een naam in."
    if "phone" not in errors and (problem := phone_problem(raw["phone"])):
        errors["phone"] = problem[0].upper() + problem[1:]
    if "email" not in errors and (problem := email_problem(raw["email"])):
        errors["email"] = problem[0].upper() + problem[1:]

    role_code = _clean(form.get("rol"))
    if not role_code:
        errors["role_code"] = "Kies een rol."
    elif session.get(Role, role_code) is None:
        errors["role_code"] = "Deze rol bestaat niet. Kies een rol uit de lijst."

    catalogue = AreaCatalogue.load(session)
    gemeente_code = _clean(form.get("gemeente")).upper()
    gemeente = catalogue.areas.get(gemeente_code)
    if gemeente is None or gemeente.level != LEVEL_GEMEENTE:
        errors["gemeente_code"] = "Kies een gemeente uit de lijst."

    chosen = form.getall("gebied", []) if hasattr(form, "getall") else form.get("gebied", [])
    if isinstance(chosen, str):
        chosen = [chosen]
    codes = sorted({_clean(code).upper() for code in chosen if isinstance(code, str)} - {""})
    unknown = [code for code in codes if code not in catalogue.areas]
    elsewhere = [
        code
        for code in codes
        if code in catalogue.areas
        and gemeente is not None
        and catalogue.areas[code].gemeente_code != gemeente_code
    ]
    if unknown:
        errors["areas"] = f"Deze gebieden bestaan niet: {', '.join(unknown[:10])}."
    elif elsewhere:
        errors["areas"] = (
            f"Deze gebieden horen niet bij gemeente {gemeente.name if gemeente else ''}: "
            f"{', '.join(catalogue.name(code) for code in elsewhere[:10])}."
        )
    elif not codes:
        errors["areas"] = "Kies minstens één gebied waar deze persoon werkt."

    values = ContactValues(
        name=raw["name"],
        role_code=role_code,
        gemeente_code=gemeente_code,
        areas=tuple(codes),
        organisation=raw["organisation"],
        phone=raw["phone"],
        email=raw["email"],
        hours=raw["hours"],
    )
    if not errors:
        duplicate = _duplicate(session, values, contact_id)
        if duplicate:
            errors["name"] = (
                "Er is al een actief contact met deze naam en rol in deze gemeente. "
                "Pas dat contact aan in plaats van een nieuw te maken."
            )
    if errors:
        raise ContactInvalid(errors)
    return values


def _duplicate(session: Session, values: ContactValues, contact_id: int | None) -> bool:
    query = select(Contact.id, Contact.name).where(
        Contact.gemeente_code == values.gemeente_code,
        Contact.role_code == values.role_code,
        Contact.active.is_(True),
    )
    key = caseless(values.name)
    return any(
        other_id != contact_id and caseless(name) == key
        for other_id, name in session.execute(query)
    )


def _recheck(
    session: Session,
    values: ContactValues,
    contact_id: int | None,
    before: ContactValues | None = None,
) -> None:
    """Areas and role once more inside the writing transaction: an upload may have run since.

    Retiring needs no check: a contact whose buurt was removed can always be retired.
    """
    if before is not None and before.active and not values.active:
        return
    catalogue = AreaCatalogue.load(session)
    errors: dict[str, str] = {}
    if session.get(Role, values.role_code) is None:
        errors["role_code"] = "Deze rol bestaat niet meer. Kies een rol uit de lijst."
    gone = [
        code
        for code in values.areas
        if code not in catalogue.areas
        or catalogue.areas[code].gemeente_code != values.gemeente_code
    ]
    if gone:
        errors["areas"] = f"Deze gebieden bestaan niet (meer): {', '.join(gone[:10])}."
    if values.active and _duplicate(session, values, contact_id):
        errors["name"] = "Er is al een actief contact met deze naam en rol in deze gemeente."
    if errors:
        raise ContactInvalid(errors)
