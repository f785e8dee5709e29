"""Tables of the neighbourhood directory: areas, addresses, roles, contacts, routes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CHAR,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.models.base import Base

# CBS codes are at most 10 characters (BU + 8); a little room for odd local codes.
CODE_LENGTH = 16


class Gemeente(Base):
    __tablename__ = "gemeente"

    code: Mapped[str] = Column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    phone: Mapped[str] = Column(String(100), nullable=False, default="")
    website: Mapped[str] = Column(String(500), nullable=False, default="")
    report_url: Mapped[str] = Column(String(500), nullable=False, default="")
    hours: Mapped[str] = Column(String(500), nullable=False, default="")


class Wijk(Base):
    __tablename__ = "wijk"
    __table_args__ = (Index("ix_wijk_name_norm", "name_norm"),)

    code: Mapped[str] = Column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_norm: Mapped[str] = Column(String(200), nullable=False)
    gemeente_code: Mapped[str] = Column(
        String(CODE_LENGTH), ForeignKey("gemeente.code"), nullable=False, index=True
    )


class Buurt(Base):
    __tablename__ = "buurt"
    __table_args__ = (Index("ix_buurt_name_norm", "name_norm"),)

    code: Mapped[str] = Column(String(CODE_LENGTH), primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_norm: Mapped[str] = Column(String(200), nullable=False)
    wijk_code: Mapped[str] = Column(
        String(CODE_LENGTH), ForeignKey("wijk.code"), nullable=False, index=True
    )
    gemeente_code: Mapped[str] = Column(
        String(CODE_LENGTH), ForeignKey("gemeente.code"), nullable=False, index=True
    )


class Address(Base):
    __tablename__ = "address"
    __table_args__ = (
        Index("ix_address_postcode_number", "postcode", "house_number"),
        Index("ix_address_street_number", "street_norm", "house_number"),
        Index("ix_address_buurt_code", "buurt_code"),
        # A range on latitude, then longitude read from the same index: the bounding box
        # of the nearest-address search for location pins (bot/db/geometry.py).
        Index("ix_address_lat_lon", "latitude", "longitude"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    postcode: Mapped[str] = Column(CHAR(6), nullable=False)
    house_number: Mapped[int] = Column(Integer, nullable=False)
    addition: Mapped[str] = Column(String(16), nullable=False, default="")
    street: Mapped[str] = Column(String(200), nullable=False, default="")
    street_norm: Mapped[str] = Column(String(200), nullable=False, default="")
    city: Mapped[str] = Column(String(200), nullable=False, default="")
    buurt_code: Mapped[str] = Column(String(CODE_LENGTH), ForeignKey("buurt.code"), nullable=False)
    # WGS84 degrees from the optional lat,lon columns of adressen.csv; NULL when not given.
    latitude: Mapped[float | None] = Column(Float, nullable=True)
    longitude: Mapped[float | None] = Column(Float, nullable=True)


class Role(Base):
    __tablename__ = "role"

    code: Mapped[str] = Column(String(64), primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    description: Mapped[str] = Column(Text, nullable=False, default="")
    organisation_type: Mapped[str] = Column(String(200), nullable=False, default="")
    needs_location: Mapped[bool] = Column(Boolean, nullable=False, default=True)


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_role_gemeente", "role_code", "gemeente_code"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    gemeente_code: Mapped[str] = Column(
        String(CODE_LENGTH), ForeignKey("gemeente.code"), nullable=False
    )
    name: Mapped[str] = Column(String(200), nullable=False)
    role_code: Mapped[str] = Column(String(64), ForeignKey("role.code"), nullable=False)
    organisation: Mapped[str] = Column(String(200), nullable=False, default="")
    phone: Mapped[str] = Column(String(100), nullable=False, default="")
    email: Mapped[str] = Column(String(200), nullable=False, default="")
    hours: Mapped[str] = Column(String(500), nullable=False, default="")
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)

    areas: Mapped[list[ContactArea]] = relationship(
        "ContactArea", cascade="all, delete-orphan", passive_deletes=True
    )


class ContactArea(Base):
    __tablename__ = "contact_area"
    __table_args__ = (Index("ix_contact_area_area_code", "area_code"),)

    contact_id: Mapped[int] = Column(
        Integer, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    # Not a foreign key: the code points at a buurt, a wijk or a gemeente, per `level`.
    area_code: Mapped[str] = Column(String(CODE_LENGTH), primary_key=True)
    level: Mapped[str] = Column(String(16), nullable=False)


class RouteRule(Base):
    __tablename__ = "route_rule"
    __table_args__ = (UniqueConstraint("topic", "gemeente_code", name="uq_route_rule_topic"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = Column(String(100), nullable=False, index=True)
    role_code: Mapped[str] = Column(String(64), ForeignKey("role.code"), nullable=False)
    # NULL: the default for every municipality without a rule of its own.
    gemeente_code: Mapped[str | None] = Column(
        String(CODE_LENGTH), ForeignKey("gemeente.code"), nullable=True
    )


class RoleOverride(Base):
    """A municipality's own name or description of a role; empty fields keep the shared one."""

    __tablename__ = "role_override"

    gemeente_code: Mapped[str] = Column(
        String(CODE_LENGTH), ForeignKey("gemeente.code", ondelete="CASCADE"), primary_key=True
    )
    role_code: Mapped[str] = Column(
        String(64), ForeignKey("role.code", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = Column(String(200), nullable=False, default="")
    description: Mapped[str] = Column(Text, nullable=False, default="")


class GeneralContactDefault(Base):
    """The deployment's general contact details, for municipalities that leave a field empty."""

    __tablename__ = "general_contact_default"

    # One row, id 1 (DEFAULT_CONTACT_ID).
    id: Mapped[int] = Column(Integer, primary_key=True)
    phone: Mapped[str] = Column(String(100), nullable=False, default="")
    website: Mapped[str] = Column(String(500), nullable=False, default="")
    report_url: Mapped[str] = Column(String(500), nullable=False, default="")
    hours: Mapped[str] = Column(String(500), nullable=False, default="")


DEFAULT_CONTACT_ID = 1


class DataVersion(Base):
    """A counter raised by every change of the neighbourhood data.

    Other processes (the action server) compare it with what they cached: one primary-key
    read tells them whether to reload, so staff edits reach the bot within seconds.
    """

    __tablename__ = "data_version"

    name: Mapped[str] = Column(String(50), primary_key=True)
    version: Mapped[int] = Column(Integer, nullable=False, default=0)


class ContactChange(Base):
    """The audit trail of contacts: who changed what when, with the values before and after."""

    __tablename__ = "contact_change"
    __table_args__ = (Index("ix_contact_change_changed_at", "changed_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # UTC without time zone, like the staff tables.
    changed_at: Mapped[datetime] = Column(DateTime, nullable=False)
    actor: Mapped[str] = Column(String(100), nullable=False)
    # add, edit, areas, retire, restore, upload (summary of a CSV upload), import (command line)
    action: Mapped[str] = Column(String(20), nullable=False, index=True)
    # Not a foreign key: the history outlives contacts that a command-line import replaces.
    contact_id: Mapped[int | None] = Column(Integer, nullable=True, index=True)
    contact_name: Mapped[str] = Column(String(200), nullable=False, default="")
    gemeente_code: Mapped[str] = Column(String(CODE_LENGTH), nullable=False, default="")
    # JSON objects of the fields that changed (for an upload: counts and file names).
    before: Mapped[str] = Column(Text, nullable=False, default="{}")
    after: Mapped[str] = Column(Text, nullable=False, default="{}")
    # The changes of one CSV upload share a batch id.
    batch: Mapped[str] = Column(String(40), nullable=False, default="")


