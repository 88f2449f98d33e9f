"""create_app(): configuration, extensions, blueprints and CLI commands."""
import os
from pathlib import Path

import click
from flask import Flask, Request, abort, render_template, request, send_from_directory
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from peewee import JOIN, OperationalError
from playhouse.db_url import connect
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from models import Organisation, User, db
from services import assets
from services.values import MAX_INT, clean_text

ROOT = Path(__file__).resolve().parent
MIGRATIONS_DIR = ROOT / "migrations"
HTMX_DIST = ROOT / "node_modules" / "htmx.org" / "dist"

login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address)
SECRET_KEY_MIN_BYTES = 32
# Only the app's own scripts and styles (no inline script, no eval); framed only by its own pages (file previews).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PUBLIC_ASSETS = {"static", "htmx_js"}


def _secret_key():
    """SECRET_KEY or the file SECRET_KEY_FILE names; never a built-in default."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = os.environ.get("SECRET_KEY_FILE")
    if path and Path(path).is_file():
        return Path(path).read_text().strip()
    return None


SQLITE_BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for the one before it; gunicorn gives a request 30 s


def sqlite_pragmas(busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS):
    return {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": busy_timeout_ms}


def _env_flag(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


class CleanedValues(ImmutableMultiDict):
    """Query and form values without control characters (files pass unchanged)."""

    def __init__(self, mapping=None):
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else ()
        super().__init__([(key, clean_text(value)) for key, value in pairs])


class CleanedRequest(Request):
    """No NUL (which PostgreSQL refuses in text) or vertical tab pasted from Word reaches a view, a form or the database."""

    parameter_storage_class = CleanedValues


class IdConverter(IntegerConverter):
    """<int:…> in URLs: a number past what an INTEGER column holds matches no route (404), not a database error."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(url_map, fixed_digits, min, MAX_INT if max is None else max, signed)


PG_POOL_SIZE = int(os.environ.get("PG_POOL_SIZE") or 20)  # per process; gunicorn's threads share it
PG_POOL_WAIT = 10  # seconds a request waits for a pooled connection when all are in use


def open_database(url):
    """SQLite (default: WAL, foreign keys on) or PostgreSQL, both pooled, chosen by the URL's scheme.

    On SQLite every transaction begins IMMEDIATE: it takes the write lock up front, waiting its turn, instead of
    reading first and then failing with "database is locked" when another writer got there in between.
    """
    scheme, rest = url.split("://", 1)
    if scheme.startswith("sqlite"):
        # pooled too, a connection kept for the next request of the process: a new one reads and parses the whole
        # schema (64 tables, 161 indexes, the search triggers) before its first statement, 1.4 ms on every request.
        # A thread returns it before another takes it; no bound, as SQLite has no server to run out of connections
        return connect(f"sqlite+pool://{rest}", pragmas=sqlite_pragmas(), lock_type="IMMEDIATE",
                       check_same_thread=False, max_connections=None, stale_timeout=300)
    if not scheme.endswith("+pool"):  # PostgreSQL: pooled connections (each request would otherwise open its own)
        scheme += "+pool"
    return connect(f"{scheme}://{rest}", max_connections=PG_POOL_SIZE, stale_timeout=300, timeout=PG_POOL_WAIT)


def migration_router(database):
    from peewee_migrate import Router

    return Router(database, migrate_dir=str(MIGRATIONS_DIR), ignore=["basemodel"])


