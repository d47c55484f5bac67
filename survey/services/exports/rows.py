"""Read a study's completed responses in batches, as rows of exported cells.

Only plain columns are selected (no ORM objects), a batch at a time, so
memory does not grow with the number of responses.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Answer, InstrumentVersion, Response, Study
from survey.services.answers import Stored, decode
from survey.services.exports.plan import Column, Row

BATCH = 500


def count_rows(session: Session, study: Study) -> int:
    """Return how many completed responses `study` has."""
    query = select(func.count(Response.id)).where(_completed(study))
    return int(session.execute(query).scalar_one())


def row_batches(session: Session, study: Study, columns: list[Column]) -> Iterator[list[Row]]:
    """Yield the completed responses of `study` as batches of rows, oldest first."""
    query = (
        select(
            Response.id,
            InstrumentVersion.instrument_key,
            InstrumentVersion.version_label,
            Response.language,
            Response.mode,
            Response.completed_on,
        )
        .join(InstrumentVersion, Response.instrument_version_id == InstrumentVersion.id)
        .where(_completed(study))
        .order_by(Response.id)
        .execution_options(yield_per=BATCH)
    )
    batch: list[tuple] = []
    for entry in session.execute(query):
        batch.append(tuple(entry))
        if len(batch) == BATCH:
            yield _rows(session, batch, columns)
            batch = []
    if batch:
        yield _rows(session, batch, columns)


def _completed(study: Study):
    return (Response.study_id == study.id) & (Response.status == "completed")


def _rows(session: Session, batch: list[tuple], columns: list[Column]) -> list[Row]:
    ids = [entry[0] for entry in batch]
    answers: dict[str, dict[str, Stored]] = {i: {} for i in ids}
    query = select(Answer.response_id, Answer.item_id, Answer.value, Answer.code).where(
        Answer.response_id.in_(ids)
    )
    # Core, not the ORM: millions of plain tuples, no identity map to fill.
    for response_id, item_id, value, code in session.connection().execute(query):
        answers[response_id][item_id] = decode(value, code)
    rows = []
    for response_id, key, label, language, mode, completed_on in batch:
        fixed = {
            "response_id": response_id,
            "instrument_id": key,
            "instrument_version": label,
            "language": language,
            "mode": mode,
            "completed_on": completed_on,
        }
        mine = answers[response_id]
        cells = {c.name: fixed[c.name] if c.item is None else cell_for(c, mine) for c in columns}
        rows.append((response_id, cells))
    return rows


def cell_for(column: Column, answers: dict[str, Stored]) -> object:
    """Return the cell of `column` for one response's answers: its value or a missing code."""
    assert column.item is not None
    stored = answers.get(column.item.id)
    if stored is None:
        return "skipped"
    if stored.code is not None:
        return stored.code
    if column.described:
        return _described(column, answers, stored)
    if column.option is not None:
        return 1 if column.option in (stored.value or []) else 0
    return stored.value


def _described(column: Column, answers: dict[str, Stored], stored: Stored) -> object:
    # The "in own words" box is asked only when its option is chosen.
    assert column.item is not None
    chosen = stored.value if isinstance(stored.value, list) else [stored.value]
    if column.item.self_describe not in chosen:
        return "not_shown"
    own = answers.get(f"{column.item.id}__text")
    return own.value if own is not None and own.value not in (None, "") else "skipped"
