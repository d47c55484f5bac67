"""sealed totp: staff two-step secrets sealed at rest with a site data key

Adds ``site_key`` (data keys that belong to no study, wrapped by the master
key like ``study_key``), widens ``staff_user.totp_secret`` for a sealed text,
and seals every secret stored in clear with the ``staff`` site key, bound to
its column and account id. Migrations run inside the app (see env.py), so the
master key is at hand; should it not be, secrets stay in clear and sign-in
seals each one the first time it is used (`services.staff_secrets`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""
import datetime as dt
import logging
import secrets

import sqlalchemy as sa
from alembic import op
from flask import current_app

from survey import sealing

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Frozen here as the app writes them (survey.services.staff_secrets): a ciphertext
# opens only under this purpose and this column, for this account id.
PURPOSE = 'staff'
CONTEXT = 'staff_user.totp_secret|{}'
log = logging.getLogger('alembic.runtime.migration')


def _ring():
    try:
        return current_app.extensions.get('heard_keyring')
    except RuntimeError:  # no app: run outside `heard db upgrade`
        return None


def _clear_secrets(bind) -> list:
    rows = bind.execute(
        sa.text('SELECT id, totp_secret FROM staff_user WHERE totp_secret IS NOT NULL')
    ).all()
    return [(row[0], row[1]) for row in rows if row[1] and not sealing.is_sealed(row[1])]


def _staff_key(bind, master) -> tuple:
    key_id, data_key = secrets.token_hex(8), sealing.new_secret()
    bind.execute(
        sa.text(
            'INSERT INTO site_key (id, purpose, master_id, wrapped, created_on)'
            ' VALUES (:id, :purpose, :master_id, :wrapped, :created_on)'
        ),
        {
            'id': key_id,
            'purpose': PURPOSE,
            'master_id': master.id,
            'wrapped': sealing.wrap_site(master, data_key, key_id, PURPOSE),
            'created_on': dt.datetime.now(dt.UTC).date(),
        },
    )
    return key_id, data_key


def _seal_clear_secrets() -> None:
    bind = op.get_bind()
    clear = _clear_secrets(bind)
    if not clear:
        return
    ring = _ring()
    if ring is None:
        log.warning('No master key: %d two-step secret(s) stay in clear until used', len(clear))
        return
    key_id, data_key = _staff_key(bind, ring.current)
    for user_id, secret in clear:
        sealed = sealing.seal(data_key, key_id, secret, CONTEXT.format(user_id))
        bind.execute(
            sa.text('UPDATE staff_user SET totp_secret = :sealed WHERE id = :id'),
            {'sealed': sealed, 'id': user_id},
        )


def upgrade():
    op.create_table('site_key',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('master_id', sa.String(length=16), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_key')),
    sa.UniqueConstraint('purpose', name=op.f('uq_site_key_purpose'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=64),
               type_=sa.String(length=255),
               existing_nullable=True)
    _seal_clear_secrets()


def _open_sealed_secrets() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text('SELECT id, totp_secret FROM staff_user WHERE totp_secret IS NOT NULL')
    ).all()
    sealed = [(row[0], row[1]) for row in rows if sealing.is_sealed(row[1])]
    if not sealed:
        return
    ring = _ring()
    if ring is None:
        raise RuntimeError('the master key is needed to put two-step secrets back in clear')
    keys = {}
    for key_id, purpose, master_id, wrapped in bind.execute(
        sa.text('SELECT id, purpose, master_id, wrapped FROM site_key')
    ).all():
        master = sealing.find_master(ring.masters, master_id)
        keys[key_id] = sealing.unwrap_site(master, wrapped, key_id, purpose)
    for user_id, token in sealed:
        data_key = keys.get(sealing.key_id_of(token))
        if data_key is None:
            raise sealing.SealingError(f'the two-step secret of staff account {user_id} has no key')
        # Refuses (SealingError) rather than turning two-step sign-in off for anyone.
        secret = sealing.unseal(data_key, token, CONTEXT.format(user_id))
        bind.execute(
            sa.text('UPDATE staff_user SET totp_secret = :secret WHERE id = :id'),
            {'secret': secret, 'id': user_id},
        )


def downgrade():
    _open_sealed_secrets()
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=255),
               type_=sa.String(length=64),
               existing_nullable=True)
    op.drop_table('site_key')
