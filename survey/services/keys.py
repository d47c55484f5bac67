"""Data keys: check that the master keys open them, re-wrap them, destroy a study's.

The master key never touches the database; each study's data key is stored
wrapped by it (`survey.models.StudyKey`), and so is each site key, which seals
what belongs to no study, such as staff two-step secrets (`SiteKey`).
Rotating the master key re-wraps every data key in one transaction, so sealed
texts are never re-encrypted and a half-done rotation leaves every key opened
by the old or the new master.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from survey import sealing
from survey.extensions import write_transaction
from survey.keyring import Keyring
from survey.models import SiteKey, Study, StudyKey
from survey.sealing import MasterKey, SealingError


@dataclass(frozen=True)
class KeyStatus:
    """How many data keys each master key wraps, and which cannot be opened."""

    by_master: dict[str, int]
    # Slugs of studies whose data key the configured keys cannot open, then site keys
    # (labelled "site key <purpose>").
    unopened: list[str]


def status(session: Session, ring: Keyring) -> KeyStatus:
    """Return which master key wraps each data key, trying to open every one."""
    rows = session.execute(
        select(StudyKey.id, StudyKey.study_id, StudyKey.master_id, StudyKey.wrapped, Study.slug)
        .join(Study, Study.id == StudyKey.study_id)
        .order_by(Study.slug)
    ).all()
    unopened = []
    for row in rows:
        try:
            master = sealing.find_master(ring.masters, row.master_id)
            sealing.unwrap(master, row.wrapped, row.id, row.study_id)
        except SealingError:
            unopened.append(row.slug)
    sites = session.execute(
        select(SiteKey.id, SiteKey.purpose, SiteKey.master_id, SiteKey.wrapped).order_by(
            SiteKey.purpose
        )
    ).all()
    for row in sites:
        try:
            master = sealing.find_master(ring.masters, row.master_id)
            sealing.unwrap_site(master, row.wrapped, row.id, row.purpose)
        except SealingError:
            unopened.append(f"site key {row.purpose}")
    return KeyStatus(dict(Counter(row.master_id for row in (*rows, *sites))), unopened)


def verify(session: Session, ring: Keyring) -> None:
    """Raise `SealingError` with a clear message unless every data key opens."""
    found = status(session, ring)
    if found.unopened:
        wanted = ", ".join(sorted(found.by_master))
        raise SealingError(
            f"the configured master key ({ring.current.id}) does not open "
            f"{len(found.unopened)} data key{'' if len(found.unopened) == 1 else 's'} "
            f"({', '.join(found.unopened[:5])}); the database's keys are wrapped by {wanted}. "
            "Set HEARD_DATA_KEY (or restore the instance key file) to the right key."
        )


def rewrap(session: Session, ring: Keyring, new: MasterKey) -> int:
    """Wrap every data key (studies' and site keys) with `new` in one transaction; say how many."""
    count = 0
    with write_transaction(session):
        rows = session.execute(
            select(StudyKey.id, StudyKey.study_id, StudyKey.master_id, StudyKey.wrapped)
        ).all()
        for row in rows:
            master = sealing.find_master([*ring.masters, new], row.master_id)
            data_key = sealing.unwrap(master, row.wrapped, row.id, row.study_id)
            session.execute(
                update(StudyKey)
                .where(StudyKey.id == row.id)
                .values(master_id=new.id, wrapped=sealing.wrap(new, data_key, row.id, row.study_id))
            )
            count += 1
        count += _rewrap_site_keys(session, ring, new)
    return count


def _rewrap_site_keys(session: Session, ring: Keyring, new: MasterKey) -> int:
    """Wrap every site key with `new` instead (inside the caller's transaction)."""
    rows = session.execute(
        select(SiteKey.id, SiteKey.purpose, SiteKey.master_id, SiteKey.wrapped)
    ).all()
    for row in rows:
        master = sealing.find_master([*ring.masters, new], row.master_id)
        data_key = sealing.unwrap_site(master, row.wrapped, row.id, row.purpose)
        session.execute(
            update(SiteKey)
            .where(SiteKey.id == row.id)
            .values(master_id=new.id, wrapped=sealing.wrap_site(new, data_key, row.id, row.purpose))
        )
    return len(rows)


def destroy(session: Session, ring: Keyring, study_id: int) -> bool:
    """Delete a study's data key so nothing sealed with it opens again; True if there was one."""
    key_id = session.scalar(select(StudyKey.id).where(StudyKey.study_id == study_id))
    if key_id is None:
        return False
    session.execute(delete(StudyKey).where(StudyKey.id == key_id))
    ring.forget(key_id)
    return True
