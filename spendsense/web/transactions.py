"""The transactions page (grouped by day, filtered, paginated) and entry forms."""

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from spendsense import money
from spendsense.services import periods, validation
from spendsense.services.auth import users
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import legs, queries, searches, transactions, transfers
from spendsense.services.ledger.commands import (
    ChangeTransaction,
    ChangeTransfer,
    NewTransaction,
    NewTransfer,
)
from spendsense.web import bp
from spendsense.web.attachments import attachment_counts, transaction_files
from spendsense.web.forms import ConfirmForm, TransactionForm, TransferForm
from spendsense.web.helpers import apply_errors, back, current_ledger, or_404, page_arg, render_form
from spendsense.web.page_data import (
    account_choices,
    category_choices,
    entry_forms,
    today,
    week_start_of_user,
)

PER_PAGE = 50
FILTER_ARGS = ("period", "start", "end", "type", "account", "category", "label", "q", "sort")
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "largest": "Largest first",
               "smallest": "Smallest first"}


def _int_arg(name):
    return validation.row_id_or_none(request.args.get(name))


def _filters(ledger_id):
    """The list's filter from the query string; bad values fall back to defaults with a note."""
    args = request.args
    notes = []
    try:
        period = periods.resolve(args.get("period", "month"), today(ledger_id), week_start_of_user(),
                                 start=args.get("start"), end=args.get("end"))
    except Invalid as exc:
        notes.append(exc.message)
        period = periods.resolve("month", today(ledger_id), week_start_of_user())
    start, end = period.bounds()
    kind = args.get("type") if args.get("type") in queries.KINDS else None
    sort = args.get("sort") if args.get("sort") in queries.SORTS else "newest"
    search = (args.get("q") or "").strip()[:100] or None
    label = (args.get("label") or "").strip().lstrip("#")[:50] or None
    flt = queries.TransactionFilter(
        start=start, end=end, kind=kind, account_id=_int_arg("account"),
        category_id=_int_arg("category"), uncategorised=args.get("category") == "none",
        label=label, search=search, sort=sort, one_leg_per_transfer=True)
    return period, flt, notes


def _group_by_day(rows):
    groups = []
    for txn in rows:
        day = txn.occurred_at.date()
        if not groups or groups[-1][0] != day:
            groups.append((day, []))
        groups[-1][1].append(txn)
    return groups


