"""CSV upload from the staff workspace: a preview of every change, then the same run for real.

The preview runs the whole import inside a transaction and rolls it back, so it checks
exactly what applying would do (every importer check, buurt outlines included) and shows
the differences. Applying repeats it and commits, but only when the data version and the
changes are still those of the preview. Unlike `wijkwijzer import`, contacts are merged:
a contact keeps its id and history, changes are recorded field by field, and a contact
missing from the file is made inactive instead of deleted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, selectinload

from bot.core.text import caseless
from bot.db.audit import record_change
from bot.db.contact_admin import (
    ContactValues,
    audit_action,
    differences,
    write_values,
)
from bot.db.contact_fields import FIELD_LABELS
from bot.db.importer import (
    ADRESSEN_FILE,
    BUURTEN_FILE,
    CONTACTEN_FILE,
    GEMEENTEN_FILE,
    GEOJSON_FILE,
    ROLLEN_FILE,
    ROUTES_FILE,
    check_contacts_file,
    check_directory,
    import_shapes,
    replace_areas,
)
from bot.db.models import Address, Buurt, Contact, Gemeente, Wijk
from bot.db.repositories import DataVersionRepository

MODE_CONTACTS: Final = "contacts"
MODE_FULL: Final = "full"
PC6HNR_UPLOAD_FILE: Final = "pc6hnr_upload.csv"


@dataclass(frozen=True)
class UploadFile:
    field: str
    file_name: str
    label: str


# The form's file fields, the name each file gets for the importer, and what staff read.
UPLOAD_FILES: Final = (
    UploadFile("contacten", CONTACTEN_FILE, "Contactpersonen (contacten.csv)"),
    UploadFile("buurten", BUURTEN_FILE, "Buurten en wijken (buurten.csv)"),
    UploadFile("adressen", ADRESSEN_FILE, "Adressen (adressen.csv)"),
    UploadFile("gemeenten", GEMEENTEN_FILE, "Gegevens van de gemeente (gemeenten.csv)"),
    UploadFile("pc6hnr", PC6HNR_UPLOAD_FILE, "Adressen van het CBS (pc6hnr-bestand)"),
    UploadFile("buurtgrenzen", GEOJSON_FILE, "Buurtgrenzen (buurten.geojson)"),
    UploadFile("routes", ROUTES_FILE, "Eigen verwijzingen per onderwerp (routes.csv)"),
    UploadFile("rollen", ROLLEN_FILE, "Eigen namen en uitleg van rollen (rollen.csv)"),
)
NEEDS_BUURTEN: Final = frozenset(
    {"adressen", "gemeenten", "pc6hnr", "buurtgrenzen", "routes", "rollen"}
)


class StalePreview(Exception):
    """The database changed after the preview: preview again before applying."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ContactChangePreview:
    action: str
    contact_id: int | None
    name: str
    role_code: str
    gemeente_code: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class AreaCounts:
    wijken: int = 0
    buurten: int = 0
    addresses: int = 0
    shapes: int = 0


@dataclass(frozen=True)
class UploadPreview:
    mode: str
    gemeenten: tuple[tuple[str, str], ...]
    added: tuple[ContactChangePreview, ...]
    changed: tuple[ContactChangePreview, ...]
    restored: tuple[ContactChangePreview, ...]
    retired: tuple[ContactChangePreview, ...]
    unchanged: int
    before: AreaCounts
    after: AreaCounts
    buurten_added: tuple[str, ...] = ()
    buurten_removed: tuple[str, ...] = ()
    buurten_renamed: tuple[str, ...] = ()
    wijken_added: tuple[str, ...] = ()
    wijken_removed: tuple[str, ...] = ()
    wijken_renamed: tuple[str, ...] = ()
    version: int = 0
    # Spreekuren the bot cannot fully read ("contacten.csv, regel 4: ..."): warnings only.
    hours_warnings: tuple[str, ...] = ()
    hours_read: int = 0
    digest: str = ""

    @property
    def contact_changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.restored) + len(self.retired)

    @property
    def has_changes(self) -> bool:
        return bool(
            self.contact_changes
            or self.before != self.after
            or self.buurten_added
            or self.buurten_removed
            or self.buurten_renamed
            or self.wijken_added
            or self.wijken_removed
            or self.wijken_renamed
        )

    def summary(self) -> dict[str, Any]:
        """What the audit trail keeps of an applied upload."""
        return {
            "toegevoegd": len(self.added),
            "gewijzigd": len(self.changed),
            "weer_actief": len(self.restored),
            "inactief": len(self.retired),
            "ongewijzigd": self.unchanged,
            "buurten": self.after.buurten,
            "wijken": self.after.wijken,
            "adressen": self.after.addresses,
        }


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value) or "(geen)"
    return str(value) if value not in ("", None) else "(leeg)"


