"""A study's export settings: how the de-identified export treats free text and quasi-identifiers.

Stored as JSON in `study.export_settings_json` (docs/exports.md, "Roles")::

    {"free_text": "redacted" | "withheld",
     "quasi_identifiers": {
        "age": {"how": "bands", "bands": [18, 25, 35, 50]},
        "country": {"how": "groups", "groups": {"uk": "Europe", "ng": "Africa"}},
        "arrived": {"how": "year"}, "district": {"how": "drop"}, "gender": {"how": "keep"},
        "completed_on": {"how": "month"}}}

Every quasi-identifier takes part in small-group suppression; `keep` leaves its
values as they are, the others coarsen them first (or, `drop`, leave it out).
Each bad value gets a message naming the item; saving audits each change by
name and kind (never a group's words).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from instruments.schema import Instrument, Item
from survey.extensions import write_transaction
from survey.models import Study, User
from survey.services.audit import record
from survey.services.errors import ServiceError
from survey.services.permissions import EDIT, EXPORT_FULL, NotAllowed, may

KEEP, DROP, BANDS, GROUPS, YEAR, MONTH = "keep", "drop", "bands", "groups", "year", "month"
REDACTED, WITHHELD = "redacted", "withheld"
FREE_TEXT = (REDACTED, WITHHELD)
ALLOWED = {
    "single_choice": (KEEP, DROP, GROUPS),
    "scale": (KEEP, DROP, GROUPS),
    "yes_no": (KEEP, DROP),
    "multiple_choice": (KEEP, DROP),
    "number": (KEEP, DROP, BANDS),
    "month_year": (KEEP, DROP, YEAR),
}
"""What each item type may become in the de-identified export."""
FIXED = {"completed_on": (KEEP, DROP, MONTH, YEAR), "language": (KEEP, DROP), "mode": (KEEP, DROP)}
"""The fixed columns that may be named as quasi-identifiers, and what they may become."""
HOW_WORDS = {
    KEEP: "keep as it is",
    DROP: "leave it out",
    BANDS: "bands",
    GROUPS: "group the answers",
    YEAR: "year only",
    MONTH: "month and year only",
}
MAX_BANDS = 30
MAX_GROUP_LENGTH = 60
Form = Mapping[str, Sequence[str]]


class ExportSettingsInvalid(ServiceError):
    """Some export settings are not right; `errors` holds one message per field, naming the item."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Coarsening:
    """What one quasi-identifier becomes: kept, dropped, banded, grouped or cut to year or month."""

    how: str
    bands: tuple[float, ...] = ()
    groups: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape of this coarsening."""
        shape: dict[str, object] = {"how": self.how}
        if self.how == BANDS:
            shape["bands"] = [int(b) if float(b).is_integer() else b for b in self.bands]
        if self.how == GROUPS:
            shape["groups"] = dict(self.groups)
        return shape


@dataclass(frozen=True)
class ExportSettings:
    """How a study's de-identified export treats free text and its quasi-identifiers."""

    free_text: str = REDACTED
    quasi: dict[str, Coarsening] = field(default_factory=dict)

    def as_json(self) -> str:
        """Return the settings as the JSON stored on the study."""
        return json.dumps(
            {
                "free_text": self.free_text,
                "quasi_identifiers": {name: c.as_dict() for name, c in self.quasi.items()},
            },
            sort_keys=True,
            ensure_ascii=False,
        )


def candidates(instrument: Instrument) -> list[tuple[str, str, tuple[str, ...]]]:
    """Return (name, label, allowed coarsenings) of everything that may be a quasi-identifier."""
    language = instrument.default_language
    found = [
        (item.id, item.label.get(language), ALLOWED[item.type])
        for item in instrument.answerable_items()
        if item.type in ALLOWED
    ]
    fixed_labels = {
        "completed_on": "Day the response was sent",
        "language": "Language the respondent chose",
        "mode": "Self-completed or with an interviewer",
    }
    return found + [(name, fixed_labels[name], allowed) for name, allowed in FIXED.items()]


def load_settings(study: Study) -> ExportSettings:
    """Return the study's stored export settings (the defaults when none are stored)."""
    if not study.export_settings_json:
        return ExportSettings()
    raw = json.loads(study.export_settings_json)
    quasi = {
        name: Coarsening(
            entry["how"],
            tuple(float(b) for b in entry.get("bands", ())),
            dict(entry.get("groups", {})),
        )
        for name, entry in raw.get("quasi_identifiers", {}).items()
    }
    return ExportSettings(raw.get("free_text", REDACTED), quasi)


def check_settings(raw: Mapping[str, object], instrument: Instrument) -> ExportSettings:
    """Return `raw` (the JSON shape) as settings; raise ExportSettingsInvalid naming each item."""
    errors: dict[str, str] = {}
    free_text = raw.get("free_text", REDACTED)
    if free_text not in FREE_TEXT:
        errors["free_text"] = "free_text: choose redacted or withheld."
    quasi: dict[str, Coarsening] = {}
    entries = raw.get("quasi_identifiers", {})
    if not isinstance(entries, Mapping):
        entries = {}
        errors["quasi_identifiers"] = "quasi_identifiers: name each item with how to coarsen it."
    allowed = {name: kinds for name, _, kinds in candidates(instrument)}
    items = {item.id: item for item in instrument.answerable_items()}
    for name, entry in entries.items():
        try:
            quasi[name] = _coarsening(str(name), entry, allowed, items.get(name))
        except _Bad as bad:
            errors[f"qi__{name}"] = f"{name}: {bad}"
    if errors:
        raise ExportSettingsInvalid(errors)
    return ExportSettings(str(free_text), quasi)


class _Bad(ValueError):
    pass


