"""A project's bills in the browser: the filtered, paginated list, add, edit, delete."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from spendsense import money
from spendsense.models import NO_CURRENCY
from spendsense.services import validation
from spendsense.services.auth.users import local_now
from spendsense.services.bills import bills as bills_service
from spendsense.services.bills import lookup, stats
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.scope import ledger_for
from spendsense.web.forms import ConfirmForm
from spendsense.web.helpers import apply_errors, page_arg, render_form
from spendsense.web.projects import bp
from spendsense.web.projects.access import web_actor
from spendsense.web.projects.forms import BillForm

PER_PAGE = 50
FILTERS = ("q", "payer", "start", "end")


def members_context(project):
    """What every project page shows beside its content: members and balances."""
    members = lookup.list_members(project.id)
    return {"members": members, "members_by_id": {m.id: m for m in members},
            "balances": stats.balances(project.id)}


def _today():
    if current_user.is_authenticated:
        return local_now(ledger_for(current_user)).date()
    return lookup.today()


def _optional_date(name, notes):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return validation.parse_date(raw, name)
    except Invalid:
        notes.append(f"Ignored the {'start' if name == 'start' else 'end'} date: use a date like 2024-06-01.")
        return None


def _filter(members_by_id, notes):
    payer_id = validation.row_id_or_none(request.args.get("payer"))
    if payer_id not in members_by_id:
        payer_id = None
    search = request.args.get("q", "").strip()[:100] or None
    return bills_service.BillFilter(search=search, payer_id=payer_id, start=_optional_date("start", notes),
                                    end=_optional_date("end", notes))


@bp.route("/projects/<project_id>/")
@bp.route("/projects/<project_id>/bills")
def bills():
    project = g.project
    context = members_context(project)
    notes = []
    flt = _filter(context["members_by_id"], notes)
    page = page_arg()
    total = bills_service.count_bills(project.id, flt)
    rows = bills_service.list_bills(project.id, flt, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    # Only the filters go on to the other pages' links: any other key could clash with url_for's own.
    args = {key: request.args[key] for key in FILTERS if request.args.get(key)}
    return render_template("projects/bills.html", bills=rows, flt=flt, page=page, total=total,
                           pages=max(1, -(-total // PER_PAGE)), args=args, notes=notes,
                           delete_form=ConfirmForm(), **context)


def _bill_form(project, bill=None, view=None):
    form = BillForm()
    members = lookup.list_members(project.id)
    kept = {view.payer_id, *view.owers} if view else set()
    usable = [m for m in members if m.activated or m.id in kept]
    form.payer.choices = [(str(m.id), m.name) for m in usable]
    form.payed_for.choices = [(str(m.id), m.name) for m in usable]
    currencies = [project.default_currency] + ([NO_CURRENCY] if project.default_currency != NO_CURRENCY else [])
    form.original_currency.choices = [(code, "No currency" if code == NO_CURRENCY else code) for code in currencies]
    if not form.is_submitted():
        if view is not None:
            form.date.data = view.date.isoformat()
            form.what.data = view.what
            form.payer.data = str(view.payer_id)
            form.amount.data = str(money.from_minor(view.amount, view.original_currency))
            form.original_currency.data = view.original_currency
            form.payed_for.data = [str(member_id) for member_id in view.owers]
            form.bill_type.data = view.bill_type
            form.external_link.data = view.external_link
        else:
            form.date.data = _today().isoformat()
            form.original_currency.data = project.default_currency
            form.payed_for.data = [str(m.id) for m in members if m.activated]
            mine = next((m for m in members if current_user.is_authenticated and m.user_id == current_user.id
                         and m.activated), None)
            form.payer.data = str(mine.id) if mine else None
    return form


def _values(form):
    return {"what": form.what.data, "payer_id": form.payer.data, "owers": form.payed_for.data,
            "amount": form.amount.data, "date": form.date.data, "bill_type": form.bill_type.data,
            "original_currency": form.original_currency.data, "external_link": form.external_link.data}


@bp.route("/projects/<project_id>/bills/new", methods=["GET", "POST"])
def bill_new():
    project = g.project
    form = _bill_form(project)
    if not form.payer.choices:
        flash("Add the people who share this project first.", "info")
        return redirect(url_for("web.projects.members"))
    if form.validate_on_submit():
        try:
            bill = bills_service.create_bill(project.id, actor=web_actor(), **_values(form))
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Bill “{bill.what}” added.", "success")
            if request.form.get("again"):
                return redirect(url_for("web.projects.bill_new"))
            return redirect(url_for("web.projects.bills"))
    return render_form("projects/bill_form.html", form, bill=None, **members_context(project))


def _bill_view(project, bill_id):
    try:
        return bills_service.view_of(bills_service.get_bill(project.id, bill_id))
    except NotFound:
        abort(404)


@bp.route("/projects/<project_id>/bills/<int:bill_id>/edit", methods=["GET", "POST"])
def bill_edit(bill_id):
    project = g.project
    view = _bill_view(project, bill_id)
    form = _bill_form(project, view=view)
    if form.validate_on_submit():
        try:
            bills_service.update_bill(project.id, bill_id, actor=web_actor(), **_values(form))
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Bill saved.", "success")
            return redirect(url_for("web.projects.bills"))
    return render_form("projects/bill_form.html", form, bill=view, **members_context(project))


@bp.route("/projects/<project_id>/bills/<int:bill_id>/delete", methods=["POST"])
def bill_delete(bill_id):
    project = g.project
    view = _bill_view(project, bill_id)
    if ConfirmForm().validate_on_submit():
        bills_service.delete_bill(project.id, view.id, actor=web_actor())
        flash(f"Bill “{view.what}” deleted.", "success")
    return redirect(url_for("web.projects.bills"))
