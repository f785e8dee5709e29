"""Queries on the neighbourhood database, one repository per aggregate, each on a given Session."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.db.models import (
    DEFAULT_CONTACT_ID,
    Address,
    Buurt,
    Contact,
    ContactArea,
    DataVersion,
    Gemeente,
    GeneralContactDefault,
    Role,
    RoleOverride,
    RouteRule,
    Wijk,
)

# The one counter of the neighbourhood data (areas, addresses, contacts, roles, routes).
NEIGHBOURHOOD_DATA = "neighbourhood"


class BuurtRow(NamedTuple):
    code: str
    name: str
    name_norm: str
    wijk_code: str
    gemeente_code: str


class WijkRow(NamedTuple):
    code: str
    name: str
    name_norm: str
    gemeente_code: str


class StreetHit(NamedTuple):
    street_norm: str
    house_number: int
    addition: str
    city: str
    buurt_code: str


class StreetPlace(NamedTuple):
    street_norm: str
    city: str
    buurt_code: str


class ContactRow(NamedTuple):
    area_code: str
    name: str
    organisation: str
    phone: str
    email: str
    hours: str


# The lookups of every resident message, built once per process: building a statement costs
# more than running it on an indexed table of millions of addresses (benchmarks/national.py).
@cache
def _postcode_statement() -> Select:
    return (
        select(Address.buurt_code)
        .where(Address.postcode == bindparam("postcode"))
        .distinct()
        .order_by(Address.buurt_code)
    )


@cache
def _pc4_statement() -> Select:
    return (
        select(Address.buurt_code)
        .where(Address.postcode >= bindparam("low"), Address.postcode <= bindparam("high"))
        .distinct()
        .order_by(Address.buurt_code)
    )


@cache
def _street_statement() -> Select:
    return select(
        Address.street_norm,
        Address.house_number,
        Address.addition,
        Address.city,
        Address.buurt_code,
    ).where(
        Address.street_norm.in_(bindparam("streets", expanding=True)),
        Address.house_number == bindparam("house_number"),
    )


@cache
def _street_places_statement() -> Select:
    # Without a number only where the street lies matters, not every house on it: a common
    # street name has thousands of addresses but lies in a few dozen buurten.
    return (
        select(Address.street_norm, Address.city, Address.buurt_code)
        .where(Address.street_norm.in_(bindparam("streets", expanding=True)))
        .distinct()
    )


@cache
def _contacts_statement() -> Select:
    return (
        select(
            ContactArea.area_code,
            Contact.name,
            Contact.organisation,
            Contact.phone,
            Contact.email,
            Contact.hours,
        )
        .join(ContactArea, ContactArea.contact_id == Contact.id)
        .where(
            ContactArea.area_code.in_(bindparam("area_codes", expanding=True)),
            Contact.role_code == bindparam("role_code"),
            Contact.active.is_(True),
        )
        .order_by(Contact.id)
    )


class AreaRepository:
    """Gemeenten, wijken and buurten."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def buurten(self) -> list[BuurtRow]:
        rows = self.session.execute(
            select(Buurt.code, Buurt.name, Buurt.name_norm, Buurt.wijk_code, Buurt.gemeente_code)
        )
        return [BuurtRow(*row) for row in rows]

    def wijken(self) -> list[WijkRow]:
        rows = self.session.execute(
            select(Wijk.code, Wijk.name, Wijk.name_norm, Wijk.gemeente_code)
        )
        return [WijkRow(*row) for row in rows]

    def gemeenten(self) -> list[Gemeente]:
        return list(self.session.scalars(select(Gemeente).order_by(Gemeente.code)))

    def gemeente(self, code: str) -> Gemeente | None:
        return self.session.get(Gemeente, code)

    def general_default(self) -> GeneralContactDefault | None:
        """The deployment's general contact details for fields a municipality left empty."""
        return self.session.get(GeneralContactDefault, DEFAULT_CONTACT_ID)

    def buurt(self, code: str) -> Buurt | None:
        return self.session.get(Buurt, code)

    def wijk(self, code: str) -> Wijk | None:
        return self.session.get(Wijk, code)


