"""Stored files in S3-compatible object storage (STORAGE_URL) behave as in the upload folder: the same operations on
both stores, uploads served through the same checks, anonymous temporaries swept, check-files on the bucket.
moto's in-process mock stands in for the storage here; tests/test_two_hosts.py uses its real server."""
import time

import pytest

from models import StoredFile
from services import filestore, storage
from tests.conftest import ID_FEMALE, login, make_applicant
from tests.helpers import field_errors, parse
from tests.samples import MB, jpeg, pdf, register_unit, staff_of, unit_form, upload

mock_aws = pytest.importorskip("moto", reason="moto 未安装（requirements-dev.txt）").mock_aws
BUCKET = "zhicheng"
URL = f"s3://{BUCKET}/files?region=us-east-1"


@pytest.fixture
def bucket(monkeypatch):
    """An empty mocked bucket; a client cached by an earlier test would talk past the mock, so the cache is emptied."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        filestore._client.cache_clear()
        s3 = filestore._client(None, "us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        yield s3
    filestore._client.cache_clear()


@pytest.fixture
def on_bucket(app, bucket, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_URL", URL)
    return bucket


def keys(s3, prefix="files/"):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", ()))


@pytest.fixture(params=["folder", "bucket"])
def store(request, tmp_path):
    if request.param == "folder":
        return filestore.open_store(tmp_path / "files")
    request.getfixturevalue("bucket")
    return filestore.open_store(URL)


def test_both_stores_put_get_list_and_delete_alike(store):
    assert store.listing() == [] and store.get("a" * 32) is None and not store.exists("a" * 32)
    store.put("a" * 32, b"%PDF-1.4 one")
    store.put("b" * 32, b"two")

    assert store.get("a" * 32) == b"%PDF-1.4 one" and store.exists("b" * 32)
    listed = sorted(store.listing(), key=lambda entry: entry.name)
    assert [(entry.name, entry.size) for entry in listed] == [("a" * 32, 12), ("b" * 32, 3)]
    assert all(abs(entry.modified - time.time()) < 60 for entry in listed)
    store.delete("a" * 32)
    store.delete("a" * 32)  # deleting what is gone is no error (a rollback after a failed write)
    assert [entry.name for entry in store.listing()] == ["b" * 32]


def test_the_bucket_listing_leaves_out_the_temporaries_prefix(bucket):
    filestore.open_store(URL).put("c" * 32, b"stored")
    filestore.open_store(filestore.under(URL, "upload-tmp")).put("d" * 32, b"held")
    assert [entry.name for entry in filestore.open_store(URL).listing()] == ["c" * 32]
    assert keys(bucket) == ["files/" + "c" * 32, "files/upload-tmp/" + "d" * 32]
    assert filestore.under(URL, "upload-tmp") == f"s3://{BUCKET}/files/upload-tmp/?region=us-east-1"


@pytest.mark.parametrize("url, bucket_name, prefix", [
    ("s3://zhicheng/files?endpoint=http://127.0.0.1:9000&region=cn-east-1", "zhicheng", "files/"),
    ("s3://zhicheng/a/b/", "zhicheng", "a/b/"),
    ("s3://zhicheng", "zhicheng", ""),
])
def test_a_storage_url_names_the_bucket_and_prefix(url, bucket_name, prefix):
    found = filestore.open_store(url)
    assert (found.bucket, found.prefix) == (bucket_name, prefix)


def test_an_upload_goes_to_the_bucket_and_is_served_from_it_to_its_owner_only(app, on_bucket):
    person = staff_of(register_unit(app)[0])
    other = make_applicant(mobile="13900000002", id_number=ID_FEMALE, name="李四")
    client = app.test_client()
    login(client, person)
    response = client.post("/me/achievements/new?kind=project", content_type="multipart/form-data", data={
        "title": "越城区某住宅小区工程", "role_in": "项目技术负责人", "started_on": "2016-03-01", "ended_on": "2018-06-30",
        "scale": "5.2 万平方米", "description": "负责施工组织设计。", "files": [upload(jpeg(), "现场照片.jpg")]})
    assert response.status_code == 302
    stored = StoredFile.get(StoredFile.original_name == "现场照片.jpg")
    assert f"files/{stored.stored_name}" in keys(on_bucket)

    served = client.get(f"/files/{stored.id}/download")
    assert served.status_code == 200 and served.data == jpeg()
    assert served.content_length == len(jpeg()) and served.mimetype == "image/jpeg"
    stranger = app.test_client()
    login(stranger, other)
    assert stranger.get(f"/files/{stored.id}/download").status_code == 404

    on_bucket.delete_object(Bucket=BUCKET, Key=f"files/{stored.stored_name}")
    assert client.get(f"/files/{stored.id}/download").status_code == 404, "bytes gone from the bucket: 404, not 500"


def test_an_anonymous_letter_waits_in_the_bucket_and_is_stored_when_the_registration_succeeds(app, on_bucket,
                                                                                              monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_TEMP_MAX_BYTES", 25 * MB)
    client = app.test_client()
    tokens = []
    for n in range(3):
        page = parse(client.post("/unit/register", content_type="multipart/form-data", data=unit_form(
            letter=upload(pdf(10 * MB), f"授权委托证明{n}.pdf"), password2="Different1")))
        assert field_errors(page, "password2") == ["两次输入的密码不一致。"]
        tokens.append(page.find("input", name="letter_token").attrs.get("value"))
    assert len(keys(on_bucket, "files/upload-tmp/")) == 2, "the oldest was swept to stay under the cap"

    response = client.post("/unit/register", data=unit_form(letter_token=tokens[-1]), content_type="multipart/form-data")
    assert response.status_code == 302
    letter = StoredFile.get(StoredFile.original_name == "授权委托证明2.pdf")
    assert keys(on_bucket) == sorted([f"files/{letter.stored_name}", *keys(on_bucket, "files/upload-tmp/")])
    assert len(keys(on_bucket, "files/upload-tmp/")) == 1, "the temporary of the registration that succeeded is gone"


def test_check_files_compares_the_bucket_with_the_rows(app, on_bucket, monkeypatch):
    with app.test_request_context():
        kept = storage.save(pdf(), "保留.pdf", storage.ATTACHMENT, URL)
        gone = storage.save(jpeg(), "丢失.jpg", storage.ATTACHMENT, URL)
    on_bucket.delete_object(Bucket=BUCKET, Key=f"files/{gone.stored_name}")
    filestore.open_store(URL).put("0" * 32, b"x" * 2048)
    listing = filestore.Bucket.listing  # an object's LastModified cannot be set: the orphan is made an hour old
    monkeypatch.setattr(filestore.Bucket, "listing", lambda self: [
        entry if entry.name != "0" * 32 else filestore.Entry(entry.name, entry.size, time.time() - 3601)
        for entry in listing(self)])

    result = app.test_cli_runner().invoke(args=["check-files", "--fix"])

    assert "孤立文件（目录中有、数据库无记录，且已超过 60 分钟）：1 个，共 0.0 MB，已删除 1 个。" in result.output
    assert f"#{gone.id} 丢失.jpg" in result.output and result.exit_code == 1
    assert keys(on_bucket) == [f"files/{kept.stored_name}"]


def test_backup_and_restore_refuse_with_object_storage(app, on_bucket, tmp_path):
    for args in (["backup", "--output", str(tmp_path / "b.tar.gz")], ["restore", "--yes", __file__]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 1 and "设置了 STORAGE_URL（对象存储）时不能用" in result.output
    assert not (tmp_path / "b.tar.gz").exists()
