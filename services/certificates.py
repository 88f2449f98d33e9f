"""电子证书: the number, the PDF, the platform's signature (PAdES, pyhanko) and the check of an uploaded file.

证书编号 (14 characters), e.g. 20260310000425:

    2026 03 1 000042 5
    │    │  │ │      └ check character, ISO 7064 MOD 11-2 over the 13 digits before it (as the 18th of a 身份证号:
    │    │  │ │        0–9 or X), so a mistyped digit or two swapped neighbours are caught before the register is asked
    │    │  │ └ the application's number, 6 digits (more past 999999): one certificate per application
    │    │  └ level: 1 工程师 (中级), 2 高级工程师
    │    └ the number of the deciding committee (附件4: 01–11)
    └ year of issue

The QR code on the certificate links to its public page with the number and a random token
(Certificate.verify_token), so a link cannot be guessed from a number.

The signing identity is a private key and a self-signed X.509 certificate made once by `flask create-signing-key`
in the instance folder (SIGNING_KEY_FILE, SIGNING_CERT_FILE); the signature covers the whole file, so any change
shows as a broken signature in a PDF reader and here.
"""
import asyncio
import io
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import current_app

from models import Level
from services import documents, pdf
from services.idcard import check_char

LEVEL_CODES = {Level.MID: "1", Level.SENIOR: "2"}
NUMBER = re.compile(r"^\d{13,}[\dX]$")
SERIAL_DIGITS = 6
VALID_YEARS = 30  # of the platform's signing certificate
DOCUMENT_TITLE = "专业技术职务任职资格电子证书"
FIELD_NAME = "PlatformSignature"


class SigningKeyMissing(RuntimeError):
    """The platform's signing key or certificate is not there: no certificate may be issued unsigned."""


def number_for(year, committee_number, level, application_id):
    """The 证书编号 of an application (see the module's docstring)."""
    body = f"{year:04d}{committee_number:02d}{LEVEL_CODES[level]}{application_id:0{SERIAL_DIGITS}d}"
    return body + check_char(body)


def normalise_number(raw):
    """What a visitor typed, without spaces and with a capital X."""
    return re.sub(r"\s+", "", raw or "").upper()


def number_problem(number):
    """Why `number` cannot be a 证书编号 (format or check character), in words; None when it may be one."""
    if not NUMBER.fullmatch(number):
        return f"证书编号“{number[:40]}”格式不对：应为 14 位，前 13 位为数字，最后一位为数字或 X。"
    if check_char(number[:-1]) != number[-1]:
        return f"证书编号“{number}”的校验位不符（最后一位应按前面各位计算得出），请核对是否输错。"
    return None


def new_token():
    return secrets.token_urlsafe(16)


# ---------------------------------------------------------------- the signing identity

def key_paths(config):
    return Path(config["SIGNING_KEY_FILE"]), Path(config["SIGNING_CERT_FILE"])