def _field_changes(before: ContactValues, after: ContactValues) -> tuple[FieldChange, ...]:
    old, new = differences(before, after)
    return tuple(
        FieldChange(key, FIELD_LABELS[key], _show(old[key]), _show(new[key])) for key in new
    )


def match_contacts(
    existing: list[tuple[int, ContactValues]],
    incoming: list[ContactValues],
    known_areas: set[str],
) -> list[tuple[int | None, ContactValues | None, ContactValues]]:
    """(id, before, after) for every contact that is added or changes.

    A row of the file is the same person as a stored contact of the same gemeente with the
    same role and name (case and spacing ignored); active contacts are matched first, then
    inactive ones (which come back). Stored contacts the file does not name become inactive;
    area codes that no longer exist are dropped from them.
    """
    waiting: dict[tuple[str, str, str], list[tuple[int, ContactValues]]] = {}
    for contact_id, values in sorted(existing, key=lambda item: (not item[1].active, item[0])):
        key = (values.gemeente_code, values.role_code, caseless(values.name))
        waiting.setdefault(key, []).append((contact_id, values))
    result: list[tuple[int | None, ContactValues | None, ContactValues]] = []
    for values in incoming:
        key = (values.gemeente_code, values.role_code, caseless(values.name))
        candidates = waiting.get(key)
        if candidates:
            contact_id, before = candidates.pop(0)
            if before != values:
                result.append((contact_id, before, values))
        else:
            result.append((None, None, values))
    for candidates in waiting.values():
        for contact_id, before in candidates:
            kept = tuple(code for code in before.areas if code in known_areas)
            after = ContactValues(**{**before.as_dict(), "areas": kept, "active": False})
            if after != before:
                result.append((contact_id, before, after))
    return result


def _counts(session: Session, codes: list[str]) -> AreaCounts:
    from bot.db.geometry import BuurtShape

    buurten = select(Buurt.code).where(Buurt.gemeente_code.in_(codes))
    shapes = 0
    if inspect(session.connection()).has_table(BuurtShape.__tablename__):
        shapes = int(
            session.scalar(
                select(func.count())
                .select_from(BuurtShape)
                .where(BuurtShape.buurt_code.in_(buurten))
            )
            or 0
        )
    return AreaCounts(
        wijken=int(session.scalar(select(func.count()).where(Wijk.gemeente_code.in_(codes))) or 0),
        buurten=int(
            session.scalar(select(func.count()).where(Buurt.gemeente_code.in_(codes))) or 0
        ),
        addresses=int(
            session.scalar(select(func.count()).where(Address.buurt_code.in_(buurten))) or 0
        ),
        shapes=shapes,
    )


def _names(session: Session, model: type[Buurt] | type[Wijk], codes: list[str]) -> dict[str, str]:
    rows = session.execute(select(model.code, model.name).where(model.gemeente_code.in_(codes)))
    return {code: name for code, name in rows}


