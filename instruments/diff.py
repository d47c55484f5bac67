"""What changed between two versions of an instrument: items added, removed, changed."""

from __future__ import annotations

from dataclasses import dataclass, fields

from instruments.schema import Instrument, Item, Section

ITEM_FIELDS = tuple(f.name for f in fields(Item) if f.name != "id")
SECTION_FIELDS = ("title", "intro", "content_note", "sensitive", "skippable", "show_if")
TOP_FIELDS = tuple(
    f.name
    for f in fields(Instrument)
    if f.name not in ("id", "version", "sections", "content_hash", "source")
)


@dataclass(frozen=True)
class Change:
    """One item or section present in both versions whose named fields differ."""

    id: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class InstrumentDiff:
    """The differences between an old and a new version."""

    added_items: tuple[str, ...]
    removed_items: tuple[str, ...]
    changed_items: tuple[Change, ...]
    added_sections: tuple[str, ...]
    removed_sections: tuple[str, ...]
    changed_sections: tuple[Change, ...]
    moved_items: tuple[str, ...]
    changed_top: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Return True when the two versions are the same in every compared respect."""
        return not any(getattr(self, f.name) for f in fields(self))


def _changes(old: dict, new: dict, names: tuple[str, ...]) -> tuple[Change, ...]:
    changes = []
    for key in old.keys() & new.keys():
        differing = tuple(n for n in names if _value(old[key], n) != _value(new[key], n))
        if differing:
            changes.append(Change(key, differing))
    order = list(new)
    return tuple(sorted(changes, key=lambda c: order.index(c.id)))


def _value(obj: object, name: str) -> object:
    value = getattr(obj, name)
    # Conditions compare by their source text; everything else by value.
    return getattr(value, "source", value)


def diff_instruments(old: Instrument, new: Instrument) -> InstrumentDiff:
    """Return what changed from `old` to `new`.

    Parameters
    ----------
    old, new
        Two versions of an instrument (usually with the same id).

    Returns
    -------
    InstrumentDiff
        Item and section ids added, removed or changed (with the fields that
        changed), items that moved to another section, and top-level fields
        that changed.

    Examples
    --------
    >>> from instruments import load_library
    >>> police = load_library("police-response")
    >>> diff_instruments(police, police).empty
    True
    """
    old_items = {i.id: i for i in old.items()}
    new_items = {i.id: i for i in new.items()}
    old_sections: dict[str, Section] = {s.id: s for s in old.sections}
    new_sections: dict[str, Section] = {s.id: s for s in new.sections}
    moved = tuple(
        i for i in new_items if i in old_items and old.section_of(i).id != new.section_of(i).id
    )
    return InstrumentDiff(
        added_items=tuple(i for i in new_items if i not in old_items),
        removed_items=tuple(i for i in old_items if i not in new_items),
        changed_items=_changes(old_items, new_items, ITEM_FIELDS),
        added_sections=tuple(s for s in new_sections if s not in old_sections),
        removed_sections=tuple(s for s in old_sections if s not in new_sections),
        changed_sections=_changes(old_sections, new_sections, SECTION_FIELDS),
        moved_items=moved,
        changed_top=tuple(n for n in TOP_FIELDS if getattr(old, n) != getattr(new, n)),
    )
