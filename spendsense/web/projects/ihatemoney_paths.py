"""ihatemoney's web paths (its web.py), sent on to SpendSense's pages, so that the links
and bookmarks of people who move from ihatemoney keep working: ``/<project>/`` is the
bill list, ``/<project>/history`` the history, ``/authenticate`` the project login, and
so on. The invitation link ``/<project>/join/<token>`` is served as it is (auth.py).

They are GET-only redirects that open nothing themselves: the page they lead to checks
access. A project path is a permanent move (308); the others depend on their query.
The project paths start with a variable segment, so a SpendSense URL always matches
its own rule first (werkzeug tries static segments before variables); a first segment
that is one of SpendSense's own (``/api/history``, ``/imports/history``) is not a
project and stays a 404.
"""

import re

from flask import abort, current_app, redirect, request, url_for
from itsdangerous import URLSafeSerializer
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter, ValidationError

from spendsense.services.bills import lookup
from spendsense.web.projects import bp
from spendsense.web.projects.access import role_for, takes_project_id

# Project ids are slugs (services/bills/projects.py slugify).
_BILL_LIST = re.compile(r"/([A-Za-z0-9_-]+)/")
# ihatemoney's export files, by SpendSense's name for them (web/projects/io.py).
EXPORT_NAMES = {"bills": "bills", "transactions": "settlement"}


def _site_segments(url_map):
    """The first path segments of SpendSense's own routes (computed once per map)."""
    found = getattr(url_map, "spendsense_site_segments", None)
    if found is None:
        found = frozenset(rule.rule.split("/")[1] for rule in url_map.iter_rules()
                          if not rule.rule.startswith("/<"))
        url_map.spendsense_site_segments = found
    return found


class ProjectSegment(BaseConverter):
    """A project id as ihatemoney's first path segment: never one of SpendSense's own
    first segments, so "/api/history" or "/imports/history" stay the 404s they were."""

    def to_python(self, value):
        if value.lower() in _site_segments(self.map):
            raise ValidationError()
        return value


bp.record_once(lambda state: state.app.url_map.converters.setdefault("ihm_project", ProjectSegment))


def alias(rule, endpoint, name):
    """Register ``rule`` (ihatemoney's) as a permanent redirect to ``endpoint`` (ours)."""
    def view(project_id, **values):
        return redirect(url_for(endpoint, project_id=project_id, **values), 308)
    view.__name__ = name
    bp.add_url_rule(rule.replace("<project_id>", "<ihm_project:project_id>"), name, takes_project_id(view),
                    methods=["GET"])


alias("/<project_id>/history", "web.projects.history", "ihm_history")
alias("/<project_id>/settle_bills", "web.projects.settle", "ihm_settle_bills")
alias("/<project_id>/statistics", "web.projects.statistics", "ihm_statistics")
alias("/<project_id>/edit", "web.projects.settings", "ihm_edit_project")
alias("/<project_id>/invite", "web.projects.invite", "ihm_invite")
alias("/<project_id>/add", "web.projects.bill_new", "ihm_add_bill")
alias("/<project_id>/edit/<int:bill_id>", "web.projects.bill_edit", "ihm_edit_bill")
alias("/<project_id>/members/add", "web.projects.members", "ihm_add_member")
alias("/<project_id>/members/<int:member_id>/edit", "web.projects.member_edit", "ihm_edit_member")
alias("/<project_id>/import", "web.projects.import_bills", "ihm_import")


@bp.before_app_request
def _bill_list():
    """ihatemoney's bill list, ``/<project>/``. Not a rule: with the map's loose slashes
    one would also take every unknown one-segment URL ("/nope") and answer GET on a
    POST-only one ("/logout") instead of its 405. So only a URL that no rule matched is
    taken (Flask runs this hook before it raises the routing error)."""
    if not isinstance(request.routing_exception, NotFound) or request.method not in ("GET", "HEAD"):
        return None
    found = _BILL_LIST.fullmatch(request.path)
    if found is None or found[1].lower() in _site_segments(current_app.url_map):
        return None
    return redirect(url_for("web.projects.bills", project_id=found[1]), 308)


@bp.route("/<ihm_project:project_id>/export/<name>.<fmt>", methods=["GET"])
@takes_project_id
def ihm_export(project_id, name, fmt):
    if name not in EXPORT_NAMES:
        abort(404)
    return redirect(url_for("web.projects.export", project_id=project_id, what=EXPORT_NAMES[name], fmt=fmt), 308)


def _token_project(token):
    """The project id a project token names, read without checking its signature: the
    invitation page it leads to checks the whole token."""
    data = URLSafeSerializer("").loads_unsafe(token)[1]  # (False, None) when unreadable
    return data[0] if isinstance(data, list) and len(data) == 1 and isinstance(data[0], str) else None


@bp.route("/authenticate", methods=["GET"])
def ihm_authenticate():
    """ihatemoney's login page: ``?project_id=`` to log in, or an old invitation link
    ``?token=``."""
    token = request.args.get("token", "")
    project_id = _token_project(token) if token else None
    if project_id:
        return redirect(url_for("web.projects.join", project_id=project_id, token=token))
    wanted = request.args.get("project_id", "").strip()
    # A browser that may already open the project (its owner, a grant) goes straight in.
    project = lookup.find_project(wanted) if wanted else None
    if project is not None and role_for(project) is not None:
        return redirect(url_for("web.projects.bills", project_id=project.id))
    return redirect(url_for("web.projects.login", id=wanted) if wanted else url_for("web.projects.login"))


@bp.route("/create", methods=["GET"])
def ihm_create():
    return redirect(url_for("web.projects.create"))


@bp.route("/exit", methods=["GET"])
def ihm_exit():
    return redirect(url_for("web.projects.home"))
