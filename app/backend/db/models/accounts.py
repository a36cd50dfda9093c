"""Accounts and their viewer profiles (several per account, each with a maturity limit and region)."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.backend.db.base import Base, now_s


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[float] = mapped_column(Float, default=now_s)

    profiles: Mapped[list[Profile]] = relationship(back_populates="account", cascade="all, delete-orphan")


class Profile(Base):
    __tablename__ = "profiles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    maturity: Mapped[int] = mapped_column(Integer, default=18, doc="Highest title maturity rating allowed.")
    region: Mapped[str] = mapped_column(String(8), default="US")
    taste_genres: Mapped[list[str]] = mapped_column(
        JSON, default=list, doc="Genres picked in the cold-start quiz; they seed recommendations."
    )
    created_at: Mapped[float] = mapped_column(Float, default=now_s)

    account: Mapped[Account] = relationship(back_populates="profiles")
