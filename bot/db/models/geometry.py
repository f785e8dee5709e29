"""Buurt outlines with their bounding boxes, for finding the buurt of a location pin."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped

from bot.db.models.base import Base
from bot.db.models.directory import CODE_LENGTH


class BuurtShape(Base):
    """The outline of one buurt, with its bounding box as an indexed pre-filter."""

    __tablename__ = "buurt_shape"
    __table_args__ = (
        Index("ix_buurt_shape_lat", "min_lat", "max_lat"),
        Index("ix_buurt_shape_lon", "min_lon", "max_lon"),
    )

    buurt_code: Mapped[str] = Column(
        String(CODE_LENGTH), ForeignKey("buurt.code", ondelete="CASCADE"), primary_key=True
    )
    min_lat: Mapped[float] = Column(Float, nullable=False)
    max_lat: Mapped[float] = Column(Float, nullable=False)
    min_lon: Mapped[float] = Column(Float, nullable=False)
    max_lon: Mapped[float] = Column(Float, nullable=False)
    # GeoJSON MultiPolygon in WGS84.
    geometry: Mapped[str] = Column(Text, nullable=False)
