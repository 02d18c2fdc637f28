"""Getting into shared-bill projects: the list, creating one, logging in to one with its
id and private code, joining one through an invitation link, leaving, inviting, and
the admin's settings and deletion."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from spendsense import throttle
from spendsense.security_headers import no_store
from spendsense.services.bills import lookup
from spendsense.services.bills import projects as shared_bills
from spendsense.services.errors import Invalid
from spendsense.web.account import client_info
from spendsense.web.forms import ConfirmForm
from spendsense.web.helpers import apply_errors, render_form, safe_next
from spendsense.web.projects import bp
from spendsense.web.projects.access import (
    ADMIN,
    GUEST,
    forget,
    my_projects,
    needs,
    remember,
    takes_project_id,
    web_actor,
)
from spendsense.web.projects.forms import ProjectCreateForm, ProjectLoginForm, ProjectSettingsForm
from spendsense.web.qr import qr_svg

BAD_LOGIN = "This project identifier and private code do not match."


def currency_choices():
    return [(code, "No currency" if code == "XXX" else code) for code in lookup.currencies()]


@bp.route("/projects")
def home():
    return render_template("projects/home.html", projects=my_projects(),
                           login_form=ProjectLoginForm(formdata=None))


@bp.route("/projects/new", methods=["GET", "POST"])
@throttle.signup_limit("projects")
def create():
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
            remember(project, ADMIN)
            flash(f"Project “{project.name}” created. Add the people who share it.", "success")
            return redirect(url_for("web.projects.members", project_id=project.id))
    return render_form("projects/create.html", form)


@bp.route("/projects/login", methods=["GET", "POST"])
@throttle.credential_limits(throttle.form_project("id"), failed_when=lambda _response: g.get("project_login_failed", False),
                            succeeded_when=lambda response: response.status_code == 302)
def login():
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
            remember(project, ADMIN)
            flash(f"You are in “{project.name}”.", "success")
            wanted = form.next.data
            # Only a path on this site; anything else lands on the project's bills.
            if not wanted or safe_next(wanted) != wanted:
                wanted = url_for("web.projects.bills", project_id=project.id)
            return redirect(wanted)
    return render_form("projects/login.html", form)


@bp.route("/<project_id>/join/<token>")
@takes_project_id
def join(project_id, token):
    """ihatemoney's invitation link: the project token grants guest access."""
    project = shared_bills.project_for_token(project_id, token)
    if project is None:
        flash("This invitation link is not valid any more: ask for a new one.", "error")
        return redirect(url_for("web.projects.login", id=project_id))
    remember(project, GUEST)
    flash(f"You joined “{project.name}”.", "success")
    return redirect(url_for("web.projects.bills", project_id=project.id))


@bp.route("/projects/<project_id>/logout", methods=["POST"])
@takes_project_id
def logout(project_id):
    if ConfirmForm().validate_on_submit():
        forget(lookup.normalise_id(project_id))
        flash("This browser left the project.", "success")
    return redirect(url_for("web.projects.home"))


@bp.route("/projects/<project_id>/invite")
@no_store  # the invitation link is a guest's credential
def invite():
    link = url_for("web.projects.join", token=shared_bills.issue_token(g.project), _external=True)
    return render_template("projects/invite.html", link=link, qr=qr_svg(link))


@bp.route("/projects/<project_id>/settings", methods=["GET", "POST"])
@needs(admin=True)
@no_store  # the private-code form: no cache keeps a copy of it
def settings():
    project = g.project
    form = ProjectSettingsForm(obj=project)
    form.default_currency.choices = currency_choices()
    if form.validate_on_submit():
        old_stamp = shared_bills.grant_stamp(project)
        try:
            updated = shared_bills.update_project(
                project.id, current_password=form.current_password.data, name=form.name.data,
                contact_email=form.contact_email.data, password=form.password.data or None,
                default_currency=form.default_currency.data, history_enabled=form.history_enabled.data,
                actor=web_actor(), **client_info())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            # A new code ended every grant to the project; this browser has just proved
            # the old one and set the new one, so it stays in.
            remember(updated, ADMIN)
            if shared_bills.grant_stamp(updated) != old_stamp:
                flash("Settings saved. The private code changed: old invitation links and every other browser "
                      "that had this project open are shut out.", "success")
            else:
                flash("Settings saved.", "success")
            return redirect(url_for("web.projects.settings"))
    return render_form("projects/settings.html", form, delete_form=ProjectLoginForm(formdata=None))


@bp.route("/projects/<project_id>/delete", methods=["POST"])
@needs(admin=True)
def delete():
    project = g.project
    code = request.form.get("password", "")
    if not ConfirmForm().validate_on_submit() or not shared_bills.check_code(project, code):
        flash("The private code is needed to delete the project.", "error")
        return redirect(url_for("web.projects.settings"))
    shared_bills.delete_project(project.id, actor=web_actor())
    forget(project.id)
    flash(f"Project “{project.name}” deleted.", "success")
    return redirect(url_for("web.projects.home"))
