"""Alembic environment of every service database.

Run through shared.migrations.runner, which hands over an open connection (and, to
autogenerate, the metadata to compare with and the tables of one branch) in
`config.attributes`. SQLite gets batch mode: it cannot ALTER most things in place.
"""

from alembic import context
from sqlmodel.sql.sqltypes import AutoString

from shared.persistence.database import UtcDateTime

config = context.config
connection = config.attributes["connection"]
include_tables = config.attributes.get("include_tables")


def include_name(name, type_, _parent_names) -> bool:
    """Autogenerate for one branch compares its own tables only."""
    return type_ != "table" or include_tables is None or name in include_tables


def render_item(type_, obj, _context):
    """Plain SQLAlchemy types in migration scripts: a script must not change when a model's
    Python type does."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


context.configure(
    connection=connection,
    target_metadata=config.attributes.get("target_metadata"),
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
