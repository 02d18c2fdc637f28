"""Blueprint "web.projects": shared-bill projects in the browser.

Nested in "web", so its pages share the site's layout, error pages and CSRF; its
endpoints are "web.projects.<view>" and its URLs stay where they were (/projects/...).

Most URLs name a project. ``pull_project`` turns the ``project_id`` of the URL into
the project once, before the view runs, and checks what the view needs (access.py):
the view finds the project in ``g.project`` and the browser's role in
``g.project_role``, and its templates find ``project``. ``add_project_id`` puts the
current project back into every ``url_for`` of this blueprint that needs one.
"""

from flask import Blueprint, abort, current_app, g, request
from flask_login import current_user

from spendsense import money
from spendsense.services.bills import members as member_rules
from spendsense.web.projects import access

bp = Blueprint("projects", __name__)


@bp.url_value_preprocessor
def pull_project(endpoint, values):
    # Flask answers OPTIONS itself, without the view: there is nothing to open.
    if not values or "project_id" not in values or request.method == "OPTIONS":
        return
    needs = access.needs_of(current_app.view_functions[endpoint])
    if needs is None:
        return
    if needs.login and not current_user.is_authenticated:
        # Before the project, as flask_login.login_required on the view would be.
        abort(current_app.login_manager.unauthorized())
    g.project, g.project_role = access.open_project(values.pop("project_id"), admin=needs.admin)


@bp.url_defaults
def add_project_id(endpoint, values):
    project = g.get("project")
    if (project is not None and "project_id" not in values
            and current_app.url_map.is_endpoint_expecting(endpoint, "project_id")):
        values["project_id"] = project.id


@bp.context_processor
def _current_project():
    return {"project": g.get("project")}


@bp.app_context_processor
def _project_helpers():
    # A function, not a list: only pages that show projects pay for the query.
    return {"my_projects": access.my_projects}


@bp.app_template_filter("share_money")
def share_money(minor, currency):
    """A project amount for display; "no currency" projects show the bare number."""
    amount = money.from_minor(minor, currency)
    if currency == "XXX":
        return f"{amount:,}"
    locale = getattr(current_user, "locale", None) or "en_GB"
    return money.format_money(amount, currency, locale)


@bp.app_template_filter("weight")
def weight_filter(weight_milli):
    return member_rules.weight_text(weight_milli)


from spendsense.web.projects import auth, bills, history, ihatemoney_paths, io, members, settle  # noqa: E402,F401  (routes register on bp)
