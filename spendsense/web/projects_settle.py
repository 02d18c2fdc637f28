"""Balances and the settle-up plan (registering settlements as reimbursement bills),
statistics per member and per month, and the project's history of changes."""

from flask import flash, redirect, render_template, url_for

from spendsense.services import audit
from spendsense.services.bills import bills as bills_service
from spendsense.services.bills import projects as shared_bills
from spendsense.services.bills import stats
from spendsense.services.errors import Invalid
from spendsense.web import bp
from spendsense.web.forms import ConfirmForm
from spendsense.web.projects_auth import project_access, web_actor
from spendsense.web.projects_bills import members_context
from spendsense.web.projects_forms import SettlementForm

HISTORY_LIMIT = 300


@bp.route("/projects/<project_id>/settle")
def project_settle(project_id):
    project = project_access(project_id)
    return render_template("projects/settle.html", project=project, plan=stats.settle_plan(project.id),
                           form=SettlementForm(formdata=None), **members_context(project))


def _planned(project, ower, receiver, amount):
    """The transfer as the plan says it now; a stale or forged one is refused."""
    for transfer in stats.settle_plan(project.id):
        if (str(transfer.ower.id), str(transfer.receiver.id), str(transfer.amount)) == (ower, receiver, amount):
            return transfer
    return None


@bp.route("/projects/<project_id>/settle/register", methods=["POST"])
def project_settle_register(project_id):
    project = project_access(project_id)
    form = SettlementForm()
    if form.validate_on_submit():
        transfer = _planned(project, form.ower.data, form.receiver.data, form.amount.data)
        if transfer is None:
            flash("The balances changed meanwhile: here is the new plan.", "error")
        else:
            try:
                bills_service.register_settlement(project.id, transfer.ower.id, transfer.receiver.id,
                                                  transfer.amount, actor=web_actor())
            except Invalid as exc:
                flash(exc.message, "error")
            else:
                flash(f"Settlement registered: {transfer.ower.name} paid {transfer.receiver.name}.", "success")
    return redirect(url_for("web.project_settle", project_id=project.id))


@bp.route("/projects/<project_id>/settle/register-all", methods=["POST"])
def project_settle_register_all(project_id):
    project = project_access(project_id)
    if ConfirmForm().validate_on_submit():
        plan = stats.settle_plan(project.id)
        try:
            for transfer in plan:
                bills_service.register_settlement(project.id, transfer.ower.id, transfer.receiver.id,
                                                  transfer.amount, actor=web_actor())
        except Invalid as exc:
            flash(exc.message, "error")
        else:
            flash(f"{len(plan)} settlement(s) registered: everybody is even.", "success")
    return redirect(url_for("web.project_settle", project_id=project.id))


@bp.route("/projects/<project_id>/statistics")
def project_statistics(project_id):
    project = project_access(project_id)
    context = members_context(project)
    months = stats.monthly(project.id)
    return render_template("projects/statistics.html", project=project,
                           lines=stats.statistics(project.id), months=months,
                           by_member=stats.monthly_by_member(project.id), **context)


@bp.route("/projects/<project_id>/history")
def project_history(project_id):
    project = project_access(project_id)
    return render_template("projects/history.html", project=project,
                           events=audit.project_history(project.id, limit=HISTORY_LIMIT), form=ConfirmForm())


@bp.route("/projects/<project_id>/history/erase", methods=["POST"])
def project_history_erase(project_id):
    project = project_access(project_id, admin=True)
    if ConfirmForm().validate_on_submit():
        shared_bills.erase_history(project.id)
        flash("History erased.", "success")
    return redirect(url_for("web.project_history", project_id=project.id))


@bp.route("/projects/<project_id>/history/toggle", methods=["POST"])
def project_history_toggle(project_id):
    project = project_access(project_id, admin=True)
    if ConfirmForm().validate_on_submit():
        shared_bills.set_history(project.id, not project.history_enabled, actor=web_actor())
        flash("History is now kept." if not project.history_enabled else "History is turned off.", "success")
    return redirect(url_for("web.project_history", project_id=project.id))
