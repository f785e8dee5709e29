"""The workspace page "Terugbelverzoeken": callback requests per role and area, handled or open."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.callback import find_reference
from bot.core.constants import ROUTE_CODES
from bot.core.sealing import Sealer
from bot.db.models.callbacks import (
    MAIL_NONE,
    MAIL_PENDING,
    MAIL_SENT,
    STATUS_CANCELLED,
    STATUS_HANDLED,
    STATUS_OPEN,
)
from bot.handover.outbox import EVENT_LABELS, CallbackStore, CallbackView
from bot.handover.settings import data_key
from bot.staff.labels import route_label
from bot.staff.pages.common import SETTINGS, render, requires
from bot.staff.roles import Permission

log = logging.getLogger(__name__)

STORE: Final = web.AppKey("callback_store", CallbackStore)
AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
STATUS_LABELS: Final = {
    STATUS_OPEN: "Open",
    STATUS_HANDLED: "Afgehandeld",
    STATUS_CANCELLED: "Ingetrokken door de inwoner",
}
MAIL_LABELS: Final = {
    MAIL_PENDING: "Nog niet verstuurd",
    MAIL_SENT: "Mail verstuurd",
    MAIL_NONE: "Alleen in de werkplek",
}
NOTICES: Final = {
    "afgehandeld": "Het verzoek staat op afgehandeld.",
    "open": "Het verzoek staat weer open.",
    "ingetrokken": "De inwoner heeft dit verzoek ingetrokken. Er is niets veranderd.",
}


def local(moment: datetime | None) -> str:
    """A stored moment (naive UTC) as staff in the Netherlands read it."""
    if moment is None:
        return ""
    aware = moment.replace(tzinfo=timezone.utc).astimezone(AMSTERDAM)
    return aware.strftime("%d-%m-%Y %H:%M")


def mail_label(request: CallbackView) -> str:
    return MAIL_LABELS.get(request.mail_status, request.mail_status)


def store_of(request: web.Request) -> CallbackStore:
    app = request.app
    if STORE not in app:
        # The same key as the action server's, so staff can read what residents left.
        settings = app[SETTINGS]
        app[STORE] = CallbackStore(settings.session_factory, Sealer(data_key()))
    return app[STORE]


@requires(Permission.CALLBACKS)
async def callbacks_page(request: web.Request) -> web.StreamResponse:
    store = store_of(request)
    status = request.query.get("status", STATUS_OPEN)
    status = status if status in STATUS_LABELS or status == "alle" else STATUS_OPEN
    role = request.query.get("rol", "")
    role = role if role in ROUTE_CODES else ""
    area = request.query.get("gebied", "").strip()[:20]
    everything = store.find(limit=1000)
    requests = [
        item
        for item in everything
        if (status == "alle" or item.status == status)
        and (not role or item.role_code == role)
        and (not area or item.area_code == area)
    ]
    areas = sorted({(item.area_code, item.area_name) for item in everything}, key=lambda a: a[1])
    roles = sorted({item.role_code for item in everything})
    return render(
        request,
        "callbacks.html",
        requests=requests,
        counts=store.counts(),
        wanted_status=status,
        statuses=STATUS_LABELS,
        wanted_role=role,
        roles=[(code, route_label(code)) for code in roles],
        area=area,
        areas=areas,
        local=local,
        mail_label=mail_label,
        route_label=route_label,
    )


@requires(Permission.CALLBACKS)
async def callback_page(request: web.Request) -> web.StreamResponse:
    reference = find_reference(request.match_info["reference"])
    item = store_of(request).get(reference) if reference else None
    if item is None:
        return render(request, "error.html", status=404, message="Dit verzoek bestaat niet.")
    return render(
        request,
        "callback.html",
        item=item,
        notice=NOTICES.get(request.query.get("uitkomst", "")),
        statuses=STATUS_LABELS,
        event_labels=EVENT_LABELS,
        local=local,
        mail_label=mail_label,
        route_label=route_label,
    )


@requires(Permission.CALLBACKS)
async def set_handled(request: web.Request) -> web.StreamResponse:
    reference = find_reference(request.match_info["reference"])
    if reference is None:
        return render(request, "error.html", status=404, message="Dit verzoek bestaat niet.")
    form = await request.post()
    handled = form.get("afgehandeld") == "1"
    user = request["session"].user
    if not store_of(request).set_handled(reference, user, handled):
        item = store_of(request).get(reference)
        if item is None:
            return render(request, "error.html", status=404, message="Dit verzoek bestaat niet.")
        outcome = "ingetrokken"
    else:
        outcome = "afgehandeld" if handled else "open"
        log.info("%s marked callback %s %s", user, reference, outcome)
    query = urlencode({"uitkomst": outcome})
    raise web.HTTPSeeOther(f"/terugbellen/{reference}?{query}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/terugbellen", callbacks_page)
    app.router.add_get("/terugbellen/{reference}", callback_page)
    app.router.add_post("/terugbellen/{reference}/status", set_handled)