def create_signing_key(key_path, cert_path, name, force=False):
    """Write a new EC P-256 private key (owner-only) and a self-signed certificate naming `name`; refuses to
    overwrite unless `force`. Returns the certificate."""
    existing = [str(p) for p in (key_path, cert_path) if p.exists()]
    if existing and not force:
        raise FileExistsError("签名密钥已存在：" + "、".join(existing) + "（重新生成会使已签发证书无法用新证书核验；确需重建请加 --force）。")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start - timedelta(days=1))
        .not_valid_after(start + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(b"")
    key_path.chmod(0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate


def _missing(config):
    key_path, cert_path = key_paths(config)
    return [str(p) for p in (key_path, cert_path) if not p.is_file()]


def signer(config):
    """The pyhanko signer of the platform; SigningKeyMissing says what to run when the key is not there."""
    from pyhanko.sign import signers

    missing = _missing(config)
    if missing:
        raise SigningKeyMissing("平台签名密钥不存在（" + "、".join(missing) + "），不能签发电子证书：请管理员在服务器上执行 "
                                "flask --app app create-signing-key 生成一次，然后重试。")
    key_path, cert_path = key_paths(config)
    loaded = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if loaded is None:
        raise SigningKeyMissing(f"平台签名密钥 {key_path} 或证书 {cert_path} 无法读取，不能签发电子证书。")
    return loaded


def platform_certificate(config):
    """The platform's signing certificate (asn1crypto), what uploaded files are checked against."""
    from pyhanko.keys import load_cert_from_pemder

    missing = _missing(config)
    if missing:
        raise SigningKeyMissing("平台签名证书不存在（" + "、".join(missing) + "），暂时无法核验签名。")
    return load_cert_from_pemder(str(key_paths(config)[1]))


# ---------------------------------------------------------------- the document

def facts(application):
    """What the certificate says of its holder and the pass (the PDF and the public page alike); no 身份证号."""
    applicant = application.applicant
    return {
        "name": applicant.real_name, "gender": applicant.gender.label if applicant.gender else "",
        "birth_date": applicant.birth_date, "qualification": application.plan.level.title_name,
        "profession": application.profession.name if application.profession_id else "",
        "committee": application.stage_organisation.committee.name, "passed_on": application.meeting_date,
    }


def context(application, number, token, issued_on):
    """The PDF template's values."""
    return {
        **facts(application), "title": DOCUMENT_TITLE, "number": number, "issued_on": issued_on,
        "photo": documents.image_uri(application.photo if application.photo_id else None),
        "qr": documents.qr_uri(verify_url(number, token)), "platform": current_app.config["PLATFORM_NAME"],
    }


def verify_url(number, token):
    return documents.public_url("certificates.verify", certificate_number=number, token=token)


def _run(coroutine):
    """Run one of pyhanko's coroutines to its end; where this thread already runs an event loop (which asyncio.run
    refuses), in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def sign(content, number, pdf_signer):
    """`content` signed by the platform (PAdES baseline B, SHA-256), the reason naming the certificate's number."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=f"{DOCUMENT_TITLE} {number}", name=current_app.config["PLATFORM_NAME"])
    return _run(signers.async_sign_pdf(writer, meta, signer=pdf_signer)).getvalue()


def signed_pdf(application, number, token, issued_on, pdf_signer):
    """The certificate of `application`: A4 from templates/documents/certificate.html, signed."""
    content = pdf.from_template("certificate.html", **context(application, number, token, issued_on))
    return sign(content, number, pdf_signer)


# ---------------------------------------------------------------- checking an uploaded file

REASON_NUMBER = re.compile(re.escape(DOCUMENT_TITLE) + r" (\d{13,}[\dX])")


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    summary: str  # in words, for the visitor
    number: str | None = None  # the certificate number the (valid) signature vouches for


def check_signature(data, trusted):
    """Is `data` a PDF signed by the platform's certificate `trusted`, unchanged since (the signature covering the
    whole file)? pyhanko's validator decides."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return SignatureCheck(False, "文件中没有数字签名：不是本平台签发的电子证书原件。")
        embedded = signatures[-1]
        status = _run(async_validate_pdf_signature(embedded, ValidationContext(trust_roots=[trusted],
                                                                               allow_fetching=False)))
    except Exception as error:  # noqa: BLE001 - whatever an altered PDF makes the parser or validator raise: invalid
        return SignatureCheck(False, f"签名无法验证（{type(error).__name__}）：文件已损坏或被改动。")
    if not (status.intact and status.valid):
        return SignatureCheck(False, "签名无效：文件在签名后被改动过。")
    if not status.trusted:
        return SignatureCheck(False, "签名不是本平台的签名证书所签：不是本平台签发的电子证书。")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(False, "签名之后文件又被追加了内容：不是签发时的原件。")
    found = REASON_NUMBER.search(str(embedded.sig_object.get("/Reason", "")))
    return SignatureCheck(True, "签名有效：文件由本平台签发，签名后未被改动。", found.group(1) if found else None)
