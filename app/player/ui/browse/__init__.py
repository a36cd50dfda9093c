"""The viewer's Browse experience: home rows, profiles and taste quiz, search, and title pages."""
