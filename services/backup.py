"""Backup and restore: one tar.gz holding the database, every upload, the platform's signing key and certificate
(when made) and a manifest of their SHA-256 hashes.

The database is copied first (SQLite's online backup API, or pg_dump's own snapshot) and the uploads after it: a
row names a file only once the file's bytes are on disk, so every file the copied rows name is in the archive.
A restore unpacks and checks the whole archive before it changes anything.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from datetime import datetime
from pathlib import Path, PurePosixPath

import peewee as pw

from services.trigram import trigram_schema

MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/app.sqlite3", "postgresql": "database/pg_dump.custom"}
UPLOADS = "uploads"
SIGNING = "signing"  # the certificates' signing key and its certificate: restored, the register keeps verifying
SIGNING_MEMBERS = (f"{SIGNING}/signing-key.pem", f"{SIGNING}/signing-cert.pem")
MIGRATION_NAMES = "SELECT name FROM migratehistory ORDER BY id"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


class BackupError(Exception):
    pass


class _Hashing:
    """A file wrapper that hashes what is read through it."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def default_name():
    return f"zhicheng-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"


def database_kind(database):
    return "sqlite" if isinstance(database, pw.SqliteDatabase) else "postgresql"


def create_backup(database, upload_root, output, signing=()):
    """Write the archive to `output` (readable by its owner only) and return its manifest; `signing` names the
    signing key and certificate files, archived when both exist."""
    output, upload_root = Path(output).absolute(), Path(upload_root).absolute()
    if output.is_relative_to(upload_root):
        raise BackupError(f"备份文件不能放在上传文件目录 {upload_root} 之内。")
    output.parent.mkdir(parents=True, exist_ok=True)
    kind = database_kind(database)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        dump = Path(work) / "database"
        if kind == "sqlite":
            schema, migrations = None, _dump_sqlite(database.database, dump)
        else:
            schema, migrations = _dump_postgres(database, dump)
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz") as tar:
            members = [_add(tar, DATABASE_MEMBERS[kind], dump)]
            if signing and all(Path(path).is_file() for path in signing):
                members += [_add(tar, name, path) for name, path in zip(SIGNING_MEMBERS, signing, strict=True)]
            for path in upload_files(upload_root):
                try:
                    members.append(_add(tar, f"{UPLOADS}/{path.relative_to(upload_root).as_posix()}", path))
                except FileNotFoundError:  # removed since listed: a rolled-back upload or an orphan, named by no row
                    continue
            manifest = {
                "created_at": datetime.now().isoformat(timespec="seconds"),
                "database": {"kind": kind, "schema": schema},
                "migrations": migrations,
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
    partial.replace(output)
    return manifest


def upload_files(upload_root):
    return sorted(p for p in upload_root.rglob("*") if p.is_file()) if upload_root.is_dir() else []


def _add(tar, name, path):
    """Add one file, hashing the very bytes that go into the archive; its manifest entry."""
    with open(path, "rb") as source:
        stat = os.fstat(source.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = stat.st_size, 0o600, int(stat.st_mtime)
        reader = _Hashing(source)
        tar.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _dump_sqlite(path, target):
    """Copy the live database with the online backup API (one step, so one consistent state); its migrations."""
    if not Path(path).is_file():
        raise BackupError(f"数据库文件 {path} 不存在。")
    with closing(sqlite3.connect(path, timeout=60)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # the archived file stands alone, without a -wal beside it
        return [name for (name,) in copy.execute(MIGRATION_NAMES)]


def _libpq(database):
    """A connection string and environment for the PostgreSQL client programs; the password goes in the env."""
    from psycopg2.extensions import make_dsn

    params = dict(database.connect_params)
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params.pop("password"))
    return make_dsn(dbname=database.database, **params), env


def _run(command, env):
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}：请安装不低于数据库服务器版本的 PostgreSQL 客户端。") from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} 失败（退出码 {error.returncode}）：{error.stderr.strip()}") from None