def _coarsening(
    name: str, entry: object, allowed: Mapping[str, tuple[str, ...]], item: Item | None
) -> Coarsening:
    if name not in allowed:
        raise _Bad("the instrument has no such item that could identify someone.")
    how = entry.get("how") if isinstance(entry, Mapping) else None
    if how not in allowed[name]:
        words = ", ".join(HOW_WORDS[k] for k in allowed[name])
        raise _Bad(f"choose one of: {words}.")
    assert isinstance(entry, Mapping)
    if how == BANDS:
        return Coarsening(BANDS, bands=_bands(entry.get("bands"), item))
    if how == GROUPS:
        assert item is not None
        return Coarsening(GROUPS, groups=_groups(entry.get("groups"), item))
    return Coarsening(how)


def _bands(raw: object, item: Item | None) -> tuple[float, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise _Bad("give the band edges as numbers, like 18, 25, 35, 50.")
    bands: list[float] = []
    for value in raw:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            raise _Bad(f"band edges must be numbers, and {str(value)[:20]!r} is not one.")
        bands.append(float(value))
    if len(bands) > MAX_BANDS:
        raise _Bad(f"give at most {MAX_BANDS} band edges.")
    if item is not None and item.integer and not all(b.is_integer() for b in bands):
        raise _Bad("the answers are whole numbers, so the band edges must be whole numbers too.")
    for lower, upper in itertools.pairwise(bands):
        if upper <= lower:
            raise _Bad(f"band edges must go up, and {_number(upper)} follows {_number(lower)}.")
    return tuple(bands)


def _groups(raw: object, item: Item) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not raw:
        raise _Bad("say which group each answer goes in, like uk = Europe; ng = Africa.")
    known = item.choice_values()
    groups: dict[str, str] = {}
    for value, group in raw.items():
        if str(value) not in known:
            shown = ", ".join(known)
            raise _Bad(f"{str(value)[:40]!r} is not one of its answers ({shown}).")
        if not isinstance(group, str) or not group.strip():
            raise _Bad(f"the group of {value!r} has no name.")
        if len(group.strip()) > MAX_GROUP_LENGTH:
            raise _Bad(f"the group of {value!r} is longer than {MAX_GROUP_LENGTH} characters.")
        groups[str(value)] = group.strip()
    return groups


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def form_values(settings: ExportSettings) -> dict[str, str]:
    """Return the settings as the form shows them: `free_text`, `qi__NAME` and `detail__NAME`."""
    values = {"free_text": settings.free_text}
    for name, coarsening in settings.quasi.items():
        values[f"qi__{name}"] = coarsening.how
        if coarsening.how == BANDS:
            values[f"detail__{name}"] = ", ".join(_number(b) for b in coarsening.bands)
        elif coarsening.how == GROUPS:
            pairs = coarsening.groups.items()
            values[f"detail__{name}"] = "; ".join(f"{v} = {g}" for v, g in pairs)
    return values


def read_form(posted: Form, instrument: Instrument) -> tuple[dict[str, object], dict[str, str]]:
    """Return the posted form in the JSON shape, and a message per field that cannot be read."""
    quasi: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, _, _ in candidates(instrument):
        how = _one(posted, f"qi__{name}")
        if not how:
            continue
        detail = _one(posted, f"detail__{name}")
        entry: dict[str, object] = {"how": how}
        try:
            if how == BANDS:
                entry["bands"] = _read_bands(detail)
            elif how == GROUPS:
                entry["groups"] = _read_groups(detail)
        except _Bad as bad:
            errors[f"qi__{name}"] = f"{name}: {bad}"
        quasi[name] = entry
    return {"free_text": _one(posted, "free_text") or REDACTED, "quasi_identifiers": quasi}, errors


def _one(posted: Form, name: str) -> str:
    values = posted.get(name) or [""]
    return values[0].strip()


def _read_bands(text: str) -> list[float]:
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    numbers = []
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            raise _Bad(f"band edges must be numbers, and {part[:20]!r} is not one.") from None
        numbers.append(int(number) if number.is_integer() else number)
    return numbers


def _read_groups(text: str) -> dict[str, str]:
    groups: dict[str, str] = {}
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        value, sep, group = part.partition("=")
        if not sep:
            raise _Bad(f"write each answer as answer = group, and {part[:40]!r} has no “=”.")
        groups[value.strip()] = group.strip()
    return groups


def may_configure(session: Session, user: User, study: Study) -> bool:
    """Return True when `user` may change `study`'s export settings (editors and data stewards)."""
    return may(session, user, EDIT, study) or may(session, user, EXPORT_FULL, study)


def update_export_settings(
    session: Session, user: User, study: Study, instrument: Instrument, posted: Form
) -> list[str]:
    """Check and save the posted export settings; audit and return the names of those changed."""
    if not may_configure(session, user, study):
        raise NotAllowed(EDIT)
    raw, errors = read_form(posted, instrument)
    try:
        settings = check_settings(raw, instrument)
    except ExportSettingsInvalid as invalid:
        errors = {**invalid.errors, **errors}
    if errors:
        raise ExportSettingsInvalid(errors)
    before = load_settings(study)
    changed = [] if before.free_text == settings.free_text else ["free_text"]
    names = sorted(set(before.quasi) | set(settings.quasi))
    changed += [n for n in names if before.quasi.get(n) != settings.quasi.get(n)]
    with write_transaction(session):
        study.export_settings_json = settings.as_json()
        for name in changed:
            value = settings.free_text if name == "free_text" else _how(settings, name)
            record(session, user, "study.export_settings", study, setting=name, value=value)
    return changed


def _how(settings: ExportSettings, name: str) -> str:
    coarsening = settings.quasi.get(name)
    return coarsening.how if coarsening else "none"
