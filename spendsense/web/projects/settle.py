"""Balances and the settle-up plan (registering settlements as reimbursement bills), and
statistics per member and per month."""

from flask import flash, g, redirect, render_template, url_for

from spendsense.services import validation
from spendsense.services.bills import settlements, stats
from spendsense.services.errors import Invalid
from spendsense.web.forms import ConfirmForm
from spendsense.web.projects import bp
from spendsense.web.projects.access import web_actor
from spendsense.web.projects.bills import members_context
from spendsense.web.projects.forms import SettlementForm

STALE_PLAN = "The balances changed meanwhile: here is the new plan."


@bp.route("/projects/<project_id>/settle")
def settle():
    return render_template("projects/settle.html", plan=stats.settle_plan(g.project.id),
                           form=SettlementForm(formdata=None), **members_context(g.project))


@bp.route("/projects/<project_id>/settle/register", methods=["POST"])
def settle_register():
    form = SettlementForm()
    if form.validate_on_submit():
        ower, receiver, amount = (validation.row_id_or_none(field.data)
                                  for field in (form.ower, form.receiver, form.amount))
        try:
            transfer = None if None in (ower, receiver, amount) else settlements.register_transfer(
                g.project.id, ower, receiver, amount, actor=web_actor())
        except Invalid as exc:
            flash(exc.message, "error")
        else:
            if transfer is None:
                flash(STALE_PLAN, "error")
            else:
                flash(f"Settlement registered: {transfer.ower.name} paid {transfer.receiver.name}.", "success")
    return redirect(url_for("web.projects.settle"))


@bp.route("/projects/<project_id>/settle/register-all", methods=["POST"])
def settle_register_all():
    if ConfirmForm().validate_on_submit():
        try:
            plan = settlements.register_plan(g.project.id, actor=web_actor())
        except Invalid as exc:
            flash(exc.message, "error")
        else:
            flash(f"{len(plan)} settlement(s) registered: everybody is even.", "success")
    return redirect(url_for("web.projects.settle"))


@bp.route("/projects/<project_id>/statistics")
def statistics():
    project = g.project
    return render_template("projects/statistics.html", lines=stats.statistics(project.id),
                           months=stats.monthly(project.id), by_member=stats.monthly_by_member(project.id),
                           **members_context(project))
