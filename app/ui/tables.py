"""The one kind of table the app shows: data to read (a report, a ladder, a job queue), never to edit."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QTableWidget


def read_only_table(columns: Sequence[str], *, row_selection: bool = False) -> QTableWidget:
    """A table with ``columns`` as headers, no row numbers, the last column stretched and no editing;
    with ``row_selection`` a click selects one whole row (a list to pick an item from)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if row_selection:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table
