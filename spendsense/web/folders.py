"""Reports as folders of expenses (Xpenser): list, create, rename, close or reopen,
make current, and move transactions between them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import folders as xpense_reports
from spendsense.web import bp
from spendsense.web.forms import ConfirmForm
from spendsense.web.helpers import (
    apply_errors,
    current_ledger,
    or_404,
    page_arg,
    render_form,
    safe_next,
)

PER_PAGE = 100
UNFILED = "none"


class ReportForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    make_current = BooleanField("Make it the current report")


class MoveForm(FlaskForm):
    target = StringField()
    next = HiddenField()


def _rows(ledger_id, report_id, page):
    """A page of the live transactions filed in ``report_id`` (None: unfiled), newest first."""
    query = (select(Transaction).where(Transaction.ledger_id == ledger_id, Transaction.deleted_at.is_(None),
                                       Transaction.report_id.is_(None) if report_id is None
                                       else Transaction.report_id == report_id)
             .order_by(Transaction.occurred_at.desc(), Transaction.id.desc())
             .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
             .options(selectinload(Transaction.account), selectinload(Transaction.category)))
    rows = db.session.scalars(query).all()
    return rows[:PER_PAGE], len(rows) > PER_PAGE


@bp.route("/reports/folders", methods=["GET", "POST"])
@login_required
def folders_page():
    ledger_id = current_ledger(write=request.method == "POST")
    form = ReportForm()
    if form.validate_on_submit():
        try:
            report = xpense_reports.create_report(ledger_id, form.name.data, make_current=form.make_current.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Report “{report.name}” created.", "success")
            return redirect(url_for("web.folders_page"))
    return render_form("folders/list.html", form, reports=xpense_reports.list_reports(ledger_id),
                       counts=xpense_reports.counts(ledger_id))


@bp.route("/reports/folders/<folder>")
@login_required
def folder_page(folder):
    ledger_id = current_ledger()
    report = None
    if folder != UNFILED:
        report_id = validation.row_id_or_none(folder)
        if report_id is None:
            abort(404)
        report = or_404(xpense_reports.get_report, ledger_id, report_id)
    page = page_arg()
    rows, has_more = _rows(ledger_id, report.id if report else None, page)
    return render_template(
        "folders/detail.html", report=report, rows=rows, page=page, has_more=has_more,
        reports=xpense_reports.list_reports(ledger_id), rename_form=ReportForm(name=report.name if report else ""),
        move_form=MoveForm(), action_form=ConfirmForm())


@bp.route("/reports/folders/<int:report_id>/<action>", methods=["POST"])
@login_required
def folder_action(report_id, action):
    ledger_id = current_ledger(write=True)
    report = or_404(xpense_reports.get_report, ledger_id, report_id)
    changes = {"close": xpense_reports.close_report, "reopen": xpense_reports.reopen_report,
               "current": xpense_reports.make_current}
    if action == "rename":
        form = ReportForm()
        if form.validate_on_submit():
            try:
                xpense_reports.rename_report(ledger_id, report.id, form.name.data)
            except Invalid as exc:
                flash(exc.message, "error")
            else:
                flash("Report renamed.", "success")
        else:
            flash("Give the report a name.", "error")
    elif action in changes:
        if ConfirmForm().validate_on_submit():
            try:
                changes[action](ledger_id, report.id)
            except Invalid as exc:
                flash(exc.message, "error")
            else:
                flash({"close": "Report closed.", "reopen": "Report reopened.",
                       "current": "This is now the current report."}[action], "success")
        else:
            abort(400)
    else:
        abort(404)
    return redirect(url_for("web.folder_page", folder=report.id))


@bp.route("/reports/folders/move", methods=["POST"])
@login_required
def move_to_folder():
    ledger_id = current_ledger(write=True)
    form = MoveForm()
    back_to = safe_next(form.next.data, "web.folders_page")
    if not form.validate_on_submit():
        abort(400)
    target = None if form.target.data in ("", UNFILED) else form.target.data
    try:
        moved = or_404(xpense_reports.move_transactions, ledger_id, request.form.getlist("txn"), target)
    except Invalid as exc:
        flash(exc.message, "error")
    else:
        flash(f"Moved {moved} transaction{'s' if moved != 1 else ''}.", "success")
    return redirect(back_to)
