"""Profiles (controller): loads the picker, adds a profile, and runs the new profile's taste quiz."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from app.player.ui.browse.profile_picker import AddProfileDialog, ProfilePicker
from app.player.ui.browse.quiz_dialog import QuizDialog
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

KIDS_MATURITY = 7
ADULT_MATURITY = 18
QUIZ_MINIMUM = 3


def profile_label(profile: dict[str, Any]) -> str:
    return f"{profile['name']} · {profile.get('maturity', ADULT_MATURITY)}+ · {profile.get('region', '')}"


class ProfileController(QObject):
    """Tells the rest of Browse who is watching through :attr:`profile_changed` (and again after a quiz)."""

    profile_changed = Signal(str)

    def __init__(self, picker: ProfilePicker, backend: BackendConnection, message: QLabel) -> None:
        super().__init__(picker)
        self.picker = picker
        self.backend = backend
        self.message = message
        self.profiles: dict[str, dict[str, Any]] = {}
        self.add_dialog: AddProfileDialog | None = None
        self.quiz: QuizDialog | None = None
        self._quiz_profile: dict[str, Any] = {}
        picker.combo.currentIndexChanged.connect(self._on_pick)
        picker.add_button.clicked.connect(self._open_add_dialog)

    @property
    def profile_id(self) -> str | None:
        return self.picker.combo.currentData()

    def load(self, select: str | None = None) -> None:
        """(Re)load the picker, keeping ``select`` (or the current profile) chosen."""
        keep, backend = select or self.profile_id, self.backend

        def fetch() -> tuple[str | None, list[dict[str, Any]]]:
            with backend.client() as client:
                return keep, client.profiles()

        run_in_background(fetch, self._show_profiles, self._show_error)

    def _show_profiles(self, answer: tuple[str | None, list[dict[str, Any]]]) -> None:
        keep, profiles = answer
        self.profiles = {p["profileId"]: p for p in profiles}
        combo = self.picker.combo
        combo.blockSignals(True)
        combo.clear()
        for profile in profiles:
            combo.addItem(profile_label(profile), profile["profileId"])
        combo.setCurrentIndex(max(combo.findData(keep), 0) if keep else 0)
        combo.blockSignals(False)
        self._on_pick()

    def _on_pick(self) -> None:
        if self.profile_id is not None:
            self.profile_changed.emit(self.profile_id)

    def _open_add_dialog(self) -> None:
        self.add_dialog = AddProfileDialog(self.picker)
        self.add_dialog.ok_button.setEnabled(False)
        self.add_dialog.name.textChanged.connect(self._validate_name)
        self.add_dialog.accepted.connect(self._create_profile)
        self.add_dialog.open()

    def _validate_name(self, name: str) -> None:
        if self.add_dialog is not None:
            self.add_dialog.ok_button.setEnabled(bool(name.strip()))

    def _create_profile(self) -> None:
        dialog = self.add_dialog
        if dialog is None:
            return
        name, region = dialog.name.text().strip(), dialog.region.currentText()
        maturity = KIDS_MATURITY if dialog.kids.isChecked() else ADULT_MATURITY
        # New profiles join the current profile's account when the backend tells us which that is.
        account_id = self.profiles.get(self.profile_id or "", {}).get("accountId")
        backend = self.backend
        self.message.setText(f"Creating {name}…")

        def create() -> dict[str, Any]:
            with backend.client() as client:
                return client.create_profile(name, maturity, region, account_id)

        run_in_background(create, self._profile_created, self._show_error)

    def _profile_created(self, profile: dict[str, Any]) -> None:
        self.message.setText(f"Welcome, {profile['name']}! Tell us what you like.")
        self._quiz_profile = profile
        self.load(select=profile["profileId"])
        backend = self.backend

        def fetch() -> list[dict[str, Any]]:
            with backend.client() as client:
                return client.quiz_genres()

        run_in_background(fetch, self._show_quiz, self._show_error)

    def _show_quiz(self, genres: list[dict[str, Any]]) -> None:
        self.quiz = QuizDialog(self._quiz_profile.get("name", "this profile"), self.picker)
        for genre in genres:
            chip = self.quiz.add_chip(genre["name"], f"{genre.get('titles', '?')} titles")
            chip.toggled.connect(self._count_picks)
        self._count_picks()
        self.quiz.accepted.connect(self._submit_quiz)
        self.quiz.open()

    def _picked(self) -> list[str]:
        return [chip.text() for chip in self.quiz.chips if chip.isChecked()] if self.quiz else []

    def _count_picks(self) -> None:
        if self.quiz is None:
            return
        picked = len(self._picked())
        self.quiz.done_button.setEnabled(picked >= QUIZ_MINIMUM)
        missing = "" if picked >= QUIZ_MINIMUM else f" — pick at least {QUIZ_MINIMUM}"
        self.quiz.count_label.setText(f"{picked} picked{missing}")

    def _submit_quiz(self) -> None:
        profile_id, genres, backend = self._quiz_profile["profileId"], self._picked(), self.backend

        def save() -> str:
            with backend.client() as client:
                client.set_tastes(profile_id, genres)
            return profile_id

        run_in_background(save, self._tastes_saved, self._show_error)

    def _tastes_saved(self, profile_id: str) -> None:
        self.message.setText("Tastes saved — your home page is ready.")
        if profile_id == self.profile_id:
            self.profile_changed.emit(profile_id)  # the rows depend on the tastes: reload them

    def _show_error(self, message: str) -> None:
        self.message.setText(f"Profiles: {message}")
