"""Who may open a shared-bill project in this browser, and what each view needs.

Which projects this browser may open is kept in the signed session cookie, as
ihatemoney does, but bound to the project's identity: {project id: ["admin" | "guest",
stamp]}, where the stamp (services/bills/projects.py ``grant_stamp``) follows the
project's row and its private code. Deleting the project or changing its code ends
every grant to it, and a grant to a deleted project never opens another project
created later under the same id. The private code (or creating the project) makes an
admin; an invitation link makes a guest, who may do everything but change settings. A
logged-in SpendSense user also reaches the projects they created (as admin) or are
linked to as a member (as guest) without the code.

A view states what it needs with ``needs(...)`` or ``takes_project_id``; the
blueprint's ``pull_project`` checks it before the view runs.
"""

import hmac
from dataclasses import dataclass

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user

from spendsense.services.audit import Actor
from spendsense.services.bills import lookup
from spendsense.services.bills import projects as shared_bills

SESSION_KEY = "projects"
ADMIN, GUEST = "admin", "guest"


@dataclass(frozen=True)
class Needs:
    admin: bool = False  # the admin role: settings, deleting, the history switches
    login: bool = False  # a SpendSense login too: the link between a member and a ledger


def needs(*, admin=False, login=False):
    """Mark a view with what it needs beyond opening the project (a guest may do the rest)."""
    def mark(view):
        view.project_needs = Needs(admin=admin, login=login)
        return view
    return mark


def takes_project_id(view):
    """Mark a view that is open to anyone and reads the project id from its URL itself
    (the invitation link, leaving a project)."""
    view.project_needs = None
    return view


def needs_of(view):
    return getattr(view, "project_needs", Needs())


def _grants():
    return dict(session.get(SESSION_KEY) or {})


def _granted(entry, project):
    """The role a stored grant gives on ``project``: None when it was stamped for another
    project of that id, or before its code changed (or holds anything else)."""
    if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in (ADMIN, GUEST)
            and isinstance(entry[1], str)):
        return None
    stamp = shared_bills.grant_stamp(project).encode()
    return entry[0] if hmac.compare_digest(entry[1].encode("utf-8", "replace"), stamp) else None


def remember(project, role):
    known = _grants()
    if _granted(known.get(project.id), project) != ADMIN:  # a guest link never downgrades an admin
        known[project.id] = [role, shared_bills.grant_stamp(project)]
    session[SESSION_KEY] = known


def forget(project_id):
    known = _grants()
    if known.pop(project_id, None) is not None:
        session[SESSION_KEY] = known


def role_for(project):
    entry = _grants().get(project.id)
    role = _granted(entry, project)
    if role is not None:
        return role
    if entry is not None:  # void: the project it was for is gone, or its code changed
        forget(project.id)
    if current_user.is_authenticated:
        if project.owner_id == current_user.id:
            return ADMIN
        if lookup.user_can_open(project, current_user.id):
            return GUEST
    return None


def open_project(project_id, *, admin=False):
    """(project, role) if this browser may open it (as admin when asked), else off to the
    project login page. Unknown ids go there too: they look like any closed project."""
    project = lookup.find_project(project_id)
    role = role_for(project) if project is not None else None
    if role is None or (admin and role != ADMIN):
        if role is not None:
            flash("Enter the private code to change this project's settings.", "info")
        abort(redirect(url_for("web.projects.login", id=project_id, next=request.full_path.rstrip("?"))))
    return project, role


def web_actor():
    if current_user.is_authenticated:
        return Actor(current_user.username, current_user.id)
    return Actor("Web")


def my_projects():
    """The projects this browser or user can open, for the list page and the dashboard."""
    found = {}
    if current_user.is_authenticated:
        found.update({p.id: p for p in lookup.projects_of_user(current_user.id)})
    for project_id, entry in _grants().items():
        if project_id not in found:
            project = lookup.find_project(project_id)
            if project is not None and _granted(entry, project) is not None:
                found[project.id] = project
            else:
                forget(project_id)
    return sorted(found.values(), key=lambda p: (p.name.lower(), p.id))
