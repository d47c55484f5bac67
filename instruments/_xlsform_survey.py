"""Turn the survey sheet into Heard sections and items.

A top-level group (``begin group`` ... ``end group``) becomes a section: its
label the title, its hint the intro, its relevant the section's ``show_if``.
Questions outside any group go into a generated section. Heard has one level
of sections, so a group inside a group is flattened into the section around
it, with a warning, and its relevant is kept on each of its questions.

Rows are read in two passes: the first settles each question's id and type
(so a relevant can name any question, even a later one, which Heard then
reports as a forward reference), the second writes the sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from instruments._xlsform_choices import ChoiceList
from instruments._xlsform_columns import check_row
from instruments._xlsform_context import Context, Languages
from instruments._xlsform_expressions import (
    DroppedReference,
    ExpressionError,
    Reference,
    relevant_to_condition,
)
from instruments._xlsform_items import Planned, flag, item_document, plan_question
from instruments._xlsform_names import Namer
from instruments._xlsform_settings import placeholder
from instruments._xlsform_sheets import SURVEY, Row, Sheet
from instruments._xlsform_types import BEGIN, END, GROUP, REPEAT, RowType, classify
from instruments.errors import ErrorCode

_REPEAT = (
    "Heard asks each question once, and a repeat asks its questions again and again "
    "(for each household member, say); ask about the group as a whole instead"
)


@dataclass
class _Entry:
    """A row of the survey sheet, after the first pass."""

    row: Row
    row_type: RowType
    plan: Planned | None = None


@dataclass
class _Plan:
    """What the first pass learnt: the rows in order, and every question a relevant may name."""

    entries: list[_Entry] = field(default_factory=list)
    references: dict[str, Reference] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    namer: Namer = field(default_factory=Namer)
    has_groups: bool = False


@dataclass
class _Open:
    """A section being written, and the groups open around the current row."""

    document: dict[str, object]
    row: Row | None
    dropped_any: bool = False
    groups: list[tuple[Row, str | None]] = field(default_factory=list)


def read_survey(
    ctx: Context,
    sheet: Sheet,
    lists: dict[str, ChoiceList],
    languages: Languages,
    title: dict[str, str],
) -> list[dict[str, object]]:
    """Return the sections of the survey sheet, as mappings of the YAML document."""
    plan = _first_pass(ctx, sheet, lists, languages)
    return _Writer(ctx, plan, languages, title).write()


def _first_pass(
    ctx: Context, sheet: Sheet, lists: dict[str, ChoiceList], languages: Languages
) -> _Plan:
    plan = _Plan()
    typed = []
    for row in sheet.rows:
        written = row.get("type")
        if written is None:
            if row.get("name") or row.texts("label"):
                ctx.report(ErrorCode.MISSING_KEY, SURVEY, row.number, key="type")
            continue
        typed.append((row, classify(written)))
    plan.namer.reserve(row.get("name") or "" for row, kind in typed if kind.kind not in ("", END))
    first_rows: dict[str, int] = {}
    for row, row_type in typed:
        if _is_repeated(ctx, row, row_type, first_rows):
            continue
        entry = _Entry(row, row_type)
        if row_type.kind == BEGIN:
            plan.has_groups = True
        elif row_type.kind != END:
            entry.plan = _plan_row(ctx, plan, row, row_type, lists, languages.default)
        if row_type.kind in (BEGIN, END) or entry.plan is not None:
            check_row(ctx, row)  # a refused row is reported: its other columns do not matter
        plan.entries.append(entry)
    return plan


def _is_repeated(ctx: Context, row: Row, row_type: RowType, first_rows: dict[str, int]) -> bool:
    """Report a question or group whose name an earlier row already has (Heard's DUPLICATE_ID)."""
    name = row.get("name")
    if name is None or row_type.kind in ("", END):
        return False
    if name not in first_rows:
        first_rows[name] = row.number
        return False
    ctx.report(ErrorCode.DUPLICATE_ID, SURVEY, row.number, value=name, first_line=first_rows[name])
    return True


def _plan_row(
    ctx: Context,
    plan: _Plan,
    row: Row,
    row_type: RowType,
    lists: dict[str, ChoiceList],
    language: str,
) -> Planned | None:
    """Return the plan of a question row, or None when it is refused (and reported)."""
    name = row.get("name")
    if row_type.refusal is not None:
        code, details = row_type.refusal
        ctx.report(code, SURVEY, row.number, value=row_type.written, **details)
    elif name is None:
        ctx.report(ErrorCode.MISSING_KEY, SURVEY, row.number, key="name")
        return None
    if name is None or row_type.refusal is not None:
        plan.dropped.add(name or "")
        return None
    item_id = _id_for(ctx, plan.namer, row, name)
    planned = plan_question(ctx, row, row_type, item_id, lists, language)
    if planned is None:
        plan.dropped.add(name)
    else:
        plan.references[name] = planned.reference()
    return planned


def _id_for(ctx: Context, namer: Namer, row: Row, name: str) -> str:
    """Return the Heard id for an XLSForm name, warning when it had to change."""
    item_id = ctx.names[name] = namer.name(name)
    if item_id != name:
        ctx.warn(
            ErrorCode.XLSFORM_NAME_CHANGED, SURVEY, row.number, old=name, what="id", new=item_id
        )
    return item_id


class _Writer:
    """The second pass: sections and items, with their conditions."""

    def __init__(
        self, ctx: Context, plan: _Plan, languages: Languages, title: dict[str, str]
    ) -> None:
        self.ctx, self.plan, self.languages, self.title = ctx, plan, languages, title
        self.sections: list[_Open] = []
        self.current: _Open | None = None
        self.generated = 0

    def write(self) -> list[dict[str, object]]:
        for entry in self.plan.entries:
            if entry.row_type.kind == BEGIN:
                self._begin(entry)
            elif entry.row_type.kind == END:
                self._end(entry)
            elif entry.plan is not None:
                self._item(entry.plan)
            else:
                self._section().dropped_any = True
        for row, _condition in self.current.groups if self.current else ():
            self.ctx.report(
                ErrorCode.XLSFORM_GROUP_UNBALANCED,
                SURVEY,
                row.number,
                value=row.get("type"),
                reason="is never closed by an end group",
            )
        return self._documents()

    def _documents(self) -> list[dict[str, object]]:
        """Return the sections, leaving out those emptied by refused rows (already reported)."""
        documents = []
        for section in self.sections:
            if section.document["items"] or not section.dropped_any:
                index = len(documents)
                items = section.document["items"]
                self.ctx.came_from(f"sections[{index}]", section.row or items[0]["_row"])
                for position, item in enumerate(section.document["items"]):
                    self._remember(f"sections[{index}].items[{position}]", item)
                documents.append(section.document)
        return documents

    def _remember(self, path: str, item: dict[str, object]) -> None:
        self.ctx.came_from(path, item.pop("_row"))
        for key in ("choices", "points"):
            for position, row in enumerate(item.pop(f"_{key}_rows", ())):
                self.ctx.came_from(f"{path}.{key}[{position}]", row)

    def _begin(self, entry: _Entry) -> None:
        row, control = entry.row, entry.row_type.control
        if control == REPEAT:
            self.ctx.report(
                ErrorCode.XLSFORM_UNSUPPORTED_TYPE,
                SURVEY,
                row.number,
                value=entry.row_type.written,
                reason=_REPEAT,
            )
        condition = self._condition(row)
        if self.current is None or not self.current.groups:
            self.current = self._open(row, condition)
            self.current.groups.append((row, None))
            return
        if control == GROUP:
            self.ctx.warn(
                ErrorCode.XLSFORM_NESTED_GROUP,
                SURVEY,
                row.number,
                name=row.get("name") or "",
                section=self.current.document["id"],
            )
        self.current.groups.append((row, condition))

    def _end(self, entry: _Entry) -> None:
        if self.current is None or not self.current.groups:
            self.ctx.report(
                ErrorCode.XLSFORM_GROUP_UNBALANCED,
                SURVEY,
                entry.row.number,
                value=entry.row_type.written,
                reason="has no begin before it",
            )
            return
        self.current.groups.pop()
        if not self.current.groups:
            self.current = None

    def _item(self, plan: Planned) -> None:
        section = self._section()
        parts = [condition for _row, condition in section.groups if condition]
        own = self._condition(plan.row)
        parts += [own] if own else []
        show_if = parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts) or None
        item = item_document(self.ctx, plan, self.languages, show_if)
        item["_row"] = plan.row
        if plan.choices is not None:
            rows = [option.row for option in plan.choices.options]
            item["_points_rows" if plan.type == "scale" else "_choices_rows"] = rows
        section.document["items"].append(item)

    def _section(self) -> _Open:
        """Return the section being written, opening a generated one outside any group."""
        if self.current is None:
            self.current = self._open(None, None)
        return self.current

    def _open(self, row: Row | None, condition: str | None) -> _Open:
        document: dict[str, object] = {"id": self._section_id(row), "title": self._title(row)}
        if row is not None:
            _section_extras(document, row, self.languages)
        if condition:
            document["show_if"] = condition
        document["items"] = []
        section = _Open(document, row)
        self.sections.append(section)
        return section

    def _section_id(self, row: Row | None) -> str:
        if row is not None and row.get("name"):
            return _id_for(self.ctx, self.plan.namer, row, row.get("name") or "")
        self.generated += 1
        return self.plan.namer.name(f"section_{self.generated}")

    def _title(self, row: Row | None) -> dict[str, str]:
        title = None if row is None else self.languages.text(row, "label")
        if title is not None:
            return title
        if row is None and not self.plan.has_groups:
            return self.title
        name = (row.get("name") if row else None) or "questions"
        return placeholder(self.languages.order, f"Write a title for the page '{name}'.")

    def _condition(self, row: Row) -> str | None:
        text = row.get("relevant")
        if not text:
            return None
        try:
            return relevant_to_condition(text, self.plan.references, frozenset(self.plan.dropped))
        except DroppedReference:
            return None  # the row it names is refused, and that is reported
        except ExpressionError as error:
            self.ctx.report(error.code, SURVEY, row.number, **error.details)
            return None


def _section_extras(document: dict[str, object], row: Row, languages: Languages) -> None:
    """Add a group's intro, content note and sensitivity to its section."""
    for key, column in (("intro", "hint"), ("content_note", "heard_content_note")):
        text = languages.text(row, column)
        if text is not None:
            document[key] = text
    for key in ("sensitive", "skippable"):
        value = flag(row.get(f"heard_{key}"))
        if value is not None:
            document[key] = value
