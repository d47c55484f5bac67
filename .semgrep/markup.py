# Rule tests for heard-markup-non-literal (run: `make lint`, or `cd .semgrep && semgrep --test .`).
# ruff: noqa  (a fixture of deliberately unsafe code; not imported, not run)
import markupsafe
from markupsafe import Markup


def render(answer, label):
    # ruleid: heard-markup-non-literal
    shown = Markup(answer)
    # ruleid: heard-markup-non-literal
    shown = markupsafe.Markup(f"<b>{label}</b>")
    # ruleid: heard-markup-non-literal
    shown = Markup("<b>%s</b>" % label)
    # ruleid: heard-markup-non-literal
    shown = Markup("<b>" + label + "</b>")

    # ok: heard-markup-non-literal
    shown = Markup("<br>")
    # ok: heard-markup-non-literal
    shown = Markup("<b>{}</b>").format(label)
    # ok: heard-markup-non-literal
    shown = markupsafe.escape(answer)
    return shown
