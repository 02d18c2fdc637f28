"""Who may open a shared-bill project in this browser, and what each view needs.

Which projects this browser may open is kept in the signed session cookie, as
ihatemoney does: {project id: "admin" | "guest"}. The private code (or creating the
project) makes an admin; an invitation link makes a guest, who may do everything but
change settings. A logged-in SpendSense user also reaches the projects they created
(as admin) or are linked to as a member (as guest) without the code.

A view states what it needs with ``needs(...)`` or ``takes_project_id``; the
blueprint's ``pull_project`` checks it before the view runs.
"""

from dataclasses import dataclass

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user

from spendsense.services.audit import Actor
from spendsense.services.bills import lookup

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


def remember(project_id, role):
    known = dict(session.get(SESSION_KEY) or {})
    if known.get(project_id) != ADMIN:  # a guest link never downgrades an admin
        known[project_id] = role
    session[SESSION_KEY] = known


def forget(project_id):
    known = dict(session.get(SESSION_KEY) or {})
    known.pop(project_id, None)
    session[SESSION_KEY] = known


def role_for(project):
    role = (session.get(SESSION_KEY) or {}).get(project.id)
    if role in (ADMIN, GUEST):
        return role
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
    for project_id in (session.get(SESSION_KEY) or {}):
        if project_id not in found:
            project = lookup.find_project(project_id)
            if project is not None:
                found[project.id] = project
    return sorted(found.values(), key=lambda p: (p.name.lower(), p.id))