def _dump_postgres(database, target):
    """pg_dump of the schema the application uses (custom format); that schema and its migrations."""
    schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
    migrations = [name for (name,) in database.execute_sql(MIGRATION_NAMES)]
    dsn, env = _libpq(database)
    _run(["pg_dump", "--format=custom", f"--schema={schema}", "--no-owner", "--no-privileges",
          f"--file={target}", f"--dbname={dsn}"], env)
    return schema, migrations


def _member_path(member):
    """Where a member unpacks to, relative to the unpack folder; BackupError for anything unsafe."""
    name = PurePosixPath(member.name)
    top = name.parts[0] if name.parts else ""
    if (not member.isreg() or name.is_absolute() or ".." in name.parts or "\\" in member.name
            or not (member.name in (MANIFEST, *SIGNING_MEMBERS) or top in ("database", UPLOADS) and len(name.parts) > 1)):
        raise BackupError(f"备份中的成员“{member.name}”不安全或不属于备份（绝对路径、含 ..、链接或未知位置）。")
    return Path(*name.parts)


def unpack(archive, into):
    """Unpack a backup into the empty folder `into` and check every member against the manifest; the manifest."""
    found, manifest = {}, None
    try:
        # gzip read by GzipFile, to its end: a file cut short fails there (EOFError) wherever the cut falls; tarfile's
        # own "r|gz" takes a cut at a member's boundary for the end of the archive, and never reads gzip's trailer
        with open(archive, "rb") as raw, gzip.GzipFile(fileobj=raw) as unzipped, \
                tarfile.open(fileobj=unzipped, mode="r|") as tar:
            for member in tar:
                relative = _member_path(member)
                if member.name in found or (member.name == MANIFEST and manifest is not None):
                    raise BackupError(f"备份中的成员“{member.name}”出现了两次。")
                if member.name == MANIFEST:
                    manifest = _read_manifest(tar.extractfile(member), member.size)
                    continue
                target = Path(into) / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = _Hashing(tar.extractfile(member))
                with open(target, "xb") as out:
                    shutil.copyfileobj(reader, out)
                found[member.name] = (member.size, reader.sha256.hexdigest())
            while unzipped.read(1 << 20):  # past the tar's end, to gzip's trailer and its checksum
                pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"备份文件已损坏，无法读取（{type(error).__name__}: {error}）。") from None
    if manifest is None:
        raise BackupError(f"备份中缺少清单 {MANIFEST}。")
    for entry in manifest["members"]:
        if entry["path"] not in found:
            raise BackupError(f"备份中缺少成员“{entry['path']}”。")
        size, sha256 = found.pop(entry["path"])
        if (size, sha256) != (entry["size"], entry["sha256"]):
            raise BackupError(f"成员“{entry['path']}”与清单不符：清单 {entry['size']} 字节、SHA-256 {entry['sha256'][:12]}…，"
                              f"实际 {size} 字节、SHA-256 {sha256[:12]}…。")
    if found:
        raise BackupError(f"备份中的成员“{next(iter(found))}”不在清单中。")
    return manifest


def _read_manifest(stream, size):
    """The manifest, when it is one: a known database kind whose dump it lists, and path, size, hash per member."""
    if size > MAX_MANIFEST_BYTES:
        raise BackupError(f"清单 {MANIFEST} 过大（{size} 字节）。")
    try:
        manifest = json.loads(stream.read())
        listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["members"]}
        valid = DATABASE_MEMBERS.get(manifest["database"]["kind"]) in listed
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"清单 {MANIFEST} 无法解析（{type(error).__name__}: {error}）。") from None
    if not valid:
        raise BackupError(f"清单 {MANIFEST} 没有列出数据库（{manifest['database']['kind']}）。")
    return manifest


