"""The Browse screens' dark theme, scoped to the Player page so the Studio keeps the native look.

Label rules name the class (``QLabel#id``) so they outrank the page-wide ``#browsePage QLabel`` colour.
"""

from __future__ import annotations

ACCENT = "#f5b841"

STYLE = f"""
#browsePage, #browsePage QScrollArea, #browsePage QScrollArea > QWidget > QWidget,
#browsePage QStackedWidget, #browsePage QDialog {{
    background: #141414; color: #e8e8e8;
}}
#browsePage QLabel {{ color: #e8e8e8; background: transparent; }}
#browsePage QLineEdit, #browsePage QComboBox {{
    background: #262626; color: #f0f0f0; border: 1px solid #3a3a3a; border-radius: 6px; padding: 5px 8px;
}}
#browsePage QLineEdit:focus, #browsePage QComboBox:focus {{ border-color: {ACCENT}; }}
#browsePage QComboBox QAbstractItemView {{ background: #262626; color: #f0f0f0; }}
#browsePage QPushButton {{
    background: #2b2b2b; color: #f0f0f0; border: 1px solid #3a3a3a; border-radius: 6px; padding: 5px 12px;
}}
#browsePage QPushButton:hover {{ background: #363636; }}
#browsePage QPushButton:checked {{ background: {ACCENT}; color: #141414; border-color: {ACCENT}; }}
#browsePage QPushButton:disabled {{ color: #6a6a6a; background: #1e1e1e; }}
#browsePage QPushButton#playButton {{
    background: {ACCENT}; color: #141414; font-weight: bold; padding: 8px 22px;
}}
#browsePage QPushButton#playButton:disabled {{ background: #3a3a3a; color: #8a8a8a; }}
#browsePage QListWidget, #browsePage QTreeWidget {{
    background: #1b1b1b; color: #e8e8e8; border: none; alternate-background-color: #202020;
}}
#browsePage QListWidget::item:selected, #browsePage QTreeWidget::item:selected {{ background: #333333; }}
#browsePage QHeaderView::section {{ background: #202020; color: #bbbbbb; border: none; padding: 4px; }}
QLabel#rowTitle {{ font-size: 16px; font-weight: bold; color: #ffffff; }}
QLabel#rowReason, QLabel#muted {{ color: #9a9a9a; }}
QLabel#pageTitle {{ font-size: 26px; font-weight: bold; color: #ffffff; }}
#posterCard {{ background: #1f1f1f; border: 2px solid transparent; border-radius: 8px; }}
#posterCard:focus {{ border-color: {ACCENT}; background: #2a2a2a; }}
QLabel#cardTitle {{ color: #f0f0f0; font-weight: bold; }}
QLabel#cardMatch {{ color: #46d369; font-size: 11px; }}
QLabel#playableBadge {{
    background: {ACCENT}; color: #141414; font-size: 10px; font-weight: bold;
    border-radius: 4px; padding: 1px 5px;
}}
QLabel#whyLabel {{ color: {ACCENT}; }}
#browsePage QScrollBar:horizontal {{ height: 8px; background: transparent; margin: 0; }}
#browsePage QScrollBar:vertical {{ width: 8px; background: transparent; margin: 0; }}
#browsePage QScrollBar::handle {{ background: #4a4a4a; border-radius: 4px; min-width: 30px;
    min-height: 30px; }}
#browsePage QScrollBar::handle:hover {{ background: #6a6a6a; }}
#browsePage QScrollBar::add-line, #browsePage QScrollBar::sub-line {{ width: 0; height: 0; }}
#browsePage QScrollBar::add-page, #browsePage QScrollBar::sub-page {{ background: transparent; }}
QLabel#posterPlaceholder {{ background: #2c2c2c; color: #777777; border-radius: 6px; }}
"""
