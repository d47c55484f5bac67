"""A fresh, empty schema for every test, made cheaply.

Creating the tables for every test is slow on PostgreSQL (a second or more on
a busy machine), so the schema is built once and emptied between tests. It is
rebuilt when it is not the one the models describe: a mark kept as a table's
comment holds a hash of the models' DDL and a fingerprint of the catalogue
taken when it was built, so a database left by an older run (the models
changed since) or a test that changed the schema (the migration tests drop
the tables and run Alembic) is noticed by one catalogue query.

On SQLite the schema is built once per process into a template file, and each
test copies it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, create_engine
from sqlalchemy.schema import CreateIndex, CreateTable

# One text per relation (table, index, sequence) of the current schema, with its
# columns, plus the constraints: a table dropped and made again gets a new oid.
CATALOGUE = """
SELECT md5(
         coalesce(string_agg(
           concat_ws(':', c.oid, c.relname, c.relkind, a.attname, a.atttypid, a.attnotnull),
           ',' ORDER BY c.oid, a.attnum), '')
         || coalesce((SELECT string_agg(k.oid::text, ',' ORDER BY k.oid) FROM pg_constraint k
                      WHERE k.connamespace = to_regnamespace(current_schema())), '')),
       obj_description(to_regclass(%(mark)s), 'pg_class')
FROM pg_class c
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = to_regnamespace(current_schema())
"""
BIG_TABLE_BYTES = 4 * 1024 * 1024
BIG_TABLES = """
SELECT relname FROM pg_class
WHERE relnamespace = to_regnamespace(current_schema()) AND relkind = 'r'
  AND relname = ANY(%(tables)s) AND pg_total_relation_size(oid) > %(bytes)s
"""
# As TRUNCATE's RESTART IDENTITY does; a sequence never used is left alone.
RESTART_SEQUENCES = """
SELECT setval(format('%%I.%%I', schemaname, sequencename)::regclass, start_value, false)
FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL
"""
_MARK_TEXT = re.compile(r"[0-9a-f]{64} [0-9a-f]{32}")


_ddl_hashes: dict[tuple[int, str], str] = {}


def ddl_hash(metadata: MetaData, engine: Engine) -> str:
    """Return a hash of the DDL that creates `metadata`'s tables and indexes on `engine`."""
    key = (id(metadata), engine.dialect.name)
    if key not in _ddl_hashes:
        digest = hashlib.sha256()
        for table in metadata.sorted_tables:
            digest.update(str(CreateTable(table).compile(dialect=engine.dialect)).encode())
            for index in sorted(table.indexes, key=lambda index: str(index.name)):
                digest.update(str(CreateIndex(index).compile(dialect=engine.dialect)).encode())
        _ddl_hashes[key] = digest.hexdigest()
    return _ddl_hashes[key]


def _mark_table(metadata: MetaData) -> str:
    return metadata.sorted_tables[0].name


def _catalogue(connection: Connection, metadata: MetaData) -> tuple[str, str | None]:
    """Return the catalogue's fingerprint and the mark (None when there is none)."""
    row = connection.exec_driver_sql(CATALOGUE, {"mark": _mark_table(metadata)}).one()
    return row[0], row[1]


def _rebuild_postgres(connection: Connection, metadata: MetaData, ddl: str) -> None:
    """Drop every table of the current schema, create the models' tables and mark them."""
    tables = connection.exec_driver_sql(
        "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables"
        " WHERE schemaname = current_schema()"
    ).scalar()
    if tables:
        connection.exec_driver_sql(f"DROP TABLE {tables} CASCADE")
    metadata.create_all(connection, checkfirst=False)
    fingerprint, _ = _catalogue(connection, metadata)
    mark = f"{ddl} {fingerprint}"
    assert _MARK_TEXT.fullmatch(mark), mark  # hex only: safe to write as a literal
    table = connection.dialect.identifier_preparer.quote(_mark_table(metadata))
    connection.exec_driver_sql(f"COMMENT ON TABLE {table} IS '{mark}'")


def empty_postgres(engine: Engine, metadata: MetaData) -> None:
    """Leave `metadata`'s schema on `engine` with every table empty and identities at 1."""
    ddl = ddl_hash(metadata, engine)
    with engine.begin() as connection:
        fingerprint, mark = _catalogue(connection, metadata)
        if mark != f"{ddl} {fingerprint}":
            _rebuild_postgres(connection, metadata, ddl)
            return
        _empty_tables(connection, metadata)


def _empty_tables(connection: Connection, metadata: MetaData) -> None:
    """Empty every table and restart every sequence, in one transaction.

    DELETE, not TRUNCATE: on small tables TRUNCATE costs about a second for
    the whole schema (it makes new files for every table and index), DELETE a
    few milliseconds. A table grown past BIG_TABLE_BYTES is truncated, so one
    big test does not leave the next ones scanning dead rows.
    """
    quote = connection.dialect.identifier_preparer.format_table
    names = {table.name: quote(table) for table in metadata.sorted_tables}
    big = connection.exec_driver_sql(BIG_TABLES, {"tables": list(names), "bytes": BIG_TABLE_BYTES})
    big_names = [names[name] for (name,) in big]
    statements = [f"TRUNCATE {', '.join(big_names)} CASCADE"] if big_names else []
    # Names from our own models, quoted by the dialect: nothing typed by anyone.
    tables = reversed(metadata.sorted_tables)
    statements += [f"DELETE FROM {names[table.name]}" for table in tables]  # noqa: S608
    statements.append(RESTART_SEQUENCES)
    connection.exec_driver_sql("; ".join(statements))


_templates: dict[int, Path] = {}
_folder: tempfile.TemporaryDirectory | None = None


def _sqlite_template(metadata: MetaData) -> Path:
    """Return a SQLite file holding `metadata`'s empty schema, built once per process."""
    global _folder
    if id(metadata) in _templates:
        return _templates[id(metadata)]
    if _folder is None:
        _folder = tempfile.TemporaryDirectory(prefix="heard-schema-")
    path = Path(_folder.name) / f"template-{len(_templates)}.db"
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()  # closing the last connection checkpoints the write-ahead log
    if path.with_name(path.name + "-wal").exists():
        raise RuntimeError(f"the SQLite template {path} still has a write-ahead log")
    _templates[id(metadata)] = path
    return path


def copy_sqlite_template(path: Path, metadata: MetaData) -> bool:
    """Put an empty schema at `path` unless a database is there already; say whether it did."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template(metadata), path)
    return True


Snapshot = dict[str, list[dict]]


def snapshot(engine: Engine, metadata: MetaData) -> Snapshot:
    """Return every row of every table (meant for a small database)."""
    with engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in metadata.sorted_tables
        }


def restore(engine: Engine, metadata: MetaData, rows: Snapshot) -> None:
    """Leave exactly the rows of `rows` in every table, in one transaction."""
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        for table in metadata.sorted_tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])
