"""Columns whose text is sealed at rest with the study's data key (see `survey.sealing`).

A sealed column reads back as plain text. Writing needs the study, since each
study has its own key: the ORM finds it before every flush (`seal_pending`);
a Core statement passes `SealedStr` values made by `sealed_for`. A plain
string reaching a strict sealed column is refused rather than stored in
clear, so a write path that forgot the study fails loudly in tests.
"""

from __future__ import annotations

from sqlalchemy import Text, event, inspect, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from survey import keyring, sealing
from survey.extensions import upsert_statement


class PlaintextWrite(RuntimeError):
    """Someone tried to store words in clear in a sealed column (a programming error)."""


class SealedStr(str):
    """Text that will be sealed with data key `key_id` when written."""

    key_id: str

    def __new__(cls, text: str, key_id: str) -> SealedStr:
        made = super().__new__(cls, text)
        made.key_id = key_id
        return made

    def __reduce__(self) -> tuple:
        return (SealedStr, (str(self), self.key_id))


class SealedText(TypeDecorator):
    """Text sealed with the study's data key; reads return the plain text.

    `strict=False` lets plain text through (answers: only free text is
    sealed, choices and numbers are not words). Values written before sealing
    existed (no ``hs1:`` prefix) read back as they are.
    """

    impl = Text
    cache_ok = True

    def __init__(self, context: str, *, strict: bool = True) -> None:
        super().__init__()
        self.context = context  # "table.column": a ciphertext opens only where it was written
        self.strict = strict

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or value == "":
            return value
        if isinstance(value, SealedStr):
            return keyring.active().seal(value.key_id, str(value), self.context)
        if self.strict:
            raise PlaintextWrite("a sealed column was given text without its study's key")
        return value

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not sealing.is_sealed(value):
            return value
        return keyring.active().unseal(value, self.context)


def study_key_id(session: Session, study_id: int) -> str:
    """Return the id of `study_id`'s data key, making the key on first use."""
    from survey.models.keys import StudyKey

    return _key_id(
        session, StudyKey, StudyKey.study_id, study_id,
        lambda master, data_key, key_id: sealing.wrap(master, data_key, key_id, study_id),
    )  # fmt: skip


def site_key_id(session: Session, purpose: str) -> str:
    """Return the id of the site data key for `purpose`, making the key on first use.

    Run it in a write transaction: the key's row is written with whatever it seals.
    """
    from survey.models.keys import SiteKey

    return _key_id(
        session, SiteKey, SiteKey.purpose, purpose,
        lambda master, data_key, key_id: sealing.wrap_site(master, data_key, key_id, purpose),
    )  # fmt: skip


def _key_id(session: Session, model, owner, value, wrap) -> str:
    """Return the id of `model`'s key row whose `owner` column is `value`, making it if none.

    A new data key is wrapped by the current master key (`wrap(master, data_key,
    key_id)`) and inserted unless another transaction made the row first.
    """
    from survey.models.keys import new_key_id

    found = session.execute(select(model.id).where(owner == value)).scalar_one_or_none()
    if found is not None:
        return found
    ring = keyring.active()
    key_id, data_key = new_key_id(), sealing.new_secret()
    row = {
        "id": key_id,
        owner.key: value,
        "master_id": ring.current.id,
        "wrapped": wrap(ring.current, data_key, key_id),
    }
    statement = upsert_statement(session, model, row).on_conflict_do_nothing()
    made = session.execute(statement.returning(model.id)).scalar_one_or_none()
    if made is None:  # another transaction made it first
        return _key_id(session, model, owner, value, wrap)
    ring.remember(key_id, data_key)
    return key_id


def sealed_for(session: Session, study_id: int, text: str | None) -> str | None:
    """Return `text` marked to be sealed with `study_id`'s data key."""
    if text is None or text == "" or isinstance(text, SealedStr):
        return text
    return SealedStr(text, study_key_id(session, study_id))


def _study_of(session: Session, instance: object) -> int | None:
    from survey.models.analysis import AnalysisJob
    from survey.models.coding import CodingDocument

    study_id = getattr(instance, "study_id", None)
    if study_id is not None:
        return study_id
    document = getattr(instance, "document", None)
    if document is not None and document.study_id is not None:
        return document.study_id
    with session.no_autoflush:
        if getattr(instance, "document_id", None) is not None:
            query = select(CodingDocument.study_id).where(
                CodingDocument.id == instance.document_id
            )
            return session.execute(query).scalar_one_or_none()
        if getattr(instance, "job_id", None) is not None:
            query = select(AnalysisJob.study_id).where(AnalysisJob.id == instance.job_id)
            return session.execute(query).scalar_one_or_none()
    return None


SEALED_ATTRIBUTES: dict[type, tuple[str, ...]] = {}
"""Model class -> attributes held in strict sealed columns (filled by `sealed_columns`)."""


def sealed_columns(cls: type) -> type:
    """Class decorator: register `cls`'s strict sealed columns for sealing before each flush."""
    names = tuple(
        column.key
        for column in cls.__table__.columns
        if isinstance(column.type, SealedText) and column.type.strict
    )
    SEALED_ATTRIBUTES[cls] = names
    return cls


def seal_pending(session: Session, flush_context, instances) -> None:
    """Seal every plain text about to be written to a strict sealed column."""
    for instance in (*session.new, *session.dirty):
        names = SEALED_ATTRIBUTES.get(type(instance))
        if not names:
            continue
        state = inspect(instance)
        for name in names:
            value = getattr(instance, name)
            if not value or isinstance(value, SealedStr):
                continue
            if state.persistent and not state.attrs[name].history.has_changes():
                continue
            study_id = _study_of(session, instance)
            if study_id is None:
                raise PlaintextWrite(f"no study found for {type(instance).__name__}.{name}")
            setattr(instance, name, sealed_for(session, study_id, value))


event.listen(Session, "before_flush", seal_pending)
