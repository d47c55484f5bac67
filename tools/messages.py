"""Extract the respondent interface text and keep the catalogues in step.

    python tools/messages.py          # write messages.pot, update every .po, compile .mo
    python tools/messages.py --check  # exit 1 if any of them is out of date (a test runs it)

The English catalogue is complete by construction: each msgstr is its msgid.
Other languages keep their translations; new messages arrive untranslated and
fall back to English until someone translates them.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "survey" / "translations"
POT = TRANSLATIONS / "messages.pot"
# N_ and NP_ are the markers of survey/services/messages.py.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": (1, 2)}


def extract() -> Catalog:
    """Return a template catalogue of every marked string, as the code says now."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="Heard", fuzzy=False)
    for filename, _lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return template


def _hashable(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def _ids(catalog: Catalog) -> set:
    return {(_hashable(message.id), message.context) for message in catalog if message.id}


def _strings(catalog) -> dict:
    """Return the translated messages of `catalog` (untranslated ones are not compiled)."""
    strings = {}
    for message in catalog:
        text = _hashable(message.string)
        if message.id and (any(text) if isinstance(text, tuple) else text):
            strings[(_hashable(message.id), message.context)] = text
    return strings


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def updated(template: Catalog, po_path: Path) -> Catalog:
    """Return the catalogue at `po_path` brought up to `template` (English filled in)."""
    with open(po_path, "rb") as po:
        catalog = read_po(po)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    if str(catalog.locale) == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
    return catalog


def write_all() -> None:
    """Write the template, update each language's .po and compile its .mo."""
    template = extract()
    POT.write_bytes(_po_bytes(template))
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        catalog = updated(template, po_path)
        po_path.write_bytes(_po_bytes(catalog))
        po_path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))


def problems() -> list[str]:
    """Return what is out of date: the template, a .po or a compiled .mo."""
    found = []
    template = extract()
    with open(POT, "rb") as pot:
        if _ids(read_po(pot)) != _ids(template):
            found.append(f"{POT.relative_to(ROOT)} does not match the code")
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with open(po_path, "rb") as po:
            catalog = read_po(po)
        if _ids(catalog) != _ids(template):
            found.append(f"{po_path.relative_to(ROOT)} does not match the template")
        if str(catalog.locale) == "en" and any(m.id and not m.string for m in catalog):
            found.append(f"{po_path.relative_to(ROOT)} has untranslated messages")
        mo_path = po_path.with_suffix(".mo")
        with open(mo_path, "rb") as mo:
            compiled = _strings(read_mo(mo))
        if compiled != _strings(catalog):
            found.append(f"{mo_path.relative_to(ROOT)} is not compiled from its .po")
    return found


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        trouble = problems()
        print("\n".join(trouble) or "catalogues are up to date")
        sys.exit(1 if trouble else 0)
    write_all()
