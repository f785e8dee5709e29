"""The review inbox: messages to review, one message with its context, the staff's choice."""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import web

from bot.core.constants import ROUTE_CODES
from bot.staff.labels import guess_label, language_label, route_label, topic_label
from bot.staff.pages.common import (
    Period,
    error_page,
    form_text,
    notice,
    render,
    requires,
    see_other,
    settings,
    user,
    when_label,
)
from bot.staff.review import (
    LANGUAGE_GROUPS,
    AlreadyDecided,
    InboxFilter,
    NotResidentText,
    NotTrainableLanguage,
    ReviewInbox,
    decide,
)
from bot.staff.roles import Permission
from bot.staff.stories import StoryRefused, write_test_story

log = logging.getLogger(__name__)

NO_TOPIC: Final = "__geen__"
NOTICES: Final = {
    "added": "Het bericht is als voorbeeld toegevoegd. Het telt mee bij de volgende training.",
    "duplicate": "Dit voorbeeld stond er al in. Het bericht is afgehandeld.",
    "no_topic": "Het bericht is afgehandeld zonder onderwerp.",
    "story": "Het gesprek is bewaard als test. Bij elke test wordt gecontroleerd "
    "of de bot nog zo antwoordt.",
}
ITEM_NOTICES: Final = {
    "al_beoordeeld": "U had dit bericht al eerder beoordeeld. Er is niets veranderd.",
    "collega": "Een collega had dit bericht al beoordeeld. Uw keuze is niet opgeslagen.",
}
NOT_FOUND: Final = "Dit bericht bestaat niet."


def add_routes(app: web.Application) -> None:
    app.router.add_get("/inbox", inbox_page)
    app.router.add_get("/inbox/{event_id:\\d+}", item_page)
    app.router.add_post("/inbox/{event_id:\\d+}/onderwerp", annotate)
    app.router.add_post("/inbox/{event_id:\\d+}/testverhaal", save_test_story)


def _inbox(request: web.Request) -> ReviewInbox:
    staff = settings(request)
    return ReviewInbox(staff.tracker_engine, staff.session_factory)


def _event_id(request: web.Request) -> int:
    return int(request.match_info["event_id"])


@requires(Permission.INBOX)
async def inbox_page(request: web.Request) -> web.StreamResponse:
    route = request.query.get("route", "")
    route = route if route in ROUTE_CODES else ""
    language = request.query.get("taal", "")
    language = language if language in dict(LANGUAGE_GROUPS) else ""
    period = Period.from_query(request.query)
    wanted = InboxFilter(
        route=route or None,
        language=language or None,
        since=period.start_timestamp(),
        until=period.end_timestamp(),
        threshold=settings(request).threshold,
    )
    return render(
        request,
        "inbox.html",
        items=_inbox(request).items(wanted),
        routes=[(code, route_label(code)) for code in ROUTE_CODES],
        route=route,
        languages=LANGUAGE_GROUPS,
        language=language,
        language_label=language_label,
        **period.fields(),
        notice=notice(request.query, NOTICES),
        guess_label=guess_label,
        route_label=route_label,
        when_label=when_label,
    )


@requires(Permission.INBOX)
async def item_page(request: web.Request) -> web.StreamResponse:
    staff = settings(request)
    inbox = _inbox(request)
    event_id = _event_id(request)
    item = inbox.item(event_id, staff.threshold)
    if item is None:
        return error_page(request, 404, NOT_FOUND)
    topics = sorted(staff.nlu.intents(), key=topic_label)
    return render(
        request,
        "item.html",
        item=item,
        decision=inbox.decision(event_id),
        notice=notice(request.query, ITEM_NOTICES),
        topics=[(intent, topic_label(intent)) for intent in topics],
        no_topic=NO_TOPIC,
        topic_label=topic_label,
        guess_label=guess_label,
        route_label=route_label,
        when_label=when_label,
        language_label=language_label,
    )


@requires(Permission.INBOX)
async def annotate(request: web.Request) -> web.StreamResponse:
    staff = settings(request)
    choice = form_text(await request.post(), "onderwerp")
    if choice != NO_TOPIC and choice not in staff.nlu.intents():
        return error_page(request, 400, "Kies een onderwerp uit de lijst.")
    event_id = _event_id(request)
    reviewer = user(request)
    try:
        decision = decide(
            _inbox(request), staff.nlu, event_id, None if choice == NO_TOPIC else choice, reviewer
        )
    except LookupError:
        return error_page(request, 404, NOT_FOUND)
    except NotResidentText:
        return error_page(request, 409, (
            "Dit bericht is een klik op een knop, geen tekst van een inwoner. "
            "Het kan geen voorbeeldzin worden."
        ))  # fmt: skip
    except NotTrainableLanguage as foreign:
        return error_page(request, 409, (
            f"Dit bericht is in een andere taal ({language_label(foreign.language)}). "
            "De bot leert alleen van Nederlandse en Engelse berichten. "
            'Kies "Geen onderwerp" om het bericht af te handelen.'
        ))  # fmt: skip
    except AlreadyDecided as earlier:
        outcome = "al_beoordeeld" if earlier.decision.decided_by == reviewer else "collega"
        raise see_other(f"/inbox/{event_id}", uitkomst=outcome) from None
    log.info("%s reviewed message %d: %s", reviewer, event_id, decision.outcome)
    raise see_other("/inbox", uitkomst=decision.outcome)


@requires(Permission.INBOX)
async def save_test_story(request: web.Request) -> web.StreamResponse:
    try:
        path = write_test_story(_inbox(request), _event_id(request), settings(request).stories_dir)
    except LookupError:
        return error_page(request, 404, NOT_FOUND)
    except StoryRefused as refusal:
        return error_page(request, 409, str(refusal))
    log.info("%s saved test story %s", user(request), path.name)
    raise see_other("/inbox", uitkomst="story")
