"""Blueprint "web": the server-rendered UI over the same services as the API."""

from flask import Blueprint, request

from spendsense.extensions import login_manager
from spendsense.services.auth import sessions

bp = Blueprint("web", __name__)

THEMES = ("light", "dark")

login_manager.login_view = "web.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(identity):
    # The session (or remember cookie) holds an identity, not a bare id: the user's
    # session version and the stamps that end it (services/auth/sessions.py).
    return sessions.user_for(identity)


@bp.app_context_processor
def _theme():
    # The theme is a cookie, so the page is rendered in it: no flash of the other theme.
    theme = request.cookies.get("theme")
    return {"theme": theme if theme in THEMES else None}


from spendsense.web.helpers import register_template_helpers  # noqa: E402

register_template_helpers(bp)

from spendsense.web import (  # noqa: E402,F401  (routes register on bp)
    account,
    accounts,
    attachments,
    auth,
    budgets,
    categories,
    dashboard,
    docs,
    envelopes,
    exports,
    filters,
    folders,
    forecast,
    imports,
    login_flow,
    plan,
    profile,
    quick,
    reports,
    rules,
    searches,
    throttled,
    transactions,
    two_factor,
)
from spendsense.web.projects import bp as projects_bp  # noqa: E402

bp.register_blueprint(projects_bp)
