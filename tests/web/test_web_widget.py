"""End-to-end tests of the chat widget on the demo page, in headless Chromium, against a
fake REST bot that answers with the payloads of CONTRACT.md section 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="needs playwright: run scripts/install-web-deps.sh")

from playwright.sync_api import Page, expect  # noqa: E402

from bot.ops.demo_server import BackgroundSite, SiteConfig  # noqa: E402
from tests.support.browser import PageLog, new_page, run_axe  # noqa: E402
from tests.support.fake_bot import FakeBot  # noqa: E402
from tests.support.widget import (  # noqa: E402
    HORIZONTAL_OVERFLOW,
    ask,
    ask_routed_question_and_postcode,
    focused_in_widget,
    log_texts,
    open_by_keyboard,
    time_routed_answer,
    wait_until_idle,
)

pytestmark = pytest.mark.browser


def assert_clean(page_log: PageLog) -> None:
    assert page_log.csp_violations == []
    assert page_log.errors == []
    assert page_log.foreign_requests == []


def test_routed_question_and_postcode_give_a_contact_card(
    page: Page, demo_url: str, fake_bot: FakeBot, page_log: PageLog
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    assert "ww-input" in focused_in_widget(page), "focus must move into the dialog"

    page.keyboard.type("Mijn buren maken elke nacht lawaai")
    page.keyboard.press("Enter")
    expect(page.locator(".ww-typing__text")).to_be_visible()
    route = page.locator(".ww-msg--bot[data-route]")
    expect(route).to_have_attribute("data-route", "buurtbemiddeling")
    expect(route).to_contain_text("buurtbemiddeling")
    expect(page.locator(".ww-hint")).to_contain_text("postcode")
    wait_until_idle(page)
    # The explanation waits behind a button until the resident asks for it.
    expect(page.locator(".ww-choice")).to_have_text(["Wat doet buurtbemiddeling?"])

    page.keyboard.type("9401 AB")
    page.keyboard.press("Enter")
    card = page.locator(".ww-card")
    expect(card).to_contain_text("Buurtbemiddeling")
    expect(card).to_contain_text("Voor de buurt Vogelbuurt")
    expect(card.locator("a.ww-card__phone")).to_have_attribute("href", "tel:0599123456")
    expect(card).to_contain_text("Fatima el Amrani")
    expect(card).to_contain_text("Welzijn Weidehaven")
    expect(card).to_contain_text("maandag tot en met donderdag, 9.00 tot 17.00 uur")
    expect(card.locator(".ww-card__reachable")).to_have_text("Nu bereikbaar tot 17:00")
    expect(card.locator(".ww-card__reachable")).to_have_attribute("data-open", "true")
    expect(card.locator("a.ww-card__phone")).to_have_attribute("href", "tel:0599123456")
    expect(card.locator("a.ww-card__email")).to_have_attribute(
        "href", "mailto:buurtbemiddeling@welzijnweidehaven.nl"
    )
    wait_until_idle(page)

    # Everything in the order it was said, each reply as one message.
    texts = log_texts(page)
    assert len(texts) == 5
    assert texts[0].startswith("Wijkwijzer: Hallo! Ik ben Wijkwijzer")
    assert texts[1] == "U: Mijn buren maken elke nacht lawaai"
    assert texts[2].startswith("Wijkwijzer: Met deze vraag kunt u het beste bij buurtbemiddeling")
    assert "In welke buurt woont u?" in texts[2]
    assert texts[3] == "U: 9401 AB"
    # The answer leads with the card; the card names the buurt, so no "Uw buurt" line.
    assert texts[4].startswith("Wijkwijzer: Buurtbemiddeling Voor de buurt Vogelbuurt")
    assert texts[4].endswith("Heeft dit u geholpen? Ja Nee")
    assert "Hier helpt" not in " ".join(texts) and "Uw buurt" not in " ".join(texts)

    # The links are real links a keyboard reaches; following tel: leaves the page alone.
    phone = card.locator("a.ww-card__phone")
    phone.focus()
    assert "ww-card__phone" in focused_in_widget(page)
    url = page.url
    phone.click()
    page.locator("a.ww-card__email").click()
    assert page.url == url
    assert "tel:0599123456" in page_log.requests
    assert "mailto:buurtbemiddeling@welzijnweidehaven.nl" in page_log.requests

    assert len(fake_bot.requests) == 2
    assert len(set(fake_bot.senders)) == 1
    # 128 random bits (issue 15): the REST channel refuses shorter, guessable ids.
    assert re.fullmatch(r"[0-9a-f]{32}", fake_bot.senders[0])
    assert_clean(page_log)


def test_bot_buttons_are_keyboard_buttons_that_send_their_payload(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "hallo")
    choices = page.locator(".ww-choice")
    expect(choices).to_have_count(2)
    assert choices.evaluate_all("els => els.map(el => el.tagName)") == ["BUTTON", "BUTTON"]
    expect(page.locator(".ww-choices")).to_have_attribute("role", "group")

    # From the text box, Shift+Tab goes back to the last choice, then the first one.
    page.locator(".ww-input").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert "ww-choice" in focused_in_widget(page)
    page.keyboard.press("Enter")

    expect(page.locator(".ww-msg--user").last).to_contain_text("Ruzie met de buren")
    expect(page.locator("[data-route]")).to_have_attribute("data-route", "buurtbemiddeling")
    assert fake_bot.requests[-1]["message"] == "/neighbour_conflict"
    # The greeting's buttons went; only the new answer's own button is left.
    expect(page.locator(".ww-choice")).to_have_text(["Wat doet buurtbemiddeling?"])
    assert "ww-input" in focused_in_widget(page)


def test_conversation_survives_reload_and_navigation(
    page: Page, demo_url: str, fake_bot: FakeBot, page_log: PageLog
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "Mijn buren maken elke nacht lawaai")
    expect(page.locator(".ww-hint")).to_contain_text("postcode")
    wait_until_idle(page)
    before = log_texts(page)

    page.reload()
    expect(page.locator(".ww-dialog")).to_be_visible()
    assert log_texts(page) == before
    expect(page.locator(".ww-hint")).to_contain_text("postcode")

    page.get_by_role("link", name="Wonen en leven").click()
    expect(page).to_have_url(demo_url + "wonen.html")
    expect(page.locator(".ww-dialog")).to_be_visible()
    assert log_texts(page) == before

    # The bot still knows the question: the same sender id went on.
    ask(page, "9401 AB")
    expect(page.locator(".ww-card")).to_have_attribute("data-role", "buurtbemiddeling")
    assert len(set(fake_bot.senders)) == 1
    assert_clean(page_log)


def test_escape_closes_and_focus_returns_to_the_chat_button(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    expect(page.locator(".ww-launcher")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.locator(".ww-dialog")).to_be_hidden()
    expect(page.locator(".ww-launcher")).to_have_attribute("aria-expanded", "false")
    assert "ww-launcher" in focused_in_widget(page)
    page.keyboard.press("Enter")
    expect(page.locator(".ww-dialog")).to_be_visible()
    assert "ww-input" in focused_in_widget(page)

    # The page's own button opens the widget through the documented event.
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Start de chat").click()
    expect(page.locator(".ww-dialog")).to_be_visible()


def test_start_over_gives_a_new_conversation(page: Page, demo_url: str, fake_bot: FakeBot) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "Mijn buren maken elke nacht lawaai")
    expect(page.locator("[data-route]")).to_be_visible()
    wait_until_idle(page)
    first_sender = fake_bot.senders[-1]

    page.get_by_role("button", name="Opnieuw beginnen").click()
    expect(page.locator(".ww-log > .ww-msg")).to_have_count(1)
    expect(page.locator(".ww-dialog [role=status]").last).to_contain_text("nieuw gesprek")
    assert "ww-input" in focused_in_widget(page)
    expect(page.locator(".ww-hint")).not_to_contain_text("postcode")

    ask(page, "hallo")
    expect(page.locator(".ww-choice")).to_have_count(2)
    assert fake_bot.senders[-1] != first_sender
    page.reload()
    expect(page.locator(".ww-log > .ww-msg")).to_have_count(3)


def test_unreachable_server_gives_a_clear_message_and_retry_works(
    page: Page, demo_url: str, fake_bot: FakeBot, axe_source: str, page_log: PageLog
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    fake_bot.stop()
    ask(page, "Mijn buren maken elke nacht lawaai")

    alert = page.locator("[role=alert] .ww-alert")
    expect(alert).to_contain_text("Wijkwijzer is nu niet bereikbaar")
    expect(alert).to_contain_text("112")
    expect(page.locator(".ww-msg--user").last).to_contain_text("Niet verstuurd")
    assert page_log.csp_violations == []

    # Still there after a reload: the message waits to be sent again.
    page.reload()
    expect(alert).to_be_visible()
    # (axe itself applies inline styles, which the CSP rightly blocks: check CSP first.)
    assert run_axe(page, axe_source) == []

    fake_bot.start()
    page.get_by_role("button", name="Opnieuw proberen").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-route]")).to_have_attribute("data-route", "buurtbemiddeling")
    expect(alert).to_have_count(0)
    expect(page.locator(".ww-msg--user").last).not_to_contain_text("Niet verstuurd")
    assert [r["message"] for r in fake_bot.requests] == ["Mijn buren maken elke nacht lawaai"]


def test_axe_finds_no_violations_with_the_widget_open(
    page: Page, demo_url: str, fake_bot: FakeBot, axe_source: str
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask_routed_question_and_postcode(page)
    ask(page, "Wat doet een wijkregisseur en wat is het verschil met de buurtcoördinator?")
    expect(page.get_by_role("button", name="Contact met de buurtcoördinator")).to_be_visible()
    ask(page, "hallo")
    expect(page.locator(".ww-choice")).to_have_count(2)
    wait_until_idle(page)
    assert run_axe(page, axe_source) == []


def test_emergency_route_shows_112_first(page: Page, demo_url: str, fake_bot: FakeBot) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "Er is brand in het trappenhuis")
    emergency = page.locator(".ww-emergency")
    # The bot's own text, inside the red box: "Bel nu 112." once, then the one thing to do.
    expect(emergency).to_contain_text("Bel nu 112. Zorg dat u zelf veilig bent.")
    expect(emergency.locator("a")).to_have_attribute("href", "tel:112")
    reply = page.locator(".ww-log > .ww-msg").last
    assert reply.inner_text().count("Bel nu 112") == 1
    expect(reply.locator(".ww-bubble")).to_have_count(0)
    expect(page.locator(".ww-card")).to_have_count(0)
    box = emergency.locator("a").bounding_box()
    assert box is not None and box["height"] >= 24


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [
        ({"width": 320, "height": 640}, 1),  # a small phone
        ({"width": 320, "height": 256}, 4),  # 1280 x 1024 at 400 % zoom
    ],
    ids=["320px", "zoom-400"],
)
def test_layout_fits_small_screens_and_high_zoom(
    browser, demo_url: str, fake_bot: FakeBot, page_log: PageLog, viewport: dict, scale: int
) -> None:
    page = new_page(browser, page_log, viewport=viewport, device_scale_factor=scale)
    try:
        page.goto(demo_url)
        launcher = page.locator(".ww-launcher")
        expect(launcher).to_be_in_viewport()
        open_by_keyboard(page)
        box = page.locator(".ww-dialog").bounding_box()
        assert box == {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}
        ask_routed_question_and_postcode(page)

        layout = page.evaluate(HORIZONTAL_OVERFLOW)
        assert layout["problems"] == []
        assert layout["documentScrollWidth"] <= viewport["width"]

        # Every control can be brought into view and used.
        for selector in (
            "a.ww-card__phone",
            "a.ww-card__email",
            ".ww-input",
            ".ww-send",
            ".ww-restart",
            ".ww-close",
            ".ww-privacy a",
        ):
            control = page.locator(selector).last
            control.focus()
            expect(control).to_be_in_viewport()
        page.locator(".ww-input").focus()
        ask(page, "hallo")
        expect(page.locator(".ww-choice").first).to_be_visible()
        wait_until_idle(page)
        assert page.evaluate(HORIZONTAL_OVERFLOW)["problems"] == []
        assert page_log.errors == []
    finally:
        page.context.close()


def test_widget_leaks_no_globals_and_keeps_host_styles_out(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    page.route(
        "**/bare.html",
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>leeg</title><p>leeg</p>"
        ),
    )
    page.goto(demo_url + "bare.html")
    bare = set(page.evaluate("Object.keys(window)"))
    page.goto(demo_url)
    expect(page.locator(".ww-launcher")).to_be_visible()
    assert set(page.evaluate("Object.keys(window)")) - bare == set()

    style = """el => { const s = getComputedStyle(el);
        return [s.color, s.backgroundColor, s.fontFamily, s.fontSize, s.textTransform,
                s.letterSpacing, s.borderRadius]; }"""
    launcher = page.locator(".ww-launcher")
    page_button = page.get_by_role("button", name="Start de chat")
    before, page_before = launcher.evaluate(style), page_button.evaluate(style)
    page.evaluate(
        """() => { const sheet = new CSSStyleSheet();
        sheet.replaceSync(`* { color: red !important; font-family: serif !important;
            font-size: 40px !important; text-transform: uppercase !important;
            letter-spacing: 5px !important; }
            button, div { background: yellow !important; border-radius: 0 !important; }`);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }"""
    )
    assert page_button.evaluate(style) != page_before  # the hostile styles do apply to the page
    assert launcher.evaluate(style) == before


def test_settings_object_and_english_interface(
    page: Page, fake_bot: FakeBot, widget_bundle: Path, tmp_path: Path
) -> None:
    """The settings object wins over the page: an English widget on a Dutch page."""
    (tmp_path / "settings-en.js").write_text(
        'window.WijkwijzerSettings = { lang: "en", title: "Neighbourhood guide", '
        'openingText: "Hi there! Ask me anything about your neighbourhood." };'
    )
    snippet = (
        '<script src="/settings-en.js"></script>'
        '<script src="/widget/wijkwijzer-widget.js" data-bot-url="{{ bot_url }}" defer></script>'
    )
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="nl"><head><title>Test</title></head><body>'
        f"<main><h1>Test</h1></main>{snippet}{snippet}</body></html>"
    )
    server = BackgroundSite(
        SiteConfig(bot_url=fake_bot.url, demo_dir=tmp_path, widget_dir=widget_bundle)
    ).start()
    origin = server.origin
    fake_bot.allowed_origins.add(origin)
    try:
        page.goto(origin + "/")
        launcher = page.locator(".ww-launcher")
        expect(launcher).to_have_count(1)  # the snippet twice still gives one widget
        expect(launcher).to_have_text("Ask your question")
        launcher.click()
        expect(page.locator(".ww-title")).to_have_text("Neighbourhood guide")
        expect(page.locator(".ww-root")).to_have_attribute("lang", "en")
        expect(page.locator(".ww-msg--bot").first).to_contain_text("Hi there!")
        expect(page.get_by_role("button", name="Start over")).to_be_visible()
        ask(page, "There was a burglary in my street")
        expect(page.locator(".ww-msg--bot[data-route]")).to_have_attribute("lang", "en")
        assert fake_bot.requests[0]["metadata"] == {"language": "en"}
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("attributes", "serving", "card_gemeente"),
    [
        # A widget for Rivierstad gets a card of neighbouring Weidehaven: the card says so.
        ('data-gemeente="GM9100" data-gemeente-name="Rivierstad"', "Rivierstad", True),
        # A widget for Weidehaven itself: no extra line on the card.
        ('data-gemeente="Weidehaven"', "Weidehaven", False),
    ],
)
def test_widget_serves_a_municipality_and_sends_it_with_every_message(
    page: Page,
    fake_bot: FakeBot,
    widget_bundle: Path,
    tmp_path: Path,
    attributes: str,
    serving: str,
    card_gemeente: bool,
) -> None:
    snippet = (
        f'<script src="/widget/wijkwijzer-widget.js" data-bot-url="{{{{ bot_url }}}}" {attributes} '
        "defer></script>"
    )
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="nl"><head><title>Test</title></head><body>'
        f"<main><h1>Test</h1></main>{snippet}</body></html>"
    )
    server = BackgroundSite(
        SiteConfig(bot_url=fake_bot.url, demo_dir=tmp_path, widget_dir=widget_bundle)
    ).start()
    origin = server.origin
    fake_bot.allowed_origins.add(origin)
    try:
        page.goto(origin + "/")
        page.locator(".ww-launcher").click()
        expect(page.locator(".ww-gemeente")).to_have_text(f"Gemeente {serving}")
        expect(page.locator(".ww-msg--bot").first).to_contain_text(f"gemeente {serving}")
        ask(page, "Er wordt vaak ingebroken in mijn straat")
        wait_until_idle(page)
        ask(page, "9281 AA")
        expect(page.locator(".ww-card")).to_have_count(1)
        wait_until_idle(page)

        expected = attributes.split('"')[1]
        assert [request.get("metadata") for request in fake_bot.requests] == [
            {"gemeente": expected, "language": "nl"},
            {"gemeente": expected, "language": "nl"},
        ]
        line = page.locator(".ww-card__gemeente")
        if card_gemeente:
            expect(line).to_have_text("Gemeente Weidehaven")
        else:
            expect(line).to_have_count(0)
    finally:
        server.stop()


def test_widget_without_a_municipality_sends_only_its_language(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    page.goto(demo_url)
    page.locator(".ww-launcher").click()
    expect(page.locator(".ww-gemeente")).to_have_count(0)
    ask(page, "Er wordt vaak ingebroken in mijn straat")
    wait_until_idle(page)
    assert fake_bot.requests
    assert all(request["metadata"] == {"language": "nl"} for request in fake_bot.requests)


# -- issue 16: one reply at once, remembered places, links and scrolling -------------------

PHONE = {"width": 375, "height": 667}


def last_reply(page: Page):
    return page.locator(".ww-log > .ww-msg--bot").last


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_a_routed_answer_for_a_known_place_appears_whole_at_once(
    browser, demo_url: str, fake_bot: FakeBot, page_log: PageLog, motion: str
) -> None:
    page = new_page(browser, page_log, viewport=PHONE, reduced_motion=motion)
    try:
        page.goto(demo_url)
        open_by_keyboard(page)
        ask_routed_question_and_postcode(page)

        timing = time_routed_answer(page, "Er wordt vaak ingebroken in mijn straat")
        # The whole answer is there within 0.5 s of the server's reply, fade included.
        assert timing["settled"] < 500, timing
        if motion == "reduce":
            assert timing["settled"] - timing["shown"] < 50, timing

        reply = last_reply(page)
        expect(reply).to_have_attribute("data-route", "wijkagent")
        expect(reply.locator(".ww-card")).to_have_count(1)
        # Not open now: the next spreekuur, in plain weight.
        reachable = reply.locator(".ww-card__reachable")
        expect(reachable).to_have_text("Volgende spreekuur: dinsdag 10:00–12:00 in het wijkcentrum")
        expect(reachable).to_have_attribute("data-open", "false")
        # One line of why, the place it is for, the feedback question: no more bubbles.
        expect(reply.locator(".ww-bubble")).to_have_count(3)
        expect(reply.locator(".ww-route, .ww-note, .ww-explain")).to_have_count(0)
        expect(reply).to_contain_text("Voor de Vogelbuurt, die u eerder noemde.")
        expect(reply.locator(".ww-choice")).to_have_text(
            ["Wat doet de wijkagent?", "Ander adres", "Ja", "Nee"]
        )
        # On a phone the answer's start stays in sight.
        expect(reply.locator(".ww-bubble").first).to_be_in_viewport()
        assert page_log.errors == []
    finally:
        page.context.close()


def test_another_address_is_one_tap_away(page: Page, demo_url: str, fake_bot: FakeBot) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask_routed_question_and_postcode(page)
    ask(page, "Er wordt vaak ingebroken in mijn straat")
    page.get_by_role("button", name="Ander adres").click()
    expect(page.locator(".ww-hint")).to_contain_text("postcode")
    assert fake_bot.requests[-1]["message"] == "/inform_location"
    expect(page.locator(".ww-msg--user").last).to_contain_text("Ander adres")


def test_the_explanation_comes_on_request_with_a_way_on_to_the_contact(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask_routed_question_and_postcode(page)
    ask(page, "Ze maken weer herrie")  # a second question: the buurt is known
    page.get_by_role("button", name="Wat doet buurtbemiddeling?").click()
    reply = last_reply(page)
    expect(reply).to_contain_text("Buurtbemiddeling helpt als u een conflict heeft")
    # Said once: no second box with the widget's own description.
    expect(reply.locator(".ww-explain")).to_have_count(0)
    assert reply.inner_text().lower().count("buurtbemiddeling helpt") == 1
    page.get_by_role("button", name="Contact met buurtbemiddeling").click()
    expect(last_reply(page).locator(".ww-card")).to_have_attribute("data-role", "buurtbemiddeling")


def test_phone_numbers_in_the_bots_text_are_links(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "Ik heb een nieuw paspoort nodig")
    link = last_reply(page).locator(".ww-bubble a[href^='tel:']")
    expect(link).to_have_text("14 0599")
    expect(link).to_have_attribute("href", "tel:140599")
    # Postcodes, times and web addresses stay text.
    ask(page, "hallo")
    assert page.locator(".ww-log a[href^='tel:']").count() == 1


EMAIL_BREAKS = """(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const breaks = [];
  let top = null;
  let previous = '';
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const charTop = range.getBoundingClientRect().top;
      if (top !== null && charTop > top + 2) breaks.push(previous + '|' + node.data[i]);
      top = charTop;
      previous = node.data[i];
    }
  }
  return breaks;
}"""


def test_card_links_are_big_enough_and_addresses_wrap_between_words(
    browser, demo_url: str, fake_bot: FakeBot, page_log: PageLog
) -> None:
    page = new_page(browser, page_log, viewport={"width": 320, "height": 640})
    try:
        page.goto(demo_url)
        open_by_keyboard(page)
        ask_routed_question_and_postcode(page)
        card = page.locator(".ww-card").last
        for link in card.locator("a[href^='tel:'], a[href^='mailto:']").all():
            box = link.bounding_box()
            assert box is not None and box["height"] >= 24 and box["width"] >= 24, box
        email = card.locator("a.ww-card__email")
        expect(email).to_have_text("buurtbemiddeling@welzijnweidehaven.nl")
        breaks = email.evaluate(EMAIL_BREAKS)
        assert breaks, "at 320 px the address needs two lines"
        assert all(b.split("|")[0] == "@" or b.split("|")[1] == "." for b in breaks), breaks
    finally:
        page.context.close()


def test_a_reload_shows_the_newest_message_and_its_buttons(
    browser, demo_url: str, fake_bot: FakeBot, page_log: PageLog
) -> None:
    page = new_page(browser, page_log, viewport=PHONE)
    try:
        page.goto(demo_url)
        open_by_keyboard(page)
        ask_routed_question_and_postcode(page)
        ask(page, "hallo")
        expect(page.locator(".ww-choice")).to_have_count(2)
        wait_until_idle(page)
        page.reload()
        expect(page.locator(".ww-dialog")).to_be_visible()
        expect(page.locator(".ww-choice").last).to_be_in_viewport(ratio=1)
        expect(page.locator(".ww-log > .ww-msg").last).to_be_in_viewport()
        assert page.locator(".ww-log").evaluate("el => el.scrollTop") > 0
    finally:
        page.context.close()


def fully_above(inner: dict, outer_top: float) -> bool:
    return inner["y"] + inner["height"] <= outer_top + 0.5


@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 1280, "height": 800}], ids=["375px", "desktop"]
)
def test_the_unreachable_box_leaves_the_unsent_message_in_sight(
    browser, demo_url: str, fake_bot: FakeBot, page_log: PageLog, viewport: dict
) -> None:
    page = new_page(browser, page_log, viewport=viewport)
    try:
        page.goto(demo_url)
        open_by_keyboard(page)
        ask_routed_question_and_postcode(page)
        fake_bot.stop()
        ask(page, "Er wordt vaak ingebroken in mijn straat")
        for reloaded in (False, True):
            if reloaded:
                page.reload()
            alert = page.locator(".ww-alert")
            expect(alert).to_be_visible()
            status = page.locator(".ww-msg__status")
            expect(status).to_have_text("Niet verstuurd")
            expect(status).to_be_in_viewport(ratio=1)
            log_box = page.locator(".ww-log").bounding_box()
            box = status.bounding_box()
            assert box and log_box and fully_above(box, log_box["y"] + log_box["height"])
            assert fully_above(box, alert.bounding_box()["y"])
    finally:
        page.context.close()


# -- issue 14: the widget speaks the conversation's language ---------------------------------

# The widget's own strings outside the log, and the language it marks them with.
CHROME = """() => {
  const root = document.querySelector('[data-wijkwijzer]').shadowRoot;
  const text = (selector) => root.querySelector(selector).textContent.trim();
  return {
    lang: root.querySelector('.ww-root').lang,
    launcher: text('.ww-launcher'),
    log: root.querySelector('.ww-log').getAttribute('aria-label'),
    label: text('.ww-label'),
    send: text('.ww-send'),
    restart: text('.ww-restart'),
    close: text('.ww-close'),
    privacy: text('.ww-privacy'),
  };
}"""
DUTCH_CHROME = {
    "lang": "nl",
    "launcher": "Stel uw vraag",
    "log": "Gesprek",
    "label": "Uw vraag",
    "send": "Versturen",
    "restart": "Opnieuw beginnen",
    "close": "Sluiten",
    "privacy": "Geef geen persoonlijke gegevens, zoals uw BSN. "
    "Lees hoe wij met uw gegevens omgaan.",
}
ENGLISH_CHROME = {
    "lang": "en",
    "launcher": "Ask your question",
    "log": "Conversation",
    "label": "Your question",
    "send": "Send",
    "restart": "Start over",
    "close": "Close",
    "privacy": "Do not share personal details, such as your citizen service number (BSN). "
    "Read how we handle your data.",
}


def chrome(page: Page) -> dict[str, str]:
    return page.evaluate(CHROME)


def message_langs(page: Page) -> list[str]:
    return page.locator(".ww-log > .ww-msg").evaluate_all("els => els.map((el) => el.lang)")


def test_an_english_conversation_gets_english_widget_strings_and_lang_attributes(
    page: Page, demo_url: str, fake_bot: FakeBot, axe_source: str, page_log: PageLog
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    assert chrome(page) == DUTCH_CHROME

    ask(page, "Who can help with noise from my neighbours?")
    wait_until_idle(page)
    # The opening is Dutch; the question was sent in a Dutch conversation, and the bot read its
    # text as English; its answer is English.
    assert message_langs(page) == ["nl", "nl", "en"]
    question = page.locator(".ww-msg--user").first
    expect(question.locator(".ww-sr")).to_have_text("U:")
    expect(question.locator(".ww-bubble")).to_have_attribute("lang", "en")
    reply = last_reply(page)
    expect(reply.locator(".ww-sr")).to_have_text("Wijkwijzer:")
    expect(reply.locator(".ww-choices")).to_have_attribute("aria-label", "Choose an answer")
    assert chrome(page) == ENGLISH_CHROME
    expect(page.locator(".ww-hint")).to_have_text(
        "Type your postcode, for example 1234 AB. Or your street and house number."
    )

    ask(page, "9401 AB")
    expect(page.locator(".ww-typing__text")).to_have_text("Wijkwijzer is writing an answer…")
    card = page.locator(".ww-card")
    expect(card).to_be_visible()
    wait_until_idle(page)
    assert message_langs(page) == ["nl", "nl", "en", "en", "en"]
    answer = page.locator(".ww-msg--user").last
    expect(answer.locator(".ww-sr")).to_have_text("You:")
    expect(answer.locator(".ww-bubble")).not_to_have_attribute("lang", re.compile(".*"))
    # Card labels in English; the Dutch role name and the municipality's Dutch hours marked Dutch.
    expect(card.locator(".ww-card__title")).to_have_text("Buurtbemiddeling (neighbour mediation)")
    expect(card.locator(".ww-card__title [lang=nl]")).to_have_text("Buurtbemiddeling")
    expect(card.locator(".ww-card__area")).to_have_text("For the neighbourhood Vogelbuurt")
    expect(card.locator("dt")).to_have_text(["Organisation", "Phone", "Email", "Available"])
    expect(card.locator("dd [lang=nl]")).to_have_text(
        "maandag tot en met donderdag, 9.00 tot 17.00 uur"
    )
    expect(last_reply(page).locator(".ww-choices")).to_have_attribute(
        "aria-label", "Choose an answer"
    )
    assert_clean(page_log)
    assert run_axe(page, axe_source) == []

    # A reload keeps the conversation's language (and leaves axe's blocked inline styles behind).
    page.reload()
    page_log.console.clear()
    expect(page.locator(".ww-card")).to_be_visible()
    assert chrome(page) == ENGLISH_CHROME
    assert message_langs(page) == ["nl", "nl", "en", "en", "en"]
    expect(page.locator(".ww-msg--user .ww-bubble").first).to_have_attribute("lang", "en")

    # Back to Dutch: the answer and the widget follow; what was said keeps its language.
    ask(page, "Nederlands graag")
    expect(last_reply(page)).to_have_attribute("lang", "nl")
    wait_until_idle(page)
    assert chrome(page) == DUTCH_CHROME
    assert message_langs(page) == ["nl", "nl", "en", "en", "en", "en", "nl"]
    expect(page.locator(".ww-msg--user .ww-bubble").last).to_have_attribute("lang", "nl")
    # The metadata says the conversation's language when each message was sent.
    assert [request["metadata"] for request in fake_bot.requests] == [
        {"language": "nl"},
        {"language": "en"},
        {"language": "en"},
    ]
    assert_clean(page_log)


def test_an_english_page_starts_the_conversation_in_english(
    page: Page, fake_bot: FakeBot, widget_bundle: Path, tmp_path: Path
) -> None:
    snippet = (
        '<script src="/widget/wijkwijzer-widget.js" data-bot-url="{{ bot_url }}" defer></script>'
    )
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en-GB"><head><title>Test</title></head><body>'
        f"<main><h1>Test</h1></main>{snippet}</body></html>"
    )
    server = BackgroundSite(
        SiteConfig(bot_url=fake_bot.url, demo_dir=tmp_path, widget_dir=widget_bundle)
    ).start()
    fake_bot.allowed_origins.add(server.origin)
    try:
        page.goto(server.origin + "/")
        expect(page.locator(".ww-launcher")).to_have_text("Ask your question")
        page.locator(".ww-launcher").click()
        expect(page.locator(".ww-root")).to_have_attribute("lang", "en")
        opening = page.locator(".ww-msg--bot").first
        expect(opening).to_have_attribute("lang", "en")
        expect(opening).to_contain_text("Hello! I am Wijkwijzer.")

        # A postcode says nothing about its language: the page's language started the session.
        ask(page, "9401 AB")
        expect(page.locator(".ww-msg--bot")).to_have_count(2)
        wait_until_idle(page)
        expect(last_reply(page)).to_have_attribute("lang", "en")
        assert fake_bot.requests[0]["metadata"] == {"language": "en"}

        ask(page, "Nederlands graag")
        expect(last_reply(page)).to_have_attribute("lang", "nl")
        expect(page.locator(".ww-root")).to_have_attribute("lang", "nl")
        # Starting over starts in the page's language again.
        page.get_by_role("button", name="Opnieuw beginnen").click()
        expect(page.locator(".ww-root")).to_have_attribute("lang", "en")
        expect(page.locator(".ww-dialog [role=status]").last).to_have_text(
            "You started a new conversation."
        )
        assert chrome(page)["label"] == "Your question"
    finally:
        server.stop()


def test_unreachable_and_retry_texts_follow_the_conversation(
    page: Page, demo_url: str, fake_bot: FakeBot, axe_source: str
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "Can we speak English please?")
    expect(last_reply(page)).to_have_attribute("lang", "en")
    wait_until_idle(page)

    fake_bot.stop()
    ask(page, "My neighbours make noise every night")
    alert = page.locator("[role=alert] .ww-alert")
    expect(alert).to_contain_text("Wijkwijzer cannot be reached right now.")
    expect(alert).to_contain_text("Is there danger right now? Call 112 at once.")
    unsent = page.locator(".ww-msg--user").last
    expect(unsent).to_have_attribute("lang", "en")
    expect(unsent.locator(".ww-msg__status")).to_have_text("Not sent")

    page.reload()
    expect(alert).to_be_visible()
    assert run_axe(page, axe_source) == []

    fake_bot.start()
    page.get_by_role("button", name="Try again").click()
    expect(last_reply(page)).to_have_attribute("data-route", "buurtbemiddeling")
    expect(alert).to_have_count(0)
    expect(unsent.locator(".ww-msg__status")).to_have_count(0)


def test_an_answer_without_lang_keeps_the_widgets_language(
    page: Page, demo_url: str, fake_bot: FakeBot
) -> None:
    """A server from before issue 14 says no language: the widget keeps its own."""
    fake_bot.tag_language = False
    page.add_init_script('window.WijkwijzerSettings = { lang: "en" };')
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "Mijn buren maken elke nacht lawaai")
    expect(page.locator("[data-route]")).to_be_visible()
    wait_until_idle(page)
    assert chrome(page) == ENGLISH_CHROME
    assert message_langs(page) == ["en", "en", "en"]
    expect(page.locator(".ww-msg--user .ww-bubble")).not_to_have_attribute("lang", re.compile(".*"))


def test_the_answer_to_another_language_is_marked_in_that_language(
    page: Page, demo_url: str, fake_bot: FakeBot, axe_source: str, page_log: PageLog
) -> None:
    page.goto(demo_url)
    open_by_keyboard(page)
    ask(page, "مرحبا، جيراني يصدرون ضوضاء كل ليلة")
    wait_until_idle(page)
    reply = last_reply(page)
    # The fixed Arabic text, right to left; the conversation (and the widget) stays Dutch.
    bubble = reply.locator(".ww-bubble")
    expect(bubble).to_have_attribute("lang", "ar")
    expect(bubble).to_have_attribute("dir", "rtl")
    expect(bubble.locator("a[href^='tel:']")).to_have_text("14 0599")
    expect(reply).to_have_attribute("lang", "nl")
    assert chrome(page) == DUTCH_CHROME
    assert_clean(page_log)
    assert run_axe(page, axe_source) == []


def test_the_english_widget_fits_a_small_screen(
    browser, demo_url: str, fake_bot: FakeBot, page_log: PageLog
) -> None:
    page = new_page(browser, page_log, viewport={"width": 320, "height": 640})
    try:
        page.goto(demo_url)
        open_by_keyboard(page)
        ask(page, "Who can help with noise from my neighbours?")
        expect(page.locator(".ww-root")).to_have_attribute("lang", "en")
        wait_until_idle(page)
        ask(page, "9401 AB")
        expect(page.locator(".ww-card")).to_be_visible()
        wait_until_idle(page)
        layout = page.evaluate(HORIZONTAL_OVERFLOW)
        assert layout["problems"] == []
        assert layout["documentScrollWidth"] <= 320
    finally:
        page.context.close()
