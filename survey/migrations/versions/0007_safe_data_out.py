"""safe data out: per-study data keys, the withdrawal ledger, retention dates, export settings, quote consent

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('study_key',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('master_id', sa.String(length=16), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_study_key_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_key')),
    sa.UniqueConstraint('study_id', name=op.f('uq_study_key_study_id'))
    )
    op.create_table('forgotten',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_forgotten'))
    )
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retain_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('purged_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('export_settings_json', sa.Text(), nullable=True))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_quotes', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('no_quotes')
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.drop_column('export_settings_json')
        batch_op.drop_column('purged_on')
        batch_op.drop_column('retain_until')
    op.drop_table('forgotten')
    op.drop_table('study_key')