def restore_backup(database, upload_root, archive, signing=()):
    """Replace the database and the upload folder with the archive's, once the whole archive checks; its manifest.
    The archive's signing key and certificate, if it has them, go to the files `signing` names.

    What was there before is kept beside it (`….before-restore-<time>`), never deleted.
    """
    upload_root = Path(upload_root).absolute()
    upload_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=upload_root.parent, prefix=".restore-") as work:
        work = Path(work)
        manifest = unpack(archive, work)
        kind = manifest["database"]["kind"]
        if kind != database_kind(database):
            raise BackupError(f"备份的数据库是 {kind}，当前配置的是 {database_kind(database)}，不能直接恢复。")
        if os.path.ismount(upload_root):  # the folder is swapped by renaming, which a mount point refuses
            raise BackupError(f"上传文件目录 {upload_root} 是挂载点，无法整体替换；请把 UPLOAD_FOLDER 设为挂载点下的子目录。")
        stamp = f"before-restore-{datetime.now():%Y%m%d-%H%M%S-%f}"  # two restores in one second keep both
        if kind == "sqlite":
            _restore_sqlite(database.database, work / DATABASE_MEMBERS[kind], stamp)
        else:
            _restore_postgres(database, work / DATABASE_MEMBERS[kind], manifest["database"]["schema"])
        _replace_uploads(work / UPLOADS, upload_root, stamp)
        if signing and all((work / name).is_file() for name in SIGNING_MEMBERS):
            for name, path in zip(SIGNING_MEMBERS, signing, strict=True):
                _replace_file(work / name, Path(path), stamp)
    return manifest


def _replace_file(restored, path, stamp):
    """Put one restored file in place (owner-only), the one it replaces kept beside it when it differs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file():
        if path.read_bytes() == restored.read_bytes():
            return
        path.rename(path.with_name(f"{path.name}.{stamp}"))
    os.chmod(restored, 0o600)
    shutil.move(restored, path)


def upload_count(manifest):
    return sum(1 for member in manifest["members"] if member["path"].startswith(f"{UPLOADS}/"))


def _restore_sqlite(path, restored, stamp):
    """Copy the restored file into the live database through SQLite itself (locks, WAL), keeping the old one."""
    with closing(sqlite3.connect(restored)) as source:
        result = source.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"备份中的数据库未通过完整性检查：{result}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if Path(path).is_file():
            with closing(sqlite3.connect(path, timeout=60)) as live, \
                    closing(sqlite3.connect(f"{path}.{stamp}")) as kept:
                live.backup(kept)
        with closing(sqlite3.connect(path, timeout=60)) as live:
            source.backup(live)


def _restore_postgres(database, dump, schema):
    """pg_restore into the configured database, whose schema must exist and be empty; all or nothing."""
    current = database.execute_sql("SELECT current_schema()").fetchone()[0]
    if current != schema:
        raise BackupError(f"备份的数据在模式 {schema} 中，目标数据库的当前模式是 {current or '（不存在）'}；"
                          f"请先建立空模式 {schema} 并让连接使用它。")
    tables = database.get_tables(schema=schema)
    if tables:
        raise BackupError(f"目标数据库的模式 {schema} 中已有 {len(tables)} 张表（如 {tables[0]}）；只能恢复到空库。")
    functions = [name for (name,) in database.execute_sql(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1", (schema,))]
    if functions:
        raise BackupError(f"目标数据库的模式 {schema} 中已有 {len(functions)} 个函数（如 {functions[0]}）；只能恢复到空库。")
    trigram_schema(database)  # the search's indexes use pg_trgm, an extension of the database, not of the schema
    dsn, env = _libpq(database)
    listing = _run(["pg_restore", "--list", str(dump)], env).stdout
    # The schema exists already (checked above), so its CREATE SCHEMA entry (and COMMENT, for public) is left out.
    entries = [line for line in listing.splitlines() if " SCHEMA - " not in line and " COMMENT - SCHEMA " not in line]
    use_list = dump.with_name("pg_restore.list")
    use_list.write_text("\n".join(entries) + "\n")
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--use-list={use_list}", f"--dbname={dsn}", str(dump)], env)


def _replace_uploads(restored, upload_root, stamp):
    restored.mkdir(exist_ok=True)
    if upload_root.is_dir():
        upload_root.rename(upload_root.with_name(f"{upload_root.name}.{stamp}"))
    restored.rename(upload_root)