@bp.route("/transactions")
@login_required
def transactions_list():
    ledger_id = current_ledger()
    period, flt, notes = _filters(ledger_id)
    page = page_arg()
    rows, has_more = queries.page(ledger_id, flt, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    groups = _group_by_day(rows)
    sums = queries.day_sums(ledger_id, flt, {day for day, _ in groups}) \
        if flt.sort in ("newest", "oldest") else {}
    partners = queries.transfer_partners(rows)
    entry, transfer = entry_forms(ledger_id)
    # Only the filter's own parameters are carried into the pager links: url_for would
    # read "_external", "_anchor", "endpoint"... from the query string as its options.
    args = {key: value for key, value in request.args.items() if key in FILTER_ARGS and value}
    return render_template(
        "transactions/list.html", groups=groups, sums=sums, partners=partners, period=period, flt=flt,
        attachment_counts=attachment_counts(ledger_id, rows),
        notes=notes, page=page, has_more=has_more, args=args, sort_labels=SORT_LABELS,
        period_labels=periods.LABELS, accounts=account_choices(ledger_id, include_archived=True),
        categories=category_choices(ledger_id), entry_form=entry, transfer_form=transfer,
        saved_searches=searches.list_searches(ledger_id),
    )


def _moment(ledger_id, day, keep=None):
    """A date from the form with a time of day: the kept one when editing, else now."""
    clock = keep.time() if keep else users.local_now(ledger_id).time()
    return datetime.combine(day, clock)


@bp.route("/transactions/new", methods=["GET", "POST"])
@login_required
def new_transaction():
    ledger_id = current_ledger(write=True)
    form, _transfer = entry_forms(ledger_id, formdata=request.form if request.method == "POST" else None)
    if request.method == "GET" and request.args.get("kind") in ("spent", "earn"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            transactions.record(ledger_id, NewTransaction(
                amount=_signed(form), account_id=_choice(form.account_id.data, "account"),
                occurred_at=_moment(ledger_id, form.date.data), category_id=_category(form),
                description=form.description.data, labels=form.labels.data or (), source="web"))
        except (Invalid, NotFound) as exc:
            apply_errors(form, _as_form_error(exc))
        else:
            flash("Expense added." if form.kind.data == "spent" else "Income added.", "success")
            return back("web.transactions_list")
    return render_form("transactions/form.html", form, txn=None, categories=category_choices(ledger_id))


def _signed(form):
    """The typed amount (always positive) signed by the chosen type."""
    text = (form.amount.data or "").strip()
    if text.startswith("+"):  # "+5" is five; the type gives the sign
        text = text[1:].lstrip()
    if text.startswith("-"):
        raise Invalid.field("amount", "Type the amount without a sign; choose Expense or Income instead.")
    try:
        amount = money.parse_number(text)
    except money.MoneyError as exc:
        raise Invalid.field("amount", str(exc)) from exc
    return -amount if form.kind.data == "spent" else amount


def _number(text, field="amount", *, optional=False):
    """A typed amount as a Decimal (None for an empty optional field)."""
    if optional and not (text or "").strip():
        return None
    try:
        return money.parse_number(text or "")
    except money.MoneyError as exc:
        raise Invalid.field(field, str(exc)) from exc


def _choice(value, field):
    """The id a select posted; anything else is "not one of the choices"."""
    number = validation.row_id_or_none(value)
    if number is None:
        raise Invalid.field(field, "Choose a category from the list." if field == "category"
                            else f"Choose an {field.replace('_', ' ')} from the list.")
    return number


def _category(form):
    """The chosen category, or None when no chip is chosen. A radio group with no choice
    posts nothing, and the form would then keep the category it was opened with."""
    if request.method == "POST" and "category_id" not in request.form:
        return None
    return _choice(form.category_id.data, "category") if form.category_id.data else None


def _as_form_error(exc):
    """Another ledger's (or a vanished) account or category reads as a bad choice."""
    if isinstance(exc, NotFound):
        field = exc.entity or "category"
        return Invalid.field(field, f"Choose an {field} from the list." if field == "account"
                             else "Choose a category from the list.")
    return exc


@bp.route("/transactions/<int:txn_id>/edit", methods=["GET", "POST"])
@login_required
def edit_transaction(txn_id):
    ledger_id = current_ledger(write=True)
    txn = or_404(transactions.get_transaction, ledger_id, txn_id)
    if txn.transfer_id:
        return redirect(url_for("web.edit_transfer", txn_id=txn.id, next=request.args.get("next")))
    form = TransactionForm(formdata=request.form if request.method == "POST" else None,
                           kind=txn.kind, amount=str(money.from_minor(abs(txn.amount), txn.account.currency)),
                           account_id=str(txn.account_id), category_id=str(txn.category_id or ""),
                           date=txn.occurred_at.date(), description=txn.description,
                           labels=" ".join(label.name for label in txn.labels))
    form.account_id.choices = account_choices(ledger_id, include_archived=True)
    form.category_id.choices = [(str(c.id), c.name) for c in category_choices(ledger_id)]
    if form.validate_on_submit():
        try:
            transactions.change(ledger_id, txn.id, ChangeTransaction(
                account_id=_choice(form.account_id.data, "account"), amount=_signed(form),
                occurred_at=_moment(ledger_id, form.date.data, keep=txn.occurred_at),
                category_id=_category(form), description=form.description.data,
                labels=form.labels.data or ()))
        except (Invalid, NotFound) as exc:
            apply_errors(form, _as_form_error(exc))
        else:
            flash("Transaction saved.", "success")
            return back("web.transactions_list")
    return render_form("transactions/form.html", form, txn=txn, categories=category_choices(ledger_id),
                       attachments=transaction_files(ledger_id, txn))


@bp.route("/transactions/<int:txn_id>/delete", methods=["GET", "POST"])
@login_required
def delete_transaction(txn_id):
    ledger_id = current_ledger(write=True)
    txn = or_404(transactions.get_transaction, ledger_id, txn_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        transactions.delete(ledger_id, txn.id)
        flash("Transfer deleted." if txn.transfer_id else "Transaction deleted.", "success")
        return back("web.transactions_list")
    pair = legs.transfer_pair(txn)
    return render_template("transactions/delete.html", form=form, txn=txn, pair=pair)


@bp.route("/transfers/new", methods=["GET", "POST"])
@login_required
def new_transfer():
    ledger_id = current_ledger(write=True)
    _entry, form = entry_forms(ledger_id, formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            transfers.create(ledger_id, NewTransfer(
                from_account_id=_choice(form.from_account_id.data, "from_account"),
                to_account_id=_choice(form.to_account_id.data, "to_account"), amount=_number(form.amount.data),
                to_amount=_number(form.to_amount.data, "to_amount", optional=True),
                occurred_at=_moment(ledger_id, form.date.data), description=form.description.data))
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Transfer recorded.", "success")
            return back("web.transactions_list")
    return render_form("transactions/transfer.html", form, pair=None)


@bp.route("/transfers/<int:txn_id>/edit", methods=["GET", "POST"])
@login_required
def edit_transfer(txn_id):
    ledger_id = current_ledger(write=True)
    txn = or_404(transactions.get_transaction, ledger_id, txn_id)
    pair = legs.transfer_pair(txn)
    if pair is None:
        return redirect(url_for("web.edit_transaction", txn_id=txn.id))
    out_leg, in_leg = pair
    form = TransferForm(
        formdata=request.form if request.method == "POST" else None,
        from_account_id=str(out_leg.account_id), to_account_id=str(in_leg.account_id),
        amount=str(money.from_minor(-out_leg.amount, out_leg.account.currency)),
        to_amount=str(money.from_minor(in_leg.amount, in_leg.account.currency))
        if in_leg.account.currency != out_leg.account.currency else "",
        date=out_leg.occurred_at.date(), description=out_leg.description)
    choices = account_choices(ledger_id, include_archived=True)
    form.from_account_id.choices = form.to_account_id.choices = choices
    if form.validate_on_submit():
        try:
            transfers.update(ledger_id, txn.id, ChangeTransfer(
                from_account_id=_choice(form.from_account_id.data, "from_account"),
                to_account_id=_choice(form.to_account_id.data, "to_account"), amount=_number(form.amount.data),
                to_amount=_number(form.to_amount.data, "to_amount", optional=True),
                occurred_at=_moment(ledger_id, form.date.data, keep=out_leg.occurred_at),
                description=form.description.data))
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Transfer saved.", "success")
            return back("web.transactions_list")
    return render_form("transactions/transfer.html", form, pair=pair)
