"""A project's members in the browser (add, edit, deactivate, reactivate), and the
logged-in user's link to one of them with the choice to book their shares."""

from flask import flash, g, redirect, url_for
from flask_login import current_user

from spendsense.services.bills import booking, lookup
from spendsense.services.bills import members as members_service
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import categories
from spendsense.web.forms import ConfirmForm
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form
from spendsense.web.page_data import account_choices
from spendsense.web.projects import bp
from spendsense.web.projects.access import needs, web_actor
from spendsense.web.projects.bills import members_context
from spendsense.web.projects.forms import LinkForm, MemberForm, RecordForm


def _my_member(members):
    if not current_user.is_authenticated:
        return None
    return next((m for m in members if m.user_id == current_user.id), None)


def _link_forms(project, members):
    """The "this is me" form, or the recording form once linked (logged-in users only)."""
    if not current_user.is_authenticated:
        return None, None
    mine = _my_member(members)
    if mine is None:
        form = LinkForm(formdata=None)
        form.member.choices = [(str(m.id), m.name) for m in members if m.user_id is None and m.activated]
        return form, None
    ledger_id = current_ledger()
    form = RecordForm(formdata=None, record=mine.record_share,
                      account=str(mine.share_account_id or ""), category=str(mine.share_category_id or ""))
    form.account.choices = [("", "Choose an account"), *account_choices(ledger_id)]
    form.category.choices = [("", "Uncategorised"), *(
        (str(c.id), f"{c.icon} {c.name}") for c in categories.list_categories(ledger_id, kind="spent"))]
    return None, form


@bp.route("/projects/<project_id>/members", methods=["GET", "POST"])
def members():
    project = g.project
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = members_service.add_member(project.id, form.name.data, form.weight.data or None,
                                                actor=web_actor())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"{member.name} has been added.", "success")
            return redirect(url_for("web.projects.members"))
    context = members_context(project)
    link_form, record_form = _link_forms(project, context["members"])
    return render_form("projects/members.html", form, confirm=ConfirmForm(), link_form=link_form,
                       record_form=record_form, mine=_my_member(context["members"]), **context)


@bp.route("/projects/<project_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
def member_edit(member_id):
    project = g.project
    member = or_404(lookup.get_member, project.id, member_id)
    form = MemberForm(name=member.name, weight=members_service.weight_text(member.weight_milli))
    if form.validate_on_submit():
        try:
            members_service.update_member(project.id, member.id, name=form.name.data,
                                          weight=form.weight.data or None, actor=web_actor())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Participant saved.", "success")
            return redirect(url_for("web.projects.members"))
    return render_form("projects/member_form.html", form, member=member)


@bp.route("/projects/<project_id>/members/<int:member_id>/deactivate", methods=["POST"])
def member_deactivate(member_id):
    project = g.project
    member = or_404(lookup.get_member, project.id, member_id)
    if ConfirmForm().validate_on_submit():
        outcome = members_service.remove_member(project.id, member.id, actor=web_actor())
        flash(f"{member.name} has been {'removed' if outcome == 'deleted' else 'deactivated'}.", "success")
    return redirect(url_for("web.projects.members"))


@bp.route("/projects/<project_id>/members/<int:member_id>/reactivate", methods=["POST"])
def member_reactivate(member_id):
    project = g.project
    member = or_404(lookup.get_member, project.id, member_id)
    if ConfirmForm().validate_on_submit():
        try:
            members_service.set_active(project.id, member.id, True, actor=web_actor())
        except Invalid as exc:
            flash(exc.message, "error")
        else:
            flash(f"{member.name} is back.", "success")
    return redirect(url_for("web.projects.members"))


@bp.route("/projects/<project_id>/link", methods=["POST"])
@needs(login=True)
def link():
    project = g.project
    form = LinkForm()
    form.member.choices = [(str(m.id), m.name) for m in lookup.list_members(project.id)]
    if form.validate_on_submit():
        try:
            member = booking.link(project.id, int(form.member.data), current_user.id)
        except (Invalid, NotFound) as exc:
            flash(exc.message if isinstance(exc, Invalid) else "No such participant.", "error")
        else:
            flash(f"You are {member.name} in this project.", "success")
    return redirect(url_for("web.projects.members"))


@bp.route("/projects/<project_id>/unlink", methods=["POST"])
@needs(login=True)
def unlink():
    project = g.project
    mine = _my_member(lookup.list_members(project.id))
    if mine is not None and ConfirmForm().validate_on_submit():
        booking.unlink(project.id, mine.id, current_user.id)
        flash(f"You are no longer linked to {mine.name}.", "success")
    return redirect(url_for("web.projects.members"))


@bp.route("/projects/<project_id>/record", methods=["POST"])
@needs(login=True)
def record():
    project = g.project
    mine = _my_member(lookup.list_members(project.id))
    if mine is None:
        flash("Link yourself to a participant first.", "error")
        return redirect(url_for("web.projects.members"))
    _link_form, choices = _link_forms(project, [mine])
    form = RecordForm()
    form.account.choices, form.category.choices = choices.account.choices, choices.category.choices
    if form.validate_on_submit():
        try:
            booking.configure(project.id, mine.id, current_user.id, record=form.record.data,
                                  account_id=form.account.data or None, category_id=form.category.data or None)
        except (Invalid, Forbidden, NotFound) as exc:
            flash(exc.message, "error")
        else:
            flash("Your shares are recorded in your ledger." if form.record.data
                  else "Your shares are no longer recorded.", "success")
    return redirect(url_for("web.projects.members"))
