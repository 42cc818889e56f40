"""``wuyebot db backup FILE``: a consistent copy of the database while the service runs.

- **SQLite**: SQLite's online backup API (``sqlite3.Connection.backup``) in one step: it reads
  the database inside one read transaction, which in WAL mode does not stop ``wuyebot serve``
  from writing, so the copy is one consistent moment. (Copied a few pages at a time instead, the
  backup starts over whenever the service writes, and on a busy database never ends.) It is
  written beside FILE first and renamed into place, so FILE is never a half copy. It opens with
  ``WUYEBOT_DATABASE_URL=sqlite+aiosqlite:///FILE``.
- **PostgreSQL**: ``pg_dump --format=custom`` (a consistent snapshot without locking writers),
  restored with ``pg_restore`` into an empty database (docs/deploy.md). ``pg_dump`` must be on the
  PATH, of the server's major version or newer.

Why not copy the file: a copy of a SQLite file being written (and of its ``-wal``) can be torn.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage.db import is_sqlite


class BackupError(Exception):
    """Why no backup was written (a Chinese sentence for the operator)."""


def backup(database_url: str, target: Path) -> str:
    """Write a backup of ``database_url`` to ``target``; a line saying what was written."""
    target = target.expanduser()
    if target.is_dir():
        raise BackupError(f"{target} 是一个文件夹：请给出备份文件的路径")
    if not target.parent.is_dir():
        raise BackupError(f"文件夹 {target.parent} 不存在")
    if is_sqlite(database_url):
        return _sqlite(database_url, target)
    return _postgres(database_url, target)


def _sqlite(database_url: str, target: Path) -> str:
    source = make_url(database_url).database
    if not source or source == ":memory:":
        raise BackupError("内存数据库无法备份")
    if not Path(source).is_file():
        raise BackupError(f"数据库文件 {source} 不存在")
    if Path(source).resolve() == target.resolve():
        raise BackupError("备份文件不能是数据库文件本身")
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as database, \
                contextlib.closing(sqlite3.connect(partial)) as copy:
            database.backup(copy)  # all pages in one step (see above)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份校验未通过：{check}")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite 备份失败：{error}") from None
    finally:
        Path(partial).unlink(missing_ok=True)
    return f"SQLite backup written to {target} ({target.stat().st_size} bytes)"


def _postgres(database_url: str, target: Path) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("找不到 pg_dump：请安装 PostgreSQL 客户端（与服务器同一大版本或更新），见 docs/deploy.md")
    url = make_url(database_url)
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = url.password  # not on the command line, where ps would show it
    arguments = [pg_dump, "--format=custom", "--no-owner", f"--file={target}", "--dbname",
                 url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)]
    result = subprocess.run(arguments, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump 失败（退出码 {result.returncode}）：{result.stderr.strip()[:500]}")
    return f"PostgreSQL backup (pg_dump custom format) written to {target} ({target.stat().st_size} bytes)"
