"""Agreement between coders per code, from the database through `coding.agreement`.

The rows become `coding.model` objects (documents, coders, codes, every
coding of the compared coders) and `coding.agreement.agreement_by_code` does
the statistics. A coder is taken to have read an answer once they have
applied any code to it (``seen="coded"``); answers nobody compared has coded
are left out. The consensus coder is never compared.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import model
from coding.agreement import RELIABLE, TENTATIVE, agreement_by_code
from survey.models import Code, Coder, CodingDocument, Segment, Study, User
from survey.services.coding.blind import UNITS, compared_coders
from survey.services.coding.coders import settings_for
from survey.services.coding.errors import NotFound, Refused
from survey.services.exports import neutralise

CSV_COLUMNS = (
    "code",
    "code_path",
    "unit",
    "coders",
    "alpha",
    "kappa",
    "percent_agreement",
    "units",
    "units_coded",
    "status",
)

__all__ = ["RELIABLE", "TENTATIVE", "AgreementRow", "AgreementTable", "agreement"]


@dataclass(frozen=True)
class AgreementRow:
    """Agreement on one code; statistics are None where they cannot be computed."""

    guid: str
    path: str
    alpha: float | None
    kappa: float | None
    percent: float | None  # 0 to 100
    units: int
    units_coded: int
    applied: bool  # some compared coder applied it in the compared answers

    @property
    def below(self) -> bool:
        """Return True when alpha is a number below Krippendorff's 0.667."""
        return self.alpha is not None and self.alpha < TENTATIVE

    @property
    def status(self) -> str:
        """Return the row's state in words: not applied, not computable, below 0.667, or ''."""
        if not self.applied:
            return "not applied"
        if self.alpha is None:
            return "not computable"
        return f"below {TENTATIVE:.3f}" if self.below else ""


@dataclass(frozen=True)
class AgreementTable:
    """The per-code agreement of the chosen coders at one unit."""

    unit: str
    coders: list[Coder]
    choosable: list[Coder]
    rows: list[AgreementRow]
    documents: int  # answers at least one compared coder has coded
    problem: str | None = None


def _chosen(choosable: list[Coder], guids: Sequence[str]) -> list[Coder]:
    if not guids:  # everyone who coded: people and imported coders (never the consensus)
        return list(choosable)
    by_guid = {c.public_id: c for c in choosable}
    if any(g not in by_guid for g in guids):
        raise NotFound("coder")
    wanted = set(guids)
    return [c for c in choosable if c.public_id in wanted]


def _codebook(session: Session, study: Study) -> model.Codebook:
    rows = session.scalars(
        select(Code).where(Code.study_id == study.id).order_by(Code.position, Code.id)
    ).all()
    guids = {r.id: r.public_id for r in rows}
    children: dict[int | None, list[Code]] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in guids else None, []).append(row)
    ordered: list[model.Code] = []

    def walk(parent: int | None) -> None:
        for row in children.get(parent, []):
            parent_guid = guids.get(row.parent_id) if row.parent_id else None
            ordered.append(model.Code(row.public_id, row.name, parent_guid, row.codable))
            walk(row.id)

    walk(None)
    return model.Codebook(tuple(ordered))


def _data(session: Session, study: Study, coders: list[Coder]):
    query = (
        select(Segment, Code.public_id, CodingDocument)
        .join(Code, Code.id == Segment.code_id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(
            CodingDocument.study_id == study.id,
            Segment.coder_id.in_([c.id for c in coders]),
        )
    )
    guid_of = {c.id: c.public_id for c in coders}
    codings, documents = [], {}
    for segment, code, document in session.execute(query):
        documents[document.id] = model.Document(document.public_id, document.name, document.text)
        codings.append(
            model.Coding(
                segment.public_id,
                document.public_id,
                code,
                guid_of[segment.coder_id],
                segment.start,
                segment.end,
            )
        )
    return codings, sorted(documents.values(), key=lambda d: d.guid)


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def agreement(
    session: Session, study: Study, viewer: User, unit: str | None, coder_guids: Sequence[str]
) -> AgreementTable:
    """Return the per-code agreement of the chosen coders (default: all people) at `unit`."""
    unit = unit or settings_for(session, study).unit
    if unit not in UNITS:
        raise Refused("Choose answers, sentences or characters as the unit.", "UNIT_UNKNOWN")
    choosable = compared_coders(session, study, viewer)
    coders = _chosen(choosable, coder_guids)
    if len(coders) < 2:
        problem = "Agreement needs at least two coders: choose two or more."
        return AgreementTable(unit, coders, choosable, [], 0, problem)
    codings, documents = _data(session, study, coders)
    codebook = _codebook(session, study)
    applied = {c.code for c in codings}
    if not documents:
        problem = "None of the chosen coders has coded an answer yet."
        return AgreementTable(unit, coders, choosable, [], 0, problem)
    frame = agreement_by_code(codings, documents, [c.public_id for c in coders], codebook, unit)
    rows = [
        AgreementRow(
            guid=record["code"],
            path=codebook.path(record["code"], " › "),
            alpha=_number(record["alpha"]),
            kappa=_number(record["kappa"]) if len(coders) == 2 else None,
            percent=None
            if _number(record["percent_agreement"]) is None
            else 100 * record["percent_agreement"],
            units=int(record["units"]),
            units_coded=int(record["units_coded"]),
            applied=record["code"] in applied,
        )
        for record in frame.to_dict("records")
    ]
    return AgreementTable(unit, coders, choosable, rows, len(documents))


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def table_csv(table: AgreementTable) -> str:
    """Return the agreement table as CSV (one row per code; empty cells where not computable)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    coders = "; ".join(c.name for c in table.coders)
    for row in table.rows:
        percent = None if row.percent is None else row.percent / 100
        writer.writerow(
            [
                row.guid,
                neutralise(row.path),
                table.unit,
                neutralise(coders),
                _cell(row.alpha),
                _cell(row.kappa),
                _cell(percent),
                row.units,
                row.units_coded,
                row.status,
            ]
        )
    return out.getvalue()