def create_app(overrides=None):
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CleanedRequest
    app.url_map.converters["int"] = IdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=_secret_key(),
        DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{app.instance_path}/app.db"),
        UPLOAD_FOLDER=os.environ.get("UPLOAD_FOLDER", str(Path(app.instance_path) / "uploads")),
        SMS_GATEWAY=os.environ.get("SMS_GATEWAY", "services.sms:LogFileGateway"),
        SMS_LOG=os.environ.get("SMS_LOG", str(Path(app.instance_path) / "sms.log")),
        MAX_CONTENT_LENGTH=100 * 1024 * 1024,  # a form may carry several files of up to 20 MB each
        UPLOAD_TEMP_MAX_BYTES=64 * 1024 * 1024,  # all anonymous uploads held for forms that came back with errors
        UPLOAD_TEMP_MAX_AGE=3600,  # seconds such an upload is held
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_env_flag("SESSION_COOKIE_SECURE"),
        PREFERRED_URL_SCHEME="https" if _env_flag("SESSION_COOKIE_SECURE") else "http",
        TRUSTED_PROXIES=int(os.environ.get("TRUSTED_PROXIES") or 0),
        STORAGE_URL=os.environ.get("STORAGE_URL", ""),  # s3://bucket/prefix?endpoint=…: files in object storage
        RATELIMIT_STORAGE_URI=os.environ.get("REDIS_URL") or "memory://",
        WTF_CSRF_TIME_LIMIT=None,
        PLATFORM_NAME="职称申报与评审管理服务平台",
        DOCUMENT_WATERMARK=os.environ.get("DOCUMENT_WATERMARK", ""),  # empty: the platform's name
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL", ""),  # for links printed on documents; empty: this request's
        # the platform's key and self-signed certificate that sign the 电子证书 (flask create-signing-key)
        SIGNING_KEY_FILE=os.environ.get("SIGNING_KEY_FILE", str(Path(app.instance_path) / "signing-key.pem")),
        SIGNING_CERT_FILE=os.environ.get("SIGNING_CERT_FILE", str(Path(app.instance_path) / "signing-cert.pem")),
        SIGNING_NAME=os.environ.get("SIGNING_NAME", ""),  # the name in that certificate; empty: the platform's
    )
    app.config.update(overrides or {})
    app.config.setdefault("UPLOAD_TEMP_FOLDER", os.environ.get("UPLOAD_TEMP_FOLDER")
                          or str(Path(app.config["UPLOAD_FOLDER"]).parent / "upload-tmp"))
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("未设置 SECRET_KEY：请设置环境变量 SECRET_KEY 或 SECRET_KEY_FILE（生产环境不提供默认值）。")
    if len(app.config["SECRET_KEY"].encode()) < SECRET_KEY_MIN_BYTES:
        raise RuntimeError(f"SECRET_KEY 太短：至少 {SECRET_KEY_MIN_BYTES} 字节，当前 {len(app.config['SECRET_KEY'].encode())} 字节"
                           "（可用 python3 -c 'import secrets; print(secrets.token_hex(32))' 生成）。")
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    from blueprints import register_blueprints

    register_blueprints(app)
    _register_error_pages(app)
    _register_commands(app)

    @app.route("/vendor/htmx.min.js")
    def htmx_js():
        if not (HTMX_DIST / "htmx.min.js").is_file():
            abort(404)
        return send_from_directory(HTMX_DIST, "htmx.min.js")

    assets.init_app(app, {"static": app.static_folder}, {"htmx_js": HTMX_DIST / "htmx.min.js"})

    @app.after_request
    def _headers(response):
        response.vary.add("HX-Request")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint not in PUBLIC_ASSETS and current_user.is_authenticated:
            response.cache_control.no_store = True  # what a signed-in person sees is theirs alone
        return response

    return app


@login_manager.user_loader
def _load_user(session_token):
    # with the organisation, which every page's header names
    return (User.select(User, Organisation).join(Organisation, JOIN.LEFT_OUTER, on=User.organisation)
            .where(User.session_token == session_token).first())


def _register_error_pages(app):
    messages = {
        400: "请求有误。",
        403: "您无权访问该页面或该记录。",
        404: "页面或记录不存在。",
        413: "上传的文件过大。",
        429: "失败次数过多，请稍后再试。",
        500: "系统内部错误，已记录，请稍后重试。",
    }
    for code, message in messages.items():
        def handler(error, code=code, message=message):
            limit = getattr(error, "limit", None)  # a rate limit that names its own rule says it instead
            shown = limit.error_message if code == 429 and limit is not None and limit.error_message else message
            return render_template("error.html", code=code, message=shown), code
        app.register_error_handler(code, handler)

    @app.errorhandler(OperationalError)
    def _busy(error):
        """The database stayed locked past the busy timeout: ask to retry (the form is still in the browser)."""
        if "locked" not in str(error):
            raise error
        return render_template("error.html", code=503, message="系统繁忙，请稍后重试。您填写的内容未丢失："
                               "请返回上一页，稍等片刻后再次提交。"), 503, {"Retry-After": "5"}

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("error.html", code=400, message="页面已过期或来源无效（CSRF 校验失败），请刷新页面后重试。"), 400


