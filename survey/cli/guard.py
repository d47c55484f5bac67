"""Guards of the commands: one clear line and an exit status, never a traceback.

A missing or wrong data key; an instrument with lint errors asked to be published.
"""

from __future__ import annotations

import functools
import sys

import click

from instruments.lint import format_findings, lint_instrument
from instruments.schema import Instrument
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


def refuse_to_publish_with_lint_errors(instrument: Instrument, source: str, publish: bool) -> None:
    """Exit 1 with the lint's findings when `publish` is asked for an instrument with errors."""
    if not publish:
        return
    findings = lint_instrument(instrument)
    if any(f.severity == "error" for f in findings):
        click.echo(format_findings(findings, "text", filename=source), err=True)
        click.echo(
            "Not created: the lint found errors, and a study is published only without them. "
            "Fix them (heard instrument lint FILE), or create the study without --publish.",
            err=True,
        )
        sys.exit(1)
