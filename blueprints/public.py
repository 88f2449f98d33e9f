"""Pages anyone reaches: the landing page and the 尚未开放 placeholders."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from blueprints.menus import soon_label

bp = Blueprint("public", __name__)


@bp.route("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("public/landing.html")


@bp.route("/soon/<slug>")
@login_required
def soon(slug):
    label = soon_label(slug)
    if label is None:
        abort(404)
    return render_template("public/soon.html", label=label)
