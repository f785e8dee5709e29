"""Staff pages for contacts: list and search, add, edit, (in)activate, CSV upload."""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import replace
from typing import Any, Final

from aiohttp import web
from aiohttp.web_request import FileField
from sqlalchemy.exc import SQLAlchemyError

from bot.core.opening_hours import parse_opening_hours, understanding_note
from bot.db.contact_admin import (
    STATUS_ACTIVE,
    STATUS_ALL,
    STATUS_RETIRED,
    ContactAdmin,
    ContactFilter,
    ContactInvalid,
    ContactNotFound,
    ContactValues,
)
from bot.db.contact_upload import (
    NEEDS_BUURTEN,
    UPLOAD_FILES,
    StagedUpload,
    StalePreview,
    UploadPreview,
    UploadStore,
    apply_upload,
    preview_upload,
)
from bot.db.importer import ImportFailed, ImportProblem
from bot.settings import settings as app_settings
from bot.staff.pages.common import (
    Handler,
    database_busy,
    error_page,
    form_text,
    notice,
    render,
    requires,
    see_other,
    settings,
    user,
)
from bot.staff.roles import Permission

log = logging.getLogger(__name__)

UPLOAD_PATH: Final = "/contacten/upload"
UPLOADS: Final = web.AppKey("contact_uploads", UploadStore)
UPLOAD_LIMIT: Final = web.AppKey("contact_upload_limit", int)
STATUS_LABELS: Final = {STATUS_ACTIVE: "Actief", STATUS_RETIRED: "Inactief", STATUS_ALL: "Alle"}
NOTICES: Final = {
    "toegevoegd": "Het contact is toegevoegd. De bot gebruikt het meteen.",
    "gewijzigd": "De wijzigingen zijn opgeslagen. De bot gebruikt ze meteen.",
    "ongewijzigd": "Er was niets veranderd; er is niets opgeslagen.",
    "inactief": "Het contact is inactief gemaakt. De bot noemt het niet meer.",
    "actief": "Het contact is weer actief. De bot noemt het weer.",
    "geannuleerd": "Het inlezen is geannuleerd. Er is niets veranderd.",
}


def add_routes(app: web.Application) -> None:
    """The contacts pages; the app adds `upload_limit` to its middlewares."""
    max_mb = _upload_max_mb()
    app[UPLOAD_LIMIT] = max_mb * 1024 * 1024
    app[UPLOADS] = UploadStore()
    app.on_cleanup.append(_close_uploads)  # type: ignore[arg-type]  # aiohttp 3.9 Signal typing
    app.router.add_get("/contacten", contacts_page)
    app.router.add_get("/contacten/nieuw", new_contact_page)
    app.router.add_post("/contacten/nieuw", add_contact)
    app.router.add_get("/contacten/{contact_id:\\d+}", contact_page)
    app.router.add_post("/contacten/{contact_id:\\d+}", edit_contact)
    app.router.add_post("/contacten/{contact_id:\\d+}/inactief", retire_contact)
    app.router.add_post("/contacten/{contact_id:\\d+}/actief", restore_contact)
    app.router.add_get(UPLOAD_PATH, upload_page)
    app.router.add_post(UPLOAD_PATH, upload_files)
    app.router.add_post(UPLOAD_PATH + "/{token}/toepassen", apply_files)
    app.router.add_post(UPLOAD_PATH + "/{token}/opnieuw", preview_again)
    app.router.add_post(UPLOAD_PATH + "/{token}/annuleren", cancel_upload)


def _upload_max_mb() -> int:
    return app_settings().staff_upload_max_mb


async def _close_uploads(app: web.Application) -> None:
    app[UPLOADS].close()


