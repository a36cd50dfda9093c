"""What every server started as a child process needs: its own socket, and dying with its parent.

The backend and the CDN tiers are children of the desktop app (or of the backend); the parent holds
the write end of their stdin, so end-of-file there means the parent exited, SIGKILL included. Programs
that are not ours (the Temporal dev server) cannot watch stdin; on Linux the kernel kills them instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
from collections.abc import Callable

_PDEATHSIG_GUARD = (
    "import ctypes, os, signal, sys; ctypes.CDLL(None).prctl(1, signal.SIGKILL); "  # 1 = PR_SET_PDEATHSIG
    "os.getppid() == int(sys.argv[1]) or sys.exit(1); os.execv(sys.argv[2], sys.argv[2:])"
)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind (port 0 picks a free one) before serving, so the real port is known and cannot be taken."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def stop_with_parent(stop: Callable[[], None], hard_exit_after_s: float | None = None) -> None:
    """Call ``stop`` once stdin closes; optionally force the exit if a graceful stop hangs."""

    def wait_for_eof() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        stop()
        if hard_exit_after_s is not None:
            timer = threading.Timer(hard_exit_after_s, os._exit, args=(0,))
            timer.daemon = True
            timer.start()

    threading.Thread(target=wait_for_eof, name="parent-watch", daemon=True).start()


def bound_to_calling_thread(command: list[str]) -> list[str]:
    """``command`` behind a guard that has the kernel SIGKILL it when the thread starting it ends.

    Linux only (elsewhere, and in a frozen app, ``command`` as is: the parent's orderly shutdown is
    then the only guarantee). The guard arms the parent-death signal and execs ``command``, so no extra
    process remains; it exits at once if its parent died before the signal was armed. (A ``preexec_fn``
    would need no guard, but Python documents it as unsafe in a process that runs threads.)
    """
    if not sys.platform.startswith("linux") or getattr(sys, "frozen", False):
        return command
    return [sys.executable, "-I", "-S", "-c", _PDEATHSIG_GUARD, str(os.getpid()), *command]
