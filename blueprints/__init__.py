"""One blueprint per audience."""
import json
from functools import cache, wraps

from flask import abort, request, url_for
from flask_login import current_user, login_required
from werkzeug.local import LocalProxy


def register_blueprints(app):
    from blueprints import (
        admin,
        applicant,
        auth,
        certificates,
        committee,
        documents,
        expert,
        experts,
        fees,
        files,
        home,
        integrity,
        meetings,
        plans,
        public,
        results,
        review,
        roster,
        unit,
        wizard,
    )
    from blueprints.menus import menu_for
    from blueprints.uploads import kept_file
    from forms.applicant import DETAIL_FIELDS, KIND_LABELS
    from services import return_parts
    from services.display import sentence, when
    from services.documents import copies as review_form_copies
    from services.notifications import unread_count

    for module in (public, auth, home, applicant, unit, files, admin, plans, wizard, review, committee, documents, fees, roster,
                   results, integrity, certificates, experts, meetings, expert):
        app.register_blueprint(module.bp)
    app.add_template_global(kept_file)
    app.add_template_global(KIND_LABELS, "KIND_LABELS")
    app.add_template_global(DETAIL_FIELDS, "DETAIL_FIELDS")
    app.add_template_filter(json.loads, "fromjson")
    app.add_template_filter(when)
    app.add_template_filter(sentence)
    app.add_template_global(review_form_copies, "review_form_copies")
    app.add_template_global(return_parts.marks, "return_marks")
    app.add_template_global(return_parts.by_step, "marks_by_step")

    @app.template_global()
    def page_url(number):
        """This page's URL with its filters kept and another page number."""
        return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "page": number})

    @app.context_processor
    def _navigation():
        if not current_user.is_authenticated:
            return {"menu": [], "unread": 0}
        # counted when a page shows it: a fragment swapped in by htmx (a 保存草稿's message) does not
        user = current_user._get_current_object()
        return {"menu": menu_for(user), "unread": LocalProxy(cache(lambda: unread_count(user)))}


def role_required(*roles):
    """Log-in required, and 403 unless the user has one of `roles`."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
