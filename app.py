"""create_app(): configuration, extensions, blueprints and CLI commands."""
import os
from pathlib import Path

import click
from flask import Flask, Request, abort, render_template, send_from_directory
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from playhouse.db_url import connect
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from models import User, db
from services.values import MAX_INT, clean_text

ROOT = Path(__file__).resolve().parent
MIGRATIONS_DIR = ROOT / "migrations"
HTMX_DIST = ROOT / "node_modules" / "htmx.org" / "dist"

login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()


def _secret_key():
    """SECRET_KEY or the file SECRET_KEY_FILE names; never a built-in default."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = os.environ.get("SECRET_KEY_FILE")
    if path and Path(path).is_file():
        return Path(path).read_text().strip()
    return None


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


def open_database(url):
    """SQLite (default: WAL, foreign keys on) or PostgreSQL, chosen by the URL's scheme."""
    if url.startswith("sqlite"):
        return connect(url, pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000})
    return connect(url)


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
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        PLATFORM_NAME="职称申报与评审管理服务平台",
    )
    app.config.update(overrides or {})
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("未设置 SECRET_KEY：请设置环境变量 SECRET_KEY 或 SECRET_KEY_FILE（生产环境不提供默认值）。")

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

    from blueprints import register_blueprints

    register_blueprints(app)
    _register_error_pages(app)
    _register_commands(app)

    @app.route("/vendor/htmx.min.js")
    def htmx_js():
        if not (HTMX_DIST / "htmx.min.js").is_file():
            abort(404)
        return send_from_directory(HTMX_DIST, "htmx.min.js", max_age=86400)

    @app.after_request
    def _vary(response):
        response.vary.add("HX-Request")
        return response

    return app


@login_manager.user_loader
def _load_user(user_id):
    return User.get_or_none(User.id == int(user_id))


def _register_error_pages(app):
    messages = {
        400: "请求有误。",
        403: "您无权访问该页面或该记录。",
        404: "页面或记录不存在。",
        413: "上传的文件过大。",
        500: "系统内部错误，已记录，请稍后重试。",
    }
    for code, message in messages.items():
        def handler(error, code=code, message=message):
            return render_template("error.html", code=code, message=message), code
        app.register_error_handler(code, handler)

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("error.html", code=400, message="页面已过期或来源无效（CSRF 校验失败），请刷新页面后重试。"), 400


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

    @app.cli.command("sms-send")
    def sms_send():
        """Send due SMS from the outbox (pending and failed ones whose retry time has come)."""
        from services.sms import deliver_due

        click.echo(f"已处理 {deliver_due()} 条短信。")

