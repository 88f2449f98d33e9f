"""The database connection as every request gets it (app.open_database)."""
import threading

from app import open_database


def test_a_sqlite_connection_is_kept_for_the_next_request_and_any_thread_may_take_it(tmp_path):
    # a new connection parses the whole schema before its first statement (1.4 ms a request); a pooled one is handed
    # to whichever thread of the process asks next, as gunicorn's threads and the worker's do
    database = open_database(f"sqlite:///{tmp_path}/pooled.db")
    database.connect()
    database.execute_sql("CREATE TABLE t (n INTEGER)")
    first = database.connection()
    database.close()
    seen, failed = [], []

    def request():
        try:
            database.connect()
            seen.append(database.connection())
            database.execute_sql("INSERT INTO t (n) VALUES (1)")
            database.close()
        except Exception as error:  # noqa: BLE001 - the failure is the finding
            failed.append(error)

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    assert failed == []
    assert seen == [first]
    database.connect()
    assert database.execute_sql("SELECT COUNT(*) FROM t").fetchone() == (1,)
    assert database.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    assert database.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
    database.close()
    database.close_all()
