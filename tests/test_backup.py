"""flask backup / flask restore: a round trip keeps every row and file, a backup taken during writes is one
consistent state, and a damaged archive is refused without changing anything."""
import hashlib
import io
import json
import shutil
import stat
import tarfile
import threading
import time
from pathlib import Path

import pytest

from models import MODELS, AuditLog, db
from services import backup, storage
from tests.conftest import _is_postgres, make_applicant, make_unit
from tests.samples import jpeg, pdf, png


def rows():
    """Every row of every table, in a fixed order, and the migration history."""
    tables = {m._meta.table_name: list(m.select().order_by(*m._meta.sorted_fields).tuples()) for m in MODELS}
    return tables, migration_names()


def migration_names():
    return [name for (name,) in db.execute_sql("SELECT name FROM migratehistory ORDER BY id")]


def file_hashes(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


def kept_aside(app):
    """What restores have put beside the database and the upload folder."""
    places = {Path(app.config["UPLOAD_FOLDER"]).parent}
    if not _is_postgres():
        places.add(Path(db.obj.database).parent)
    return {path for place in places for path in place.glob("*before-restore-*")}


def wipe_database():
    """Drop every table, the migration history and the triggers' functions too, as a lost disk would."""
    if _is_postgres():
        schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
        db.execute_sql(f'DROP SCHEMA "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
        return
    db.drop_tables(MODELS)
    virtual = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    for (table,) in db.execute_sql(virtual).fetchall():  # read first: a table is not dropped under an open cursor
        db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql('DROP TABLE "migratehistory"')


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def manifest_of(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


@pytest.fixture
def uploads(app):
    return Path(app.config["UPLOAD_FOLDER"])


@pytest.fixture
def archive(app, uploads, tmp_path):
    """A backup of an applicant, a unit and several uploads (one in a sub-folder), made by the command."""
    person = make_applicant()
    make_unit()
    for data, name in ((pdf(200_000), "证书.pdf"), (jpeg(), "照片.jpg"), (png(), "签名.png")):
        storage.save(data, name, storage.ATTACHMENT, uploads, uploaded_by=person)
    (uploads / "sub").mkdir(exist_ok=True)
    (uploads / "sub" / "nested.bin").write_bytes(bytes(range(256)) * 40)
    result = cli(app, "backup", "--output", f"{tmp_path}/")
    assert result.exit_code == 0, result.output
    [made] = tmp_path.glob("zhicheng-*.tar.gz")
    return made


def test_round_trip_restores_every_row_and_every_file(app, uploads, archive):
    before, files = rows(), file_hashes(uploads)
    manifest = manifest_of(archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds password hashes and 身份证号
    assert manifest["migrations"] == migration_names() != []
    assert manifest["database"]["kind"] == ("postgresql" if _is_postgres() else "sqlite")
    listed = {m["path"]: m["sha256"] for m in manifest["members"] if m["path"].startswith("uploads/")}
    assert listed == {f"uploads/{name}": sha256 for name, sha256 in files.items()}
    assert {"sub/nested.bin"} < set(files) and len(files) >= 4

    wipe_database()
    shutil.rmtree(uploads)
    uploads.mkdir()
    (uploads / "stray").write_bytes(b"written after the backup")
    aside_before = kept_aside(app)
    result = cli(app, "restore", "--yes", str(archive))

    assert result.exit_code == 0, result.output
    assert "已恢复" in result.output
    assert rows() == before
    assert file_hashes(uploads) == files
    [stray] = [p / "stray" for p in kept_aside(app) - aside_before if (p / "stray").is_file()]
    assert stray.read_bytes() == b"written after the backup"


def test_backup_taken_while_another_thread_writes_is_one_consistent_state(app, tmp_path):
    AuditLog.insert_many([{"action": "ballast", "detail": "x" * 1_000_000}] * 20).execute()  # a copy that takes a while
    committed, stop = [], threading.Event()

    def writer():
        with db.connection_context():
            while not stop.is_set():
                with db.atomic():
                    for part in range(3):
                        AuditLog.create(action="backup.test", target=f"{len(committed)}:{part}")
                committed.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 10:
        time.sleep(0.01)
    started = len(committed)
    result = cli(app, "backup", "--output", str(tmp_path / "during.tar.gz"))
    ended = len(committed)
    stop.set()
    thread.join()
    assert result.exit_code == 0, result.output
    assert ended > started, "the writer did not commit while the backup ran"

    wipe_database()
    result = cli(app, "restore", "--yes", str(tmp_path / "during.tar.gz"))
    assert result.exit_code == 0, result.output
    if not _is_postgres():
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_backup = AuditLog.select().where(AuditLog.action == "backup.test").count()
    assert in_backup % 3 == 0, "a transaction was copied in part"
    assert started * 3 <= in_backup <= ended * 3


def _tar_info(name, data=b"", **attributes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attributes.items():
        setattr(info, key, value)
    return info


def rewrite(archive, out, change=lambda name, data: data, extra=()):
    """A copy of `archive`, each member's bytes passed through change() (None leaves it out), `extra` added first."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for info, data in extra:
            target.addfile(info, io.BytesIO(data))
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                target.addfile(_tar_info(member.name, data), io.BytesIO(data))
    return out


def first_upload(archive):
    return next(m["path"] for m in manifest_of(archive)["members"] if m["path"].startswith("uploads/"))


def database_member(archive):
    return manifest_of(archive)["members"][0]["path"]


def flip_byte(target):
    def change(name, data):
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if name == target else data
    return change


def leave_out(target):
    return lambda name, data: None if name == target else data


def unsafe_member(name, **attributes):
    """A member named `name` ({tmp}: the test's own folder) that no restore may write."""
    def damage(a, out):
        named = name.format(tmp=out.parent)
        return rewrite(a, out, extra=[(_tar_info(named, b"x", **attributes), b"x")]), f"成员“{named}”不安全"
    return damage


def without_database(a, out):
    """The database member left out, and its line struck from the manifest too."""
    name = database_member(a)

    def change(member, data):
        if member == "manifest.json":
            manifest = json.loads(data)
            manifest["members"] = [m for m in manifest["members"] if m["path"] != name]
            return json.dumps(manifest).encode()
        return leave_out(name)(member, data)
    return rewrite(a, out, change), "没有列出数据库"


def truncated(a, out):
    out.write_bytes(a.read_bytes()[:a.stat().st_size // 2])
    return out, "备份文件已损坏，无法读取"


# Each damage: (archive, output path) -> (the damaged archive, what the refusal must say).
DAMAGE = {
    "一个上传文件改了一个字节": lambda a, out: (rewrite(a, out, flip_byte(first_upload(a))),
                                     f"成员“{first_upload(a)}”与清单不符"),
    "数据库改了一个字节": lambda a, out: (rewrite(a, out, flip_byte(database_member(a))),
                                  f"成员“{database_member(a)}”与清单不符"),
    "缺少一个上传文件": lambda a, out: (rewrite(a, out, leave_out(first_upload(a))), f"缺少成员“{first_upload(a)}”"),
    "缺少数据库": lambda a, out: (rewrite(a, out, leave_out(database_member(a))), f"缺少成员“{database_member(a)}”"),
    "清单和成员都没有数据库": without_database,
    "缺少清单": lambda a, out: (rewrite(a, out, leave_out("manifest.json")), "缺少清单 manifest.json"),
    "清单不是 JSON": lambda a, out: (rewrite(a, out, lambda n, d: b"{oops" if n == "manifest.json" else d),
                                  "清单 manifest.json 无法解析"),
    "清单外的成员": lambda a, out: (rewrite(a, out, extra=[(_tar_info("uploads/extra", b"x"), b"x")]),
                              "成员“uploads/extra”不在清单中"),
    "../ 穿越": unsafe_member("../escape"),
    "绝对路径": unsafe_member("{tmp}/escape"),
    "符号链接": unsafe_member("uploads/link", type=tarfile.SYMTYPE, linkname="/etc/passwd"),
    "截断的压缩包": truncated,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_archive_is_refused_naming_the_bad_member_and_nothing_changes(app, uploads, archive, tmp_path,
                                                                              damage):
    damaged, says = DAMAGE[damage](archive, tmp_path / "damaged.tar.gz")
    AuditLog.create(action="after.backup")  # a restore would take this row away
    (uploads / "after-backup").write_bytes(b"a restore would move this aside")
    before, files, aside = rows(), file_hashes(uploads), kept_aside(app)

    result = cli(app, "restore", "--yes", str(damaged))

    assert result.exit_code == 1
    assert "已拒绝恢复，未做任何改动" in result.output and says in result.output
    assert rows() == before
    assert file_hashes(uploads) == files
    assert kept_aside(app) == aside
    assert not (uploads.parent / "escape").exists() and not (tmp_path / "escape").exists()


def test_restore_asks_first_and_a_no_changes_nothing(app, uploads, archive):
    AuditLog.create(action="after.backup")
    before, files = rows(), file_hashes(uploads)
    result = cli(app, "restore", str(archive), input="n\n")
    assert result.exit_code == 1 and "继续吗" in result.output
    assert rows() == before and file_hashes(uploads) == files


def test_a_file_removed_while_the_backup_runs_is_left_out(app, uploads, tmp_path, monkeypatch):
    """storage.discard() and the orphan clean-up remove files the copied rows never name; the backup goes on."""
    storage.save(pdf(), "证书.pdf", storage.ATTACHMENT, uploads)
    listed = backup.upload_files(uploads)
    monkeypatch.setattr(backup, "upload_files", lambda root: [*listed, root / "removed-after-listing"])
    result = cli(app, "backup", "--output", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 0, result.output
    assert [m["path"] for m in manifest_of(tmp_path / "b.tar.gz")["members"] if m["path"].startswith("uploads/")] == [
        f"uploads/{p.relative_to(uploads).as_posix()}" for p in listed]


def test_backup_refuses_to_write_into_the_upload_folder(app, uploads):
    uploads.mkdir(parents=True, exist_ok=True)
    result = cli(app, "backup", "--output", str(uploads / "b.tar.gz"))
    assert result.exit_code == 1 and "上传文件目录" in result.output
    assert not list(uploads.glob("b.tar.gz*"))


@pytest.mark.skipif("not _is_postgres()", reason="a SQLite restore replaces the file (keeping the old one beside it)")
def test_postgres_restore_refuses_a_database_that_is_not_empty(app, uploads, archive):
    before, files = rows(), file_hashes(uploads)
    result = cli(app, "restore", "--yes", str(archive))
    assert result.exit_code == 1 and "只能恢复到空库" in result.output
    assert rows() == before and file_hashes(uploads) == files


@pytest.mark.skipif("not _is_postgres()", reason="a SQLite restore replaces the file (keeping the old one beside it)")
def test_postgres_restore_refuses_a_schema_whose_tables_are_gone_but_its_functions_stay(app, uploads, archive):
    """Tables dropped by hand leave the triggers' functions (migration 020) behind: the restore names them instead of
    failing half-way in pg_restore ("function … already exists")."""
    db.drop_tables(MODELS)
    db.execute_sql('DROP TABLE "migratehistory"')
    result = cli(app, "restore", "--yes", str(archive))
    assert result.exit_code == 1 and "个函数" in result.output and "只能恢复到空库" in result.output, result.output
    wipe_database()
    assert cli(app, "restore", "--yes", str(archive)).exit_code == 0


def test_the_signing_key_and_its_certificate_travel_with_the_backup(app, uploads, tmp_path, monkeypatch):
    """Restored on a new server, the platform keeps signing and verifying certificates as itself: the archive holds the
    key and the certificate (owner-only), a restore puts them back and keeps the new server's own beside them."""
    from services.certificates import create_signing_key, key_paths

    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(tmp_path / "keys" / "signing-key.pem"))
    monkeypatch.setitem(app.config, "SIGNING_CERT_FILE", str(tmp_path / "keys" / "signing-cert.pem"))
    key, cert = key_paths(app.config)
    key.parent.mkdir()
    create_signing_key(key, cert, "测试职称平台")
    platform = key.read_bytes(), cert.read_bytes()
    made = tmp_path / "backup.tar.gz"
    result = cli(app, "backup", "--output", str(made))
    assert result.exit_code == 0 and "证书签名密钥" in result.output, result.output
    listed = {m["path"]: m["sha256"] for m in manifest_of(made)["members"]}
    assert listed["signing/signing-key.pem"] == hashlib.sha256(platform[0]).hexdigest()
    assert listed["signing/signing-cert.pem"] == hashlib.sha256(platform[1]).hexdigest()

    create_signing_key(key, cert, "新服务器", force=True)  # the new server made a key of its own
    new_server = key.read_bytes()
    wipe_database()
    result = cli(app, "restore", "--yes", str(made))
    assert result.exit_code == 0, result.output
    assert (key.read_bytes(), cert.read_bytes()) == platform and stat.S_IMODE(key.stat().st_mode) == 0o600
    [aside] = key.parent.glob("signing-key.pem.before-restore-*")
    assert aside.read_bytes() == new_server


def test_a_backup_without_a_signing_key_restores_without_touching_the_key(app, uploads, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(tmp_path / "none" / "signing-key.pem"))
    monkeypatch.setitem(app.config, "SIGNING_CERT_FILE", str(tmp_path / "none" / "signing-cert.pem"))
    made = tmp_path / "backup.tar.gz"
    assert cli(app, "backup", "--output", str(made)).exit_code == 0
    assert not any(m["path"].startswith("signing/") for m in manifest_of(made)["members"])
    wipe_database()
    assert cli(app, "restore", "--yes", str(made)).exit_code == 0
    assert not (tmp_path / "none").exists()


def test_an_archive_cut_anywhere_is_refused_as_damaged(app, uploads, archive, tmp_path):
    """Wherever the file ends early (mid-member, at a member's boundary, or with only the gzip trailer lost), the
    restore says the file is damaged rather than naming a member as missing, and changes nothing (the damage table
    above cuts at one place only)."""
    data, before, files, aside = archive.read_bytes(), rows(), file_hashes(uploads), kept_aside(app)
    for end in sorted({len(data) * k // 16 for k in range(1, 16)} | {len(data) - 8, len(data) - 1}):
        cut = tmp_path / f"cut-{end}.tar.gz"
        cut.write_bytes(data[:end])
        result = cli(app, "restore", "--yes", str(cut))
        assert result.exit_code == 1 and "备份文件已损坏，无法读取" in result.output, (end, len(data), result.output)
    assert rows() == before and file_hashes(uploads) == files and kept_aside(app) == aside
