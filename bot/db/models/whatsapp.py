"""WhatsApp message ids already handled, so a repeated delivery is answered once."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String
from sqlalchemy.orm import Mapped

from bot.db.models.base import Base


class ProcessedWhatsAppMessage(Base):
    """One WhatsApp message id the channel has handled, with when (Unix seconds)."""

    __tablename__ = "whatsapp_processed_message"

    message_id: Mapped[str] = Column(String(255), primary_key=True)
    processed_at: Mapped[int] = Column(BigInteger, nullable=False, index=True)
