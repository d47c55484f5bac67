"""findings reports: a report's choices (themes, narratives, quotes, questions) and its builds

Narratives, introductions and build snapshots are sealed with the study's key
(the column is plain text). A theme's code and a quote's segment are SET NULL
when deleted, so the builder can tell the analyst what vanished.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('breakdowns_json', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('updated_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], name=op.f('fk_report_created_by_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_report_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('public_id', name=op.f('uq_report_public_id'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_study_id'), ['study_id'], unique=False)

    op.create_table('report_build',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('built_on', sa.Date(), nullable=False),
    sa.Column('built_by', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('exported_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['built_by'], ['staff_user.id'], name=op.f('fk_report_build_built_by_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_build_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_report_build_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_build')),
    sa.UniqueConstraint('public_id', name=op.f('uq_report_build_public_id'))
    )
    with op.batch_alter_table('report_build', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_build_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_build_study_id'), ['study_id'], unique=False)

    op.create_table('report_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_question_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_question')),
    sa.UniqueConstraint('report_id', 'item_id', name=op.f('uq_report_question_report_id_item_id'))
    )
    with op.batch_alter_table('report_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_question_report_id'), ['report_id'], unique=False)

    op.create_table('report_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_report_theme_code_id_code'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_theme_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_report_theme_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_theme')),
    sa.UniqueConstraint('report_id', 'code_id', name=op.f('uq_report_theme_report_id_code_id'))
    )
    with op.batch_alter_table('report_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_theme_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_theme_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_theme_study_id'), ['study_id'], unique=False)

    op.create_table('report_quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_theme_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_theme_id'], ['report_theme.id'], name=op.f('fk_report_quote_report_theme_id_report_theme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segment.id'], name=op.f('fk_report_quote_segment_id_segment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_quote')),
    sa.UniqueConstraint('report_theme_id', 'segment_id', name=op.f('uq_report_quote_report_theme_id_segment_id'))
    )
    with op.batch_alter_table('report_quote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_quote_report_theme_id'), ['report_theme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_quote_segment_id'), ['segment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_quote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_quote_segment_id'))
        batch_op.drop_index(batch_op.f('ix_report_quote_report_theme_id'))

    op.drop_table('report_quote')
    with op.batch_alter_table('report_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_theme_study_id'))
        batch_op.drop_index(batch_op.f('ix_report_theme_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_theme_code_id'))

    op.drop_table('report_theme')
    with op.batch_alter_table('report_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_question_report_id'))

    op.drop_table('report_question')
    with op.batch_alter_table('report_build', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_build_study_id'))
        batch_op.drop_index(batch_op.f('ix_report_build_report_id'))

    op.drop_table('report_build')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_study_id'))

    op.drop_table('report')