@web.middleware
async def upload_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The upload form may send files up to the upload limit; every other form stays small.

    Runs after sign-in (nobody else gets the larger limit) and before the CSRF check, which
    reads the body.
    """
    if request.method != "POST" or request.path != UPLOAD_PATH or UPLOAD_LIMIT not in request.app:
        return await handler(request)
    limit = request.app[UPLOAD_LIMIT]
    if request.content_length is not None and request.content_length > limit:
        return _too_large(request, limit)
    try:
        return await handler(request.clone(client_max_size=limit))
    except web.HTTPRequestEntityTooLarge:
        return _too_large(request, limit)


def _too_large(request: web.Request, limit: int) -> web.Response:
    return error_page(request, 413, (
        f"De bestanden zijn samen te groot. Het maximum is {limit // (1024 * 1024)} MB. "
        "Er is niets veranderd."
    ))  # fmt: skip


def _admin(request: web.Request) -> ContactAdmin:
    return ContactAdmin(settings(request).session_factory)


def _contact_id(request: web.Request) -> int:
    return int(request.match_info["contact_id"])


# --- list and search -----------------------------------------------------------------------


@requires(Permission.CONTACTS)
async def contacts_page(request: web.Request) -> web.StreamResponse:
    admin = _admin(request)
    query = request.query
    status = query.get("status", STATUS_ACTIVE)
    wanted = ContactFilter(
        text=query.get("zoek", "")[:100],
        gemeente=query.get("gemeente", "")[:16],
        role=query.get("rol", "")[:64],
        area=query.get("gebied", "")[:16],
        status=status if status in STATUS_LABELS else STATUS_ACTIVE,
    )
    try:
        contacts = admin.search(wanted)
        catalogue = admin.catalogue()
        roles = admin.roles()
    except SQLAlchemyError:
        return database_busy(request)
    return render(
        request,
        "contacts.html",
        contacts=contacts,
        wanted=wanted,
        roles=roles,
        gemeenten=catalogue.gemeenten,
        areas=sorted(catalogue.areas.values(), key=lambda a: (a.gemeente_code, a.code)),
        statuses=STATUS_LABELS,
        # Only a mixed list needs a status column; inactive rows are greyed out as well.
        show_status=wanted.status == STATUS_ALL,
        notice=notice(query, NOTICES),
    )


# --- add and edit --------------------------------------------------------------------------


def _form_page(
    request: web.Request,
    *,
    contact_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    active: bool = True,
    notice: str | None = None,
) -> web.Response:
    admin = _admin(request)
    catalogue = admin.catalogue()
    # How the bot reads the spreekuur: a warning beside the field, never a refusal.
    hours = parse_opening_hours(str(values.get("spreekuur") or ""))
    if notice and hours.problems:
        notice += " Let op: het spreekuur is niet helemaal begrepen (zie bij Spreekuur)."
    return render(
        request,
        "contact_form.html",
        status=status,
        contact_id=contact_id,
        active=active,
        values=values,
        errors=errors or {},
        roles=admin.roles(),
        gemeenten=[(g, catalogue.tree(g.code)) for g in catalogue.gemeenten],
        notice=notice,
        hours_note=understanding_note(hours),
        hours_read=hours.is_read,
    )


def _values_for_form(values: ContactValues) -> dict[str, Any]:
    return {
        "naam": values.name,
        "rol": values.role_code,
        "organisatie": values.organisation,
        "telefoon": values.phone,
        "email": values.email,
        "spreekuur": values.hours,
        "gemeente": values.gemeente_code,
        "gebied": set(values.areas),
    }


def _submitted(form: Any) -> dict[str, Any]:
    """The form as typed, to show it again with the problems."""
    fields = ("naam", "rol", "organisatie", "telefoon", "email", "spreekuur", "gemeente")
    shown: dict[str, Any] = {key: form_text(form, key, 1000) for key in fields}
    shown["gebied"] = {str(code) for code in form.getall("gebied", [])}
    return shown


@requires(Permission.CONTACTS)
async def new_contact_page(request: web.Request) -> web.StreamResponse:
    try:
        gemeenten = _admin(request).catalogue().gemeenten
        values: dict[str, Any] = {"gebied": set()}
        if len(gemeenten) == 1:
            values["gemeente"] = gemeenten[0].code
        return _form_page(request, contact_id=None, values=values)
    except SQLAlchemyError:
        return database_busy(request)


@requires(Permission.CONTACTS)
async def add_contact(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    admin = _admin(request)
    try:
        values = admin.check(form)
        contact_id = admin.add(values, user(request))
    except ContactInvalid as invalid:
        return _form_page(
            request, contact_id=None, values=_submitted(form), errors=invalid.errors, status=400
        )
    except SQLAlchemyError:
        return database_busy(request)
    log.info("%s added contact %s", user(request), contact_id)
    raise see_other(f"/contacten/{contact_id}", uitkomst="toegevoegd")


@requires(Permission.CONTACTS)
async def contact_page(request: web.Request) -> web.StreamResponse:
    try:
        view = _admin(request).get(_contact_id(request))
        if view is None:
            return _not_found(request)
        return _form_page(
            request,
            contact_id=view.id,
            values=_values_for_form(view.values),
            active=view.active,
            notice=notice(request.query, NOTICES),
        )
    except SQLAlchemyError:
        return database_busy(request)


def _not_found(request: web.Request) -> web.Response:
    return error_page(request, 404, "Dit contact bestaat niet.")


@requires(Permission.CONTACTS)
async def edit_contact(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    admin = _admin(request)
    contact_id = _contact_id(request)
    try:
        view = admin.get(contact_id)
        if view is None:
            return _not_found(request)
        values = admin.check(form, contact_id=contact_id)
        changed = admin.update(
            contact_id, lambda stored: replace(values, active=stored.active), user(request)
        )
    except ContactInvalid as invalid:
        return _form_page(
            request,
            contact_id=contact_id,
            values=_submitted(form),
            errors=invalid.errors,
            status=400,
            active=view.active if view else True,
        )
    except ContactNotFound:
        return _not_found(request)
    except SQLAlchemyError:
        return database_busy(request)
    outcome = "gewijzigd" if changed else "ongewijzigd"
    raise see_other(f"/contacten/{contact_id}", uitkomst=outcome)


async def _set_active(request: web.Request, active: bool) -> web.StreamResponse:
    contact_id = _contact_id(request)
    try:
        _admin(request).set_active(contact_id, active, user(request))
    except ContactNotFound:
        return _not_found(request)
    except ContactInvalid as invalid:
        message = " ".join(invalid.errors.values()) + " Pas eerst de gegevens aan."
        return error_page(request, 409, message)
    except SQLAlchemyError:
        return database_busy(request)
    outcome = "actief" if active else "inactief"
    raise see_other(f"/contacten/{contact_id}", uitkomst=outcome)


@requires(Permission.CONTACTS)
async def retire_contact(request: web.Request) -> web.StreamResponse:
    return await _set_active(request, False)


@requires(Permission.CONTACTS)
async def restore_contact(request: web.Request) -> web.StreamResponse:
    return await _set_active(request, True)


# --- CSV upload ----------------------------------------------------------------------------


def _upload_form(
    request: web.Request, *, problems: list[ImportProblem] | None = None, error: str = "",
    status: int = 200,
) -> web.Response:  # fmt: skip
    return render(
        request,
        "contact_upload.html",
        status=status,
        files=UPLOAD_FILES,
        problems=problems or [],
        error=error,
        max_mb=request.app[UPLOAD_LIMIT] // (1024 * 1024),
    )


@requires(Permission.CONTACTS)
async def upload_page(request: web.Request) -> web.StreamResponse:
    return _upload_form(request)


@requires(Permission.CONTACTS)
async def upload_files(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    chosen = {
        spec.field: value
        for spec in UPLOAD_FILES
        if isinstance(value := form.get(spec.field), FileField) and value.filename
    }
    if not chosen:
        return _upload_form(request, status=400, error="Kies minstens één bestand.")
    if "buurten" not in chosen and NEEDS_BUURTEN & set(chosen):
        return _upload_form(request, status=400, error=(
            "Voor adressen, gemeentegegevens, buurtgrenzen, routes of rollen is ook "
            "buurten.csv nodig. Kies dat bestand ook."
        ))  # fmt: skip
    store = request.app[UPLOADS]
    staged = store.create(user(request))
    for spec in UPLOAD_FILES:
        upload = chosen.get(spec.field)
        if upload is not None:
            upload.file.seek(0)
            with (staged.directory / spec.file_name).open("wb") as target:
                shutil.copyfileobj(upload.file, target)
    return await _preview(request, staged)


async def _preview(request: web.Request, staged: StagedUpload) -> web.StreamResponse:
    store = request.app[UPLOADS]
    session_factory = settings(request).session_factory
    loop = asyncio.get_running_loop()
    try:
        preview = await loop.run_in_executor(
            None, preview_upload, session_factory, staged, user(request)
        )
    except ImportFailed as failure:
        store.discard(staged.token)
        return _upload_form(request, status=400, problems=list(failure.problems))
    except SQLAlchemyError:
        store.discard(staged.token)
        return database_busy(request)
    except Exception:
        # A file the checks did not foresee: it must not take the page down, and nothing
        # was written (the preview always rolls back).
        log.exception("upload preview failed")
        store.discard(staged.token)
        return _upload_form(request, status=400, error=(
            "Deze bestanden konden niet worden gelezen. Controleer of het CSV-bestanden "
            "in UTF-8 zijn met de juiste kopregel. Er is niets veranderd."
        ))  # fmt: skip
    return _preview_page(request, staged, preview)


def _preview_page(
    request: web.Request, staged: StagedUpload, preview: UploadPreview, *, stale: bool = False
) -> web.Response:
    admin = _admin(request)
    return render(
        request,
        "contact_preview.html",
        status=409 if stale else 200,
        preview=preview,
        token=staged.token,
        stale=stale,
        role_names=dict(admin.roles()),
    )


def _staged(request: web.Request) -> StagedUpload | None:
    return request.app[UPLOADS].get(request.match_info["token"], user(request))


def _expired(request: web.Request) -> web.Response:
    return _upload_form(request, status=410, error=(
        "Deze voorvertoning is verlopen of al gebruikt. Kies de bestanden opnieuw."
    ))  # fmt: skip


@requires(Permission.CONTACTS)
async def apply_files(request: web.Request) -> web.StreamResponse:
    staged = _staged(request)
    if staged is None:
        return _expired(request)
    session_factory = settings(request).session_factory
    loop = asyncio.get_running_loop()
    try:
        preview = await loop.run_in_executor(
            None, apply_upload, session_factory, staged, user(request)
        )
    except StalePreview:
        return render(request, "contact_stale.html", status=409, token=staged.token)
    except ImportFailed as failure:
        request.app[UPLOADS].discard(staged.token)
        return _upload_form(request, status=400, problems=list(failure.problems))
    except SQLAlchemyError:
        return database_busy(request)
    request.app[UPLOADS].discard(staged.token)
    log.info("%s applied an upload: %s", user(request), preview.summary())
    raise see_other("/wijzigingen", uitkomst="ingelezen", batch=staged.token[:40])


@requires(Permission.CONTACTS)
async def preview_again(request: web.Request) -> web.StreamResponse:
    staged = _staged(request)
    if staged is None:
        return _expired(request)
    return await _preview(request, staged)


@requires(Permission.CONTACTS)
async def cancel_upload(request: web.Request) -> web.StreamResponse:
    request.app[UPLOADS].discard(request.match_info["token"])
    raise see_other("/contacten", uitkomst="geannuleerd")