class AddressRepository:
    """Addresses: postcode and street lookups."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def buurt_codes_for_postcode(self, postcode: str) -> list[str]:
        """Buurten of a full postcode ('8101AA')."""
        return list(self.session.scalars(_postcode_statement(), {"postcode": postcode}))

    def buurt_codes_for_pc4(self, pc4: str) -> list[str]:
        """Buurten of a four-digit postcode area; a range, so the postcode index is used."""
        bounds = {"low": f"{pc4}AA", "high": f"{pc4}ZZ"}
        return list(self.session.scalars(_pc4_statement(), bounds))

    def on_street(self, streets: Sequence[str], house_number: int) -> list[StreetHit]:
        """Addresses with this house number on any of the normalised street names."""
        if not streets:
            return []
        parameters = {"streets": list(streets), "house_number": house_number}
        return [StreetHit(*row) for row in self.session.execute(_street_statement(), parameters)]

    def street_places(self, streets: Sequence[str]) -> list[StreetPlace]:
        """Each (street, place, buurt) where any of the normalised street names lies, once."""
        if not streets:
            return []
        parameters = {"streets": list(streets)}
        rows = self.session.execute(_street_places_statement(), parameters)
        return [StreetPlace(*row) for row in rows]

    def street_names(self) -> list[str]:
        """Every distinct normalised street name (for typo-tolerant lookups)."""
        return list(self.session.scalars(select(Address.street_norm).distinct()))

    def existing_streets(self, streets: Collection[str]) -> set[str]:
        """Which of these normalised street names exist at all."""
        if not streets:
            return set()
        query = select(Address.street_norm).where(Address.street_norm.in_(list(streets)))
        return set(self.session.scalars(query.distinct()))


class ContactRepository:
    """Contacts and the areas they serve."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def active_for_area(self, role_code: str, area_code: str) -> list[Contact]:
        """Active contacts of a role that serve exactly this area, in the order imported."""
        query = (
            select(Contact)
            .join(ContactArea, ContactArea.contact_id == Contact.id)
            .where(
                ContactArea.area_code == area_code,
                Contact.role_code == role_code,
                Contact.active.is_(True),
            )
            .order_by(Contact.id)
        )
        return list(self.session.scalars(query))

    def active_for_areas(self, role_code: str, area_codes: Sequence[str]) -> list[ContactRow]:
        """Active contacts of a role for any of these areas, in one query, in import order."""
        if not area_codes:
            return []
        parameters = {"role_code": role_code, "area_codes": list(area_codes)}
        return [ContactRow(*row) for row in self.session.execute(_contacts_statement(), parameters)]

    def for_gemeente(self, gemeente_code: str) -> list[Contact]:
        query = select(Contact).where(Contact.gemeente_code == gemeente_code).order_by(Contact.id)
        return list(self.session.scalars(query))


class RoleRepository:
    """The role catalogue as stored (staff may have edited it)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, code: str) -> Role | None:
        return self.session.get(Role, code)

    def all(self) -> list[Role]:
        return list(self.session.scalars(select(Role).order_by(Role.code)))

    def overrides(self, gemeente_code: str) -> dict[str, RoleOverride]:
        """The municipality's own names and descriptions, by role code."""
        query = select(RoleOverride).where(RoleOverride.gemeente_code == gemeente_code)
        return {override.role_code: override for override in self.session.scalars(query)}


class RouteRepository:
    """Which role answers a topic, per municipality or by default."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def role_for_topic(self, topic: str, gemeente_code: str | None = None) -> str | None:
        """The municipality's own rule if it has one, else the default rule."""
        if gemeente_code:
            own = self.session.scalar(
                select(RouteRule.role_code).where(
                    RouteRule.topic == topic, RouteRule.gemeente_code == gemeente_code
                )
            )
            if own:
                return str(own)
        default = self.session.scalar(
            select(RouteRule.role_code).where(
                RouteRule.topic == topic, RouteRule.gemeente_code.is_(None)
            )
        )
        return str(default) if default else None

    def set_rule(self, topic: str, role_code: str, gemeente_code: str | None = None) -> None:
        """Add or change a rule; the caller commits."""
        query = select(RouteRule).where(RouteRule.topic == topic)
        if gemeente_code is None:
            query = query.where(RouteRule.gemeente_code.is_(None))
        else:
            query = query.where(RouteRule.gemeente_code == gemeente_code)
        rule = self.session.scalar(query)
        if rule is None:
            self.session.add(
                RouteRule(topic=topic, role_code=role_code, gemeente_code=gemeente_code)
            )
        else:
            rule.role_code = role_code


class DataVersionRepository:
    """The change counter of the neighbourhood data (see models.DataVersion)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self) -> int:
        version = self.session.scalar(
            select(DataVersion.version).where(DataVersion.name == NEIGHBOURHOOD_DATA)
        )
        return int(version or 0)

    def ensure(self) -> None:
        """Add the counter when it is missing; the caller commits."""
        if self.session.get(DataVersion, NEIGHBOURHOOD_DATA) is None:
            self.session.add(DataVersion(name=NEIGHBOURHOOD_DATA, version=0))
            self.session.flush()

    def bump(self, expected: int | None = None) -> bool:
        """Raise the counter in the caller's transaction; False when it is no longer `expected`.

        One UPDATE with the expected value in its WHERE is an atomic compare-and-set on
        SQLite and PostgreSQL alike: of two writers that saw the same version, one loses.
        """
        query = update(DataVersion).where(DataVersion.name == NEIGHBOURHOOD_DATA)
        if expected is not None:
            query = query.where(DataVersion.version == expected)
        result = self.session.execute(
            query.values(version=DataVersion.version + 1).execution_options(
                synchronize_session=False
            )
        )
        if result.rowcount:
            return True
        missing = self.session.get(DataVersion, NEIGHBOURHOOD_DATA) is None
        if missing and expected in (None, 0):
            # A database from before the counter existed.
            self.session.add(DataVersion(name=NEIGHBOURHOOD_DATA, version=1))
            self.session.flush()
            return True
        return False
