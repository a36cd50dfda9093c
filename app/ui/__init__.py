"""The desktop shell: main window, mode switch, backend status, About box. Screens plug in per mode."""
