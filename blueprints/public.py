"""Pages anyone reaches: the landing page."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("public", __name__)


@bp.route("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("public/landing.html")

