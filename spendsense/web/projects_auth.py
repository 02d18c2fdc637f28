"""Shared-bill projects in the browser: create one, log in to one with its id and
private code, join one through an invitation link, leave, invite, settings.

Which projects this browser may open is kept in the signed session cookie, as
ihatemoney does: {project id: "admin" | "guest"}. The private code (or creating the
project) makes an admin; an invitation link makes a guest, who may do everything but
change settings. A logged-in SpendSense user also reaches the projects they created
(as admin) or are linked to as a member (as guest) without the code.
"""

import qrcode
import qrcode.image.svg
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from spendsense import money
from spendsense.extensions import limiter
from spendsense.services.audit import Actor
from spendsense.services.bills import lookup, members
from spendsense.services.bills import projects as shared_bills
from spendsense.services.errors import Invalid
from spendsense.web import bp
from spendsense.web.forms import ConfirmForm
from spendsense.web.helpers import apply_errors, safe_next
from spendsense.web.projects_forms import ProjectCreateForm, ProjectLoginForm, ProjectSettingsForm

SESSION_KEY = "projects"
ADMIN, GUEST = "admin", "guest"
BAD_LOGIN = "This project identifier and private code do not match."


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


def project_access(project_id, *, admin=False):
    """The project, if this browser may open it (as admin when asked), else off to the
    project login page. Unknown ids go there too: they look like any closed project."""
    project = lookup.find_project(project_id)
    role = role_for(project) if project is not None else None
    if role is None or (admin and role != ADMIN):
        if role is not None:
            flash("Enter the private code to change this project's settings.", "info")
        abort(redirect(url_for("web.project_login", id=project_id, next=request.full_path.rstrip("?"))))
    g.project, g.project_role = project, role
    return project


def web_actor():
    if current_user.is_authenticated:
        return Actor(current_user.username, current_user.id)
    return Actor("Web")


def currency_choices():
    return [(code, "No currency" if code == "XXX" else code) for code in lookup.currencies()]


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


@bp.app_context_processor
def _project_helpers():
    # A function, not a list: only pages that show projects pay for the query.
    return {"my_projects": my_projects}


@bp.route("/projects")
def projects_home():
    return render_template("projects/home.html", projects=my_projects(),
                           login_form=ProjectLoginForm(formdata=None))


@bp.route("/projects/new", methods=["GET", "POST"])
def project_create():
    form = ProjectCreateForm(default_currency=(current_user.base_currency if current_user.is_authenticated
                                               else "XXX"))
    form.default_currency.choices = currency_choices()
    if current_user.is_authenticated and not form.is_submitted():
        form.contact_email.data = current_user.email
    if form.validate_on_submit():
        try:
            project = shared_bills.create_project(
                name=form.name.data, project_id=form.id.data or form.name.data, password=form.password.data,
                contact_email=form.contact_email.data, default_currency=form.default_currency.data,
                owner_id=current_user.id if current_user.is_authenticated else None, actor=web_actor())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            remember(project.id, ADMIN)
            flash(f"Project “{project.name}” created. Add the people who share it.", "success")
            return redirect(url_for("web.project_members", project_id=project.id))
    return render_template("projects/create.html", form=form), 200 if not form.errors else 422


def _login_limit():
    config = current_app.config
    return config.get("PROJECT_AUTH_RATE_LIMIT") or config["LOGIN_RATE_LIMIT"]


@bp.route("/projects/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda _response: g.get("project_login_failed", False))
def project_login():
    form = ProjectLoginForm()
    if not form.is_submitted():
        form.id.data = request.args.get("id", "")
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        project = shared_bills.authenticate(form.id.data, form.password.data)
        if project is None:
            g.project_login_failed = True
            form.form_errors.append(BAD_LOGIN)
        else:
            remember(project.id, ADMIN)
            flash(f"You are in “{project.name}”.", "success")
            wanted = form.next.data
            # Only a path on this site; anything else lands on the project's bills.
            if not wanted or safe_next(wanted) != wanted:
                wanted = url_for("web.project_bills", project_id=project.id)
            return redirect(wanted)
    return render_template("projects/login.html", form=form), 200 if not form.errors and not form.form_errors else 422


@bp.route("/<project_id>/join/<token>")
def project_join(project_id, token):
    """ihatemoney's invitation link: the project token grants guest access."""
    project = shared_bills.project_for_token(project_id, token)
    if project is None:
        flash("This invitation link is not valid any more: ask for a new one.", "error")
        return redirect(url_for("web.project_login", id=project_id))
    remember(project.id, GUEST)
    flash(f"You joined “{project.name}”.", "success")
    return redirect(url_for("web.project_bills", project_id=project.id))


@bp.route("/projects/<project_id>/logout", methods=["POST"])
def project_logout(project_id):
    if ConfirmForm().validate_on_submit():
        forget(lookup.normalise_id(project_id))
        flash("This browser left the project.", "success")
    return redirect(url_for("web.projects_home"))


def qr_svg(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return Markup(image.to_string(encoding="unicode"))


@bp.route("/projects/<project_id>/invite")
def project_invite(project_id):
    project = project_access(project_id)
    link = url_for("web.project_join", project_id=project.id, token=shared_bills.issue_token(project),
                   _external=True)
    return render_template("projects/invite.html", project=project, link=link, qr=qr_svg(link))


@bp.route("/projects/<project_id>/settings", methods=["GET", "POST"])
def project_settings(project_id):
    project = project_access(project_id, admin=True)
    form = ProjectSettingsForm(obj=project)
    form.default_currency.choices = currency_choices()
    if form.validate_on_submit():
        try:
            shared_bills.update_project(
                project.id, current_password=form.current_password.data, name=form.name.data,
                contact_email=form.contact_email.data, password=form.password.data or None,
                default_currency=form.default_currency.data, history_enabled=form.history_enabled.data,
                actor=web_actor())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("web.project_settings", project_id=project.id))
    return render_template("projects/settings.html", project=project, form=form,
                           delete_form=ProjectLoginForm(formdata=None)), 200 if not form.errors else 422


@bp.route("/projects/<project_id>/delete", methods=["POST"])
def project_delete(project_id):
    project = project_access(project_id, admin=True)
    code = request.form.get("password", "")
    if not ConfirmForm().validate_on_submit() or not shared_bills.check_code(project, code):
        flash("The private code is needed to delete the project.", "error")
        return redirect(url_for("web.project_settings", project_id=project.id))
    shared_bills.delete_project(project.id, actor=web_actor())
    forget(project.id)
    flash(f"Project “{project.name}” deleted.", "success")
    return redirect(url_for("web.projects_home"))


@bp.app_template_filter("share_money")
def share_money(minor, currency):
    """A project amount for display; "no currency" projects show the bare number."""
    amount = lookup.to_decimal(minor, currency)
    if currency == "XXX":
        return f"{amount:,}"
    locale = getattr(current_user, "locale", None) or "en_GB"
    return money.format_money(amount, currency, locale)


@bp.app_template_filter("weight")
def weight_filter(weight_milli):
    return members.weight_text(weight_milli)
