"""Blueprint "web": the server-rendered UI over the same services as the API."""

from flask import Blueprint, request

from spendsense.extensions import db, login_manager
from spendsense.models import User

bp = Blueprint("web", __name__)

THEMES = ("light", "dark")

login_manager.login_view = "web.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id):
    if not str(user_id).isdigit() or int(user_id) > 2**63 - 1:
        return None
    return db.session.get(User, int(user_id))


@bp.app_context_processor
def _theme():
    # The theme is a cookie, so the page is rendered in it: no flash of the other theme.
    theme = request.cookies.get("theme")
    return {"theme": theme if theme in THEMES else None}


from spendsense.web.helpers import register_template_helpers  # noqa: E402

register_template_helpers(bp)

from spendsense.web import (  # noqa: E402,F401  (routes register on bp)
    accounts,
    auth,
    categories,
    dashboard,
    exports,
    filters,
    folders,
    profile,
    projects_auth,
    projects_bills,
    projects_io,
    projects_members,
    projects_settle,
    quick,
    reports,
    transactions,
)
