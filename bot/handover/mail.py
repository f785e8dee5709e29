"""The mail a professional receives for a callback request: short, Dutch, with the reference."""

from __future__ import annotations

from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Final

from bot.core.callback import CONTACT_PHONE
from bot.handover.outbox import CallbackView

SUBJECT: Final = "Terugbelverzoek {reference}: {role} in {area}"
BODY: Final = """\
Beste {professional},

Een inwoner van {area} vraagt of u contact met hem of haar opneemt.
De inwoner heeft via Wijkwijzer toestemming gegeven om deze gegevens aan u door te geven.

Vraag van de inwoner:
{question}

Naam: {name}
{contact_label}: {contact}
Beste tijd: {best_time}
Buurt: {area}
Kenmerk: {reference}

Hebt u contact gehad? Zet het verzoek dan op "afgehandeld" in de werkplek van Wijkwijzer,
onder Terugbelverzoeken. Daarna worden de gegevens na de bewaartermijn gewist.
Wilt u deze mail niet bewaren? Verwijder hem na het contact.

Dit bericht is automatisch verstuurd door Wijkwijzer. U kunt er niet op antwoorden.
"""
NO_BEST_TIME: Final = "niet opgegeven"


def compose(request: CallbackView, sender: str) -> EmailMessage:
    """The mail for `request`, from `sender` to the professional on the card."""
    if request.contact is None:
        # Shown to staff as the reason the mail did not go out.
        raise ValueError("de gegevens van de inwoner zijn niet te lezen met de huidige sleutel")
    contact_label = "Telefoon" if request.contact.kind == CONTACT_PHONE else "E-mail"
    fields = {
        "reference": request.reference,
        "role": request.role_name,
        "area": request.area_name,
        "professional": request.professional.name,
        "question": request.question,
        "name": request.resident_name,
        "contact_label": contact_label,
        "contact": request.contact.display,
        "best_time": request.best_time or NO_BEST_TIME,
    }
    message = EmailMessage()
    message["Subject"] = SUBJECT.format(**fields)
    message["From"] = sender
    message["To"] = request.professional.email
    message["Date"] = format_datetime(request.created_at.replace(tzinfo=timezone.utc))
    # One Message-ID per request, so a mail server or inbox can tell a repeat for what it is.
    message["Message-ID"] = f"<{request.reference.lower()}@{sender.rpartition('@')[2]}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(BODY.format(**fields))
    return message
