"""Commands fail with one clear line when the data key is missing or wrong, never a traceback."""

from __future__ import annotations

import functools
import sys

import click

from survey.sealing import SealingError


def guarded(command: click.Command) -> click.Command:
    """Make a missing or wrong data key one clear line and exit 1, never a traceback."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            guarded(sub)
        return command
    original = command.callback
    if original is None or getattr(original, "heard_guarded", False):
        return command

    @functools.wraps(original)
    def callback(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except SealingError as error:
            click.echo(f"The data key is missing or wrong: {error}", err=True)
            sys.exit(1)

    callback.heard_guarded = True
    command.callback = callback
    return command
