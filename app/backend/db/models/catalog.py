"""Catalog: titles (movies, series, episodes), seasons, genres, people and their credits, tags."""

from __future__ import annotations

import enum

from sqlalchemy import Column, Enum, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.backend.db.base import Base, now_s


class TitleStatus(enum.StrEnum):
    """Lifecycle of a title: only PLAYABLE ones can start a playback session."""

    DRAFT = "DRAFT"
    PROCESSING = "PROCESSING"
    PLAYABLE = "PLAYABLE"
    FAILED = "FAILED"


class TitleKind(enum.StrEnum):
    MOVIE = "movie"
    SERIES = "series"
    EPISODE = "episode"


title_genres = Table(
    "title_genres",
    Base.metadata,
    Column("title_id", ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True),
)


class Genre(Base):
    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Title(Base):
    """A movie, a series, or one episode of a series (placed in its season by :class:`Episode`)."""

    __tablename__ = "titles"
    __table_args__ = (Index("ix_titles_status_popularity", "status", "popularity"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[TitleKind] = mapped_column(Enum(TitleKind, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(300))
    synopsis: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer)
    maturity_rating: Mapped[int] = mapped_column(
        Integer, default=0, doc="Minimum viewer age: 0, 7, 13, 16, 18."
    )
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    popularity: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    status: Mapped[TitleStatus] = mapped_column(
        Enum(TitleStatus, native_enum=False, length=16), default=TitleStatus.DRAFT
    )
    manifest_path: Mapped[str | None] = mapped_column(
        String(500), doc="HLS master playlist relative to the media root, once PLAYABLE."
    )
    dash_manifest_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[float] = mapped_column(Float, default=now_s)

    genres: Mapped[list[Genre]] = relationship(secondary=title_genres, lazy="selectin")
    credits: Mapped[list[Credit]] = relationship(
        back_populates="title", cascade="all, delete-orphan", lazy="selectin", order_by="Credit.position"
    )
    tags: Mapped[list[TitleTag]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    seasons: Mapped[list[Season]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        foreign_keys="Season.series_id",
        order_by="Season.number",
    )


class Season(Base):
    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")

    series: Mapped[Title] = relationship(back_populates="seasons", foreign_keys=[series_id])
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="season", order_by="Episode.number", cascade="all, delete-orphan"
    )


class Episode(Base):
    """Places an episode title in its season; a separate table keeps titles free of a FK cycle."""

    __tablename__ = "episodes"

    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)

    season: Mapped[Season] = relationship(back_populates="episodes")
    title: Mapped[Title] = relationship(lazy="joined")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Credit(Base):
    """A person's part in a title: ``role`` is "cast" or "director"."""

    __tablename__ = "credits"

    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    character: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    title: Mapped[Title] = relationship(back_populates="credits")
    person: Mapped[Person] = relationship(lazy="joined")


class TitleTag(Base):
    """Free-form tags (e.g. from MovieLens) with how often viewers applied them."""

    __tablename__ = "title_tags"

    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
