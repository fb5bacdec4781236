"""The one error base class: every error meant for the user derives from it, and the CLI prints it as one line."""

from __future__ import annotations


class LitatlasError(Exception):
    """A problem the user must fix; its message is printed as it is, and the command exits with `exit_code`."""

    exit_code = 1


class UsageError(LitatlasError):
    """The command was called in a way that cannot work (no project here, an unsafe output folder, ...)."""

    exit_code = 2
