"""trigram index on messages.text (PostgreSQL only)

Transcript search runs ILIKE '%term%' over every message; on PostgreSQL a GIN index with
pg_trgm's gin_trgm_ops answers it without a full pass. SQLite has no such index: nothing to do.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_messages_text_trgm", "messages", ["text"], unique=False,
                    postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_messages_text_trgm", table_name="messages")