def _area_differences(
    before: dict[str, str], after: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    added = tuple(f"{after[code]} ({code})" for code in sorted(set(after) - set(before)))
    removed = tuple(f"{before[code]} ({code})" for code in sorted(set(before) - set(after)))
    renamed = tuple(
        f"{code}: {before[code]} → {after[code]}"
        for code in sorted(set(before) & set(after))
        if before[code] != after[code]
    )
    return added, removed, renamed


def _known_area_codes(session: Session) -> set[str]:
    codes: set[str] = set()
    for model in (Gemeente, Wijk, Buurt):
        codes.update(session.scalars(select(model.code)))
    return codes


def run_upload(
    session: Session,
    directory: Path,
    *,
    actor: str,
    batch: str,
    commit: bool,
    expected: UploadPreview | None = None,
) -> UploadPreview:
    """Preview (commit=False, always rolled back) or apply the files staged in `directory`.

    Raises ImportFailed (nothing changed) or, when applying, StalePreview if the data
    version or the resulting changes differ from `expected`.
    """
    transaction = session.begin()
    try:
        preview = _run(session, directory, actor=actor, batch=batch)
        if commit:
            if expected is None or (preview.version, preview.digest) != (
                expected.version,
                expected.digest,
            ):
                raise StalePreview()
            # Compare-and-set: a change committed meanwhile by another process wins.
            if not DataVersionRepository(session).bump(expected=preview.version):
                raise StalePreview()
            transaction.commit()
        else:
            transaction.rollback()
        return preview
    except BaseException:
        if transaction.is_active:
            transaction.rollback()
        raise


def _run(session: Session, directory: Path, *, actor: str, batch: str) -> UploadPreview:
    version = DataVersionRepository(session).current()
    full = (directory / BUURTEN_FILE).is_file()
    if full:
        plan = check_directory(directory, session)
        codes = sorted(plan.gemeenten)
    else:
        plan = check_contacts_file(directory / CONTACTEN_FILE, session)
        codes = sorted({contact.gemeente_code for contact in plan.contacts})

    before_counts = _counts(session, codes)
    buurten_before, wijken_before = _names(session, Buurt, codes), _names(session, Wijk, codes)
    existing = list(
        session.scalars(
            select(Contact)
            .where(Contact.gemeente_code.in_(codes))
            .options(selectinload(Contact.areas))
            .order_by(Contact.id)
        )
    )
    by_id = {contact.id: contact for contact in existing}

    if full:
        replace_areas(session, plan)
        import_shapes(session, plan)
    after_counts = _counts(session, codes)
    buurten_after, wijken_after = _names(session, Buurt, codes), _names(session, Wijk, codes)

    incoming = [
        ContactValues(
            name=contact.name,
            role_code=contact.role_code,
            gemeente_code=contact.gemeente_code,
            areas=tuple(sorted(code for code, _level in contact.areas)),
            organisation=contact.organisation,
            phone=contact.phone,
            email=contact.email,
            hours=contact.hours,
        )
        for contact in plan.contacts
    ]
    changes = match_contacts(
        [(contact.id, ContactValues.of(contact)) for contact in existing],
        incoming,
        _known_area_codes(session),
    )

    groups: dict[str, list[ContactChangePreview]] = {
        "add": [], "changed": [], "restore": [], "retire": []
    }  # fmt: skip
    for contact_id, before, after in changes:
        old: dict[str, Any]
        new: dict[str, Any]
        if contact_id is None or before is None:
            row = Contact(areas=[])
            write_values(session, row, after)
            session.add(row)
            session.flush()
            action, old, new = "add", {}, after.as_dict()
            item = ContactChangePreview("add", None, after.name, after.role_code,
                                        after.gemeente_code)  # fmt: skip
            groups["add"].append(item)
            contact_id = row.id
        else:
            write_values(session, by_id[contact_id], after)
            action = audit_action(before, after)
            old, new = differences(before, after)
            item = ContactChangePreview(
                action, contact_id, after.name, after.role_code, after.gemeente_code,
                _field_changes(before, after),
            )  # fmt: skip
            groups[action if action in ("restore", "retire") else "changed"].append(item)
        record_change(
            session,
            actor=actor,
            action=action,
            contact_id=contact_id,
            contact_name=after.name,
            gemeente_code=after.gemeente_code,
            before=old,
            after=new,
            batch=batch,
        )
    session.flush()

    gemeenten = tuple(
        (code, session.get(Gemeente, code).name if session.get(Gemeente, code) else code)
        for code in codes
    )
    buurten = _area_differences(buurten_before, buurten_after)
    wijken = _area_differences(wijken_before, wijken_after)
    preview = UploadPreview(
        mode=MODE_FULL if full else MODE_CONTACTS,
        gemeenten=gemeenten,
        added=tuple(groups["add"]),
        changed=tuple(groups["changed"]),
        restored=tuple(groups["restore"]),
        retired=tuple(groups["retire"]),
        # Every row of the file is active afterwards; the others were retired.
        unchanged=len(incoming) - sum(1 for _id, _before, after in changes if after.active),
        before=before_counts,
        after=after_counts,
        buurten_added=buurten[0],
        buurten_removed=buurten[1],
        buurten_renamed=buurten[2],
        wijken_added=wijken[0],
        wijken_removed=wijken[1],
        wijken_renamed=wijken[2],
        version=version,
        hours_warnings=tuple(str(note) for note in plan.hours_warnings),
        hours_read=len(plan.hours_read),
    )
    digest = hashlib.sha256(
        json.dumps(asdict(preview), sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    preview = UploadPreview(**{**preview.__dict__, "digest": digest})
    record_change(
        session,
        actor=actor,
        action="upload",
        contact_name=", ".join(name for _code, name in gemeenten),
        gemeente_code=codes[0] if len(codes) == 1 else "",
        before={"buurten": before_counts.buurten, "adressen": before_counts.addresses},
        after={
            **preview.summary(),
            "bestanden": sorted(path.name for path in directory.iterdir()),
        },
        batch=batch,
    )
    session.flush()
    return preview


# -- staged files between preview and apply ---------------------------------------------------


@dataclass
class StagedUpload:
    token: str
    directory: Path
    user: str
    created: float
    preview: UploadPreview | None = None


@dataclass
class UploadStore:
    """Uploaded files on disk between preview and apply, per token and staff member."""

    max_age: float = 3600.0
    root: Path | None = None
    _items: dict[str, StagedUpload] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, user: str) -> StagedUpload:
        self.expire()
        directory = Path(tempfile.mkdtemp(prefix="wijkwijzer-upload-", dir=self.root))
        staged = StagedUpload(secrets.token_urlsafe(24), directory, user, time.monotonic())
        with self._lock:
            self._items[staged.token] = staged
        return staged

    def get(self, token: str, user: str) -> StagedUpload | None:
        self.expire()
        with self._lock:
            staged = self._items.get(token)
        if staged is None or staged.user != user:
            return None
        return staged

    def discard(self, token: str) -> None:
        with self._lock:
            staged = self._items.pop(token, None)
        if staged is not None:
            shutil.rmtree(staged.directory, ignore_errors=True)

    def expire(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [t for t, s in self._items.items() if now - s.created > self.max_age]
        for token in old:
            self.discard(token)

    def close(self) -> None:
        with self._lock:
            tokens = list(self._items)
        for token in tokens:
            self.discard(token)


def preview_upload(
    session_factory: Callable[[], Session], staged: StagedUpload, actor: str
) -> UploadPreview:
    with session_factory() as session:
        preview = run_upload(session, staged.directory, actor=actor, batch=staged.token[:40],
                             commit=False)  # fmt: skip
    staged.preview = preview
    return preview


def apply_upload(
    session_factory: Callable[[], Session], staged: StagedUpload, actor: str
) -> UploadPreview:
    if staged.preview is None:
        raise StalePreview()
    with session_factory() as session:
        return run_upload(session, staged.directory, actor=actor, batch=staged.token[:40],
                          commit=True, expected=staged.preview)  # fmt: skip
