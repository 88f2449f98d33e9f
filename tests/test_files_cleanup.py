"""Bytes never outlive their transaction, and `flask check-files` finds (and with --fix removes) what did."""
import os
import time

import pytest
from peewee import OperationalError

from models import StoredFile
from services import storage
from services.txn import atomic
from tests.conftest import login
from tests.samples import jpeg, pdf, register_unit, staff_of, upload


class Rollback(Exception):
    pass


def names(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def test_bytes_stored_in_a_transaction_that_rolls_back_are_removed(tmp_path):
    with pytest.raises(Rollback), atomic():
        storage.save(pdf(), "a.pdf", storage.ATTACHMENT, tmp_path)
        storage.save(jpeg(), "b.jpg", storage.ATTACHMENT, tmp_path)
        raise Rollback
    assert names(tmp_path) == [] and StoredFile.select().count() == 0


def test_a_rolled_back_savepoint_removes_only_its_own_bytes(tmp_path):
    with atomic():
        kept = storage.save(pdf(), "kept.pdf", storage.ATTACHMENT, tmp_path)
        with pytest.raises(Rollback), atomic():
            storage.save(pdf(), "dropped.pdf", storage.ATTACHMENT, tmp_path)
            raise Rollback
        released = storage.save(jpeg(), "released.jpg", storage.ATTACHMENT, tmp_path)
    assert names(tmp_path) == sorted([kept.stored_name, released.stored_name])
    assert [f.original_name for f in StoredFile.select().order_by(StoredFile.id)] == ["kept.pdf", "released.jpg"]


def test_bytes_of_a_committed_transaction_stay_when_a_later_one_rolls_back(tmp_path):
    first = storage.save(pdf(), "first.pdf", storage.ATTACHMENT, tmp_path)
    with pytest.raises(Rollback), atomic():
        storage.save(pdf(), "second.pdf", storage.ATTACHMENT, tmp_path)
        raise Rollback
    assert names(tmp_path) == [first.stored_name]


def test_an_achievement_edit_that_fails_unexpectedly_leaves_no_file(app, monkeypatch):
    """The issue's 11 orphans (55 MB): files taken, then the save failed with an error the view did not expect."""
    person = staff_of(register_unit(app)[0])
    client = app.test_client()
    login(client, person)
    folder = app.config["UPLOAD_FOLDER"]
    before = set(os.listdir(folder))

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("blueprints.applicant.save_achievement", locked)
    response = client.post("/me/achievements/new?kind=project", content_type="multipart/form-data", data={
        "title": "越城区某住宅小区工程", "role_in": "项目技术负责人", "started_on": "2016-03-01", "ended_on": "2018-06-30",
        "scale": "5.2 万平方米", "description": "负责施工组织设计。", "files": [upload(pdf(), "合同.pdf")]})

    assert response.status_code == 503 and "系统繁忙，请稍后重试" in response.get_data(as_text=True)
    assert set(os.listdir(folder)) == before
    assert not StoredFile.select().where(StoredFile.uploaded_by == person).exists()


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    """An upload folder of this test's own, holding two stored files, one orphan an hour old and one just written."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    kept = storage.save(pdf(), "保留.pdf", storage.ATTACHMENT, tmp_path)
    gone = storage.save(jpeg(), "丢失.jpg", storage.ATTACHMENT, tmp_path)
    (tmp_path / gone.stored_name).unlink()
    old, young = tmp_path / ("0" * 32), tmp_path / ("f" * 32)
    old.write_bytes(b"x" * 2048)
    young.write_bytes(b"y")
    an_hour_ago = time.time() - 3601
    os.utime(old, (an_hour_ago, an_hour_ago))
    return tmp_path, kept, gone, old, young


def test_check_files_reports_orphans_and_missing_files_and_changes_nothing(app, folder):
    root, kept, gone, old, young = folder
    result = app.test_cli_runner().invoke(args=["check-files"])

    assert result.exit_code == 1
    assert "孤立文件（目录中有、数据库无记录，且已超过 60 分钟）：1 个，共 0.0 MB。" in result.output
    assert f"  {old.name}\n" in result.output and young.name not in result.output, "a file in flight is not an orphan"
    assert "缺失文件（数据库有记录、目录中没有）：1 个。" in result.output
    assert f"#{gone.id} 丢失.jpg" in result.output and "保留.pdf" not in result.output
    assert names(root) == sorted([kept.stored_name, old.name, young.name])


def test_check_files_fix_removes_the_orphans_and_never_a_row(app, folder):
    root, kept, gone, old, young = folder
    fixed = app.test_cli_runner().invoke(args=["check-files", "--fix"])

    assert "：1 个，共 0.0 MB，已删除 1 个。" in fixed.output
    assert names(root) == sorted([kept.stored_name, young.name])
    assert StoredFile.select().count() == 2, "the missing file's row stays, for the record"
    again = app.test_cli_runner().invoke(args=["check-files"])
    assert "孤立文件（目录中有、数据库无记录，且已超过 60 分钟）：0 个" in again.output
    assert again.exit_code == 1, "a missing file is still reported"


def test_check_files_on_a_clean_folder_exits_0(app, folder):
    root, kept, gone, old, young = folder
    old.unlink()
    (root / gone.stored_name).write_bytes(jpeg())
    result = app.test_cli_runner().invoke(args=["check-files"])
    assert result.exit_code == 0, result.output
    assert "：0 个，共 0.0 MB。" in result.output and "缺失文件（数据库有记录、目录中没有）：0 个。" in result.output