def _refuse_with_object_storage(app, command):
    """backup/restore archive the upload folder; files in object storage are kept by the storage's own means."""
    if app.config["STORAGE_URL"]:
        raise click.ClickException(
            f"设置了 STORAGE_URL（对象存储）时不能用 {command}：它只备份 / 恢复本机的上传文件目录。请用 PostgreSQL 的备份"
            "（pg_dump、流复制副本）和对象存储自身的版本控制或跨地域复制，见 README“多台服务器”。")
def _seed_demo_certificate(app):
    """The demo 电子证书 (李证书's, issued by pwh_yuecheng), its QR code on PUBLIC_BASE_URL or `make run`'s address."""
    from services import storage
    from services.demo import DEMO_CERTIFIED_NAME, seed_demo_pass
    from workflow import WorkflowError, issue_certificate

    office = User.get(User.username == "pwh_yuecheng")
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"] or "http://127.0.0.1:5000"):
        try:
            certificate = issue_certificate(seed_demo_pass(storage.location(app.config)), office)
        except WorkflowError as error:
            click.echo(f"未签发演示电子证书：{error}")
            return
    click.echo(f"演示电子证书：编号 {certificate.number}，姓名 {DEMO_CERTIFIED_NAME}")


def _register_commands(app):
    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Apply all pending migrations."""
        router = migration_router(db.obj)
        router.run()
        click.echo(f"数据库已迁移到最新版本（{len(router.done)} 个迁移）。")

    @app.cli.command("init-db")
    def init_db():
        """Create the database schema (same as db-upgrade)."""
        migration_router(db.obj).run()
        click.echo("数据库已初始化。")

    @app.cli.command("db-makemigration")
    @click.argument("name")
    def db_makemigration(name):
        """Write a migration for the difference between the models and the migrations (developers)."""
        import models

        migration_router(db.obj).create(name, auto=models)

    @app.cli.command("seed-reference")
    def seed_reference_cmd():
        """Load regions, committees, professions, bureaus and plans (idempotent)."""
        from services.reference import seed_reference

        counts = seed_reference()
        click.echo("参考数据已载入：" + "，".join(f"{k} {v}" for k, v in counts.items()))

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
    def seed_demo_cmd(if_empty):
        """Create the demo accounts, one per role (password in README)."""
        from services.demo import seed_demo

        if if_empty and User.select().exists():
            click.echo("数据库已有用户，未载入演示数据。")
            return
        for user in seed_demo():
            click.echo(f"演示账号 {user.username}（{user.role.label}）")
        _seed_demo_certificate(app)

    @app.cli.command("create-admin")
    @click.option("--username", prompt="管理员登录名")
    @click.option("--name", prompt="姓名")
    @click.password_option(prompt="密码", confirmation_prompt="再次输入密码")
    def create_admin(username, name, password):
        """Create an administrator; the password is typed, never a default."""
        from models import Role
        from services.accounts import AccountError, create_account

        try:
            create_account(None, username=username, real_name=name, password=password, role=Role.ADMIN)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"管理员 {username} 已创建。")

    @app.cli.command("create-signing-key")
    @click.option("--force", is_flag=True, help="Replace an existing key (certificates signed before stay checkable "
                                                 "only against the old certificate).")
    def create_signing_key_cmd(force):
        """Create once the platform's private key and self-signed certificate that sign the 电子证书."""
        from services.certificates import create_signing_key, key_paths

        key_path, cert_path = key_paths(app.config)
        name = app.config["SIGNING_NAME"] or app.config["PLATFORM_NAME"]
        try:
            certificate = create_signing_key(key_path, cert_path, name, force=force)
        except FileExistsError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"签名密钥已写入 {key_path}（仅属主可读），证书 {cert_path}：“{name}”，"
                   f"有效期至 {certificate.not_valid_after_utc:%Y-%m-%d}。请与数据库一同备份密钥文件。")

    @app.cli.command("check-files")
    @click.option("--fix", is_flag=True, help="Remove the orphan files (the database is never changed).")
    def check_files_cmd(fix):
        """Report upload files without a database row (orphans) and rows without their file (missing)."""
        from services.filecheck import ORPHAN_GRACE_SECONDS, check_files
        from services.storage import location

        report = check_files(location(app.config), fix=fix)
        click.echo(f"孤立文件（目录中有、数据库无记录，且已超过 {ORPHAN_GRACE_SECONDS // 60} 分钟）：{len(report.orphans)} 个，"
                   f"共 {report.orphan_bytes / 1024 / 1024:.1f} MB" + (f"，已删除 {report.removed} 个。" if fix else "。"))
        for entry in report.orphans:
            click.echo(f"  {entry.name}")
        click.echo(f"缺失文件（数据库有记录、目录中没有）：{len(report.missing)} 个。")
        for stored in report.missing:
            click.echo(f"  #{stored.id} {stored.original_name}（{stored.size} 字节，{stored.created_at} 上传）")
        if report.missing or (report.orphans and not fix):
            raise SystemExit(1)

    @app.cli.command("sms-send")
    def sms_send():
        """Send due SMS from the outbox (pending and failed ones whose retry time has come)."""
        from services.sms import deliver_due

        click.echo(f"已处理 {deliver_due()} 条短信。")


    @app.cli.command("office-counters")
    def office_counters():
        """Fold the offices' list counters and refresh SQLite's statistics (what the worker does every minute / hour)."""
        from services.office_lists import compact, refresh_statistics

        before, after = compact()
        refresh_statistics()
        click.echo(f"审查列表计数：{before} 行合并为 {after} 行。")

    @app.cli.command("fee-reminders")
    def fee_reminders():
        """缴费提醒: the SMS of pending fee notices whose reminder day has come (once each; becomes a periodic task)."""
        from workflow.fees import send_fee_reminders

        with app.test_request_context():  # the notices link to the applicant's 费用缴纳 page
            click.echo(f"已发送 {send_fee_reminders()} 条缴费提醒。")

    @app.cli.command("backup")
    @click.option("--output", type=click.Path(), help="Archive file, or a folder (ending in /) for a dated one; default instance/backups/.")
    def backup_cmd(output):
        """Write one consistent archive of the database and every upload, with a SHA-256 manifest; safe while serving."""
        from services.backup import SIGNING_MEMBERS, BackupError, create_backup, default_name, upload_count
        from services.certificates import key_paths

        _refuse_with_object_storage(app, "backup")
        target = Path(output or Path(app.instance_path) / "backups")
        if not output or output.endswith("/") or target.is_dir():
            target = target / default_name()
        try:
            manifest = create_backup(db.obj, app.config["UPLOAD_FOLDER"], target, key_paths(app.config))
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        size = sum(member["size"] for member in manifest["members"])
        signing = "、证书签名密钥" if any(m["path"] in SIGNING_MEMBERS for m in manifest["members"]) else ""
        click.echo(f"备份已写入 {target}：数据库（{manifest['database']['kind']}）{signing}和 {upload_count(manifest)} 个上传文件，"
                   f"共 {size / 1024 / 1024:.1f} MB（压缩前）。")

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_cmd(archive, yes):
        """Replace the database and the uploads with a `flask backup` archive, once every member's SHA-256 checks."""
        from services.backup import BackupError, restore_backup, upload_count
        from services.certificates import key_paths

        _refuse_with_object_storage(app, "restore")
        if not yes:
            click.confirm(f"将用 {archive} 替换当前数据库和上传文件目录 {app.config['UPLOAD_FOLDER']}（原有的保留在旁边），"
                          "请先停止服务。继续吗？", abort=True)
        try:
            manifest = restore_backup(db.obj, app.config["UPLOAD_FOLDER"], archive, key_paths(app.config))
        except BackupError as error:
            raise click.ClickException(f"已拒绝恢复，未做任何改动：{error}") from error
        click.echo(f"已恢复 {manifest['created_at']} 的备份：{upload_count(manifest)} 个上传文件，"
                   f"数据库迁移至 {(manifest['migrations'] or ['（无）'])[-1]}；如代码更新过，请再执行 db-upgrade。")
