# Rule tests for heard-sql-built-from-strings (run: `make lint`, or `cd .semgrep && semgrep --test .`).
# ruff: noqa  (a fixture of deliberately unsafe code; not imported, not run)
import sqlite3

from sqlalchemy import select, text


def queries(session, connection, op, table, study_id, Response):
    # ruleid: heard-sql-built-from-strings
    session.execute(text(f"SELECT * FROM {table}"))
    # ruleid: heard-sql-built-from-strings
    session.execute(text("SELECT * FROM response WHERE study_id = %s" % study_id))
    # ruleid: heard-sql-built-from-strings
    connection.exec_driver_sql("DELETE FROM {}".format(table))
    # ruleid: heard-sql-built-from-strings
    op.execute("DROP TABLE " + table)
    sql = f"SELECT count(*) FROM {table}"
    # ruleid: heard-sql-built-from-strings
    sqlite3.connect(":memory:").execute(sql)

    # ok: heard-sql-built-from-strings
    session.execute(text("SELECT * FROM response WHERE study_id = :id"), {"id": study_id})
    # ok: heard-sql-built-from-strings
    session.execute(select(Response).where(Response.label == f"study-{study_id}"))
    # ok: heard-sql-built-from-strings
    connection.exec_driver_sql("PRAGMA quick_check")
    # ok: heard-sql-built-from-strings
    print(f"SELECT * FROM {table}")
