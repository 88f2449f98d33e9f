"""Upload rules: type by content (never by name) and size, for the 授权委托证明 and for 业绩档案 attachments."""
import struct
import zlib

import pytest

from services import storage
from services.storage import ATTACHMENT, JPEG, LETTER, PDF, PNG, UploadError
from tests.samples import MB, jpeg, pdf, png, text

LETTER_CASES = [
    # (content, name, accepted type or the words of the refusal)
    (pdf(10 * MB), "授权委托证明.pdf", PDF),
    (pdf(10 * MB + 1), "授权委托证明.pdf", "大小为 10.0 MB，超过上限 10 MB"),
    (jpeg(10 * MB), "授权委托证明.jpg", JPEG),
    (jpeg(10 * MB + 1), "授权委托证明.jpg", "超过上限 10 MB"),
    (png(), "授权委托证明.pdf", "实际内容是PNG，只接受 PDF、JPEG，不超过 10 MB"),
    (png(), "授权委托证明.png", "实际内容是PNG"),
    (text(), "授权委托证明.jpg", "实际内容是无法识别的格式"),
    (text(), "授权委托证明.pdf", "实际内容是无法识别的格式"),
    (b"", "授权委托证明.pdf", "是空文件"),
]

ATTACHMENT_CASES = [
    (pdf(20 * MB), "竣工验收报告.pdf", PDF),
    (pdf(20 * MB + 1), "竣工验收报告.pdf", "大小为 20.0 MB，超过上限 20 MB"),
    (png(20 * MB), "获奖证书.png", PNG),
    (png(20 * MB + 1), "获奖证书.png", "超过上限 20 MB"),
    (jpeg(), "合同.jpg", JPEG),
    (png(), "合同.pdf", PNG),  # a PNG named .pdf is a PNG, and PNG is allowed here
    (jpeg(), "合同.png", JPEG),
    (text(), "合同.jpg", "实际内容是无法识别的格式，只接受 PDF、JPEG、PNG"),
    (b"GIF89a" + b"\0" * 100, "合同.gif", "实际内容是无法识别的格式"),
]


def _ids(cases):
    return [f"{name}-{len(content)}" for content, name, _ in cases]


@pytest.mark.parametrize("content, name, expected", LETTER_CASES, ids=_ids(LETTER_CASES))
def test_authorization_letter(content, name, expected):
    _check(content, name, LETTER, expected)


@pytest.mark.parametrize("content, name, expected", ATTACHMENT_CASES, ids=_ids(ATTACHMENT_CASES))
def test_achievement_attachment(content, name, expected):
    _check(content, name, ATTACHMENT, expected)


def _check(data, name, rule, expected):
    if expected in (PDF, JPEG, PNG):
        assert storage.check(data, name, rule) == expected
    else:
        with pytest.raises(UploadError, match=expected) as refused:
            storage.check(data, name, rule)
        assert name in str(refused.value), "the refusal names the file"


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@pytest.mark.parametrize("content, words", [
    (pdf()[:-7], "PDF 文件“x”不完整（缺少文件结束标记）"),
    (png()[:40], "图片文件已损坏或不完整"),
    (jpeg()[:200], "图片文件已损坏或不完整"),
    (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
     + _png_chunk(b"IEND", b""), "图片像素数过大"),
], ids=["pdf-without-eof", "truncated-png", "truncated-jpeg", "decompression-bomb"])
def test_a_damaged_file_with_a_right_signature_is_refused(content, words):
    with pytest.raises(UploadError, match=words):
        storage.check(content, "x", ATTACHMENT)


def test_a_stored_file_gets_a_random_name_under_the_upload_folder(tmp_path):
    root = tmp_path / "uploads"
    first = storage.save(pdf(), "../../static/张三 身份证.pdf", ATTACHMENT, root)
    second = storage.save(pdf(), "../../static/张三 身份证.pdf", ATTACHMENT, root)

    assert first.stored_name != second.stored_name
    assert len(first.stored_name) == 32 and "张三" not in first.stored_name
    assert sorted(p.name for p in root.iterdir()) == sorted([first.stored_name, second.stored_name])
    assert first.original_name == "张三 身份证.pdf", "a path in the name is dropped"
    assert (first.size, first.content_type) == (len(pdf()), PDF)


def test_a_refused_file_is_not_stored(tmp_path):
    with pytest.raises(UploadError):
        storage.save(text(), "a.pdf", ATTACHMENT, tmp_path)
    assert list(tmp_path.iterdir()) == []
