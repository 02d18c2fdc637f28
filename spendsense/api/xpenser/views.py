"""Xpenser routes. Input is read alike from the query string, form fields and JSON."""

from decimal import Decimal

from flask import g, jsonify, render_template
from sqlalchemy import and_

from spendsense import streaming
from spendsense.api.params import merged
from spendsense.api.xpenser import auth, bp, commands, serializers
from spendsense.models import Transaction
from spendsense.services import validation
from spendsense.services.entry import recorder as quick_record
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.io import expense_filter, exports
from spendsense.services.ledger import transactions
from spendsense.services.scope import ledger_for
from spendsense.services.uow import write_transaction

EXPENSE_FIELDS = ("type", "amount", "notes", "report", "date", "tags")
FILTER_FIELDS = ("date", "date_op", "type", "notes", "amount", "amount_op", "created", "created_op",
                 "modified", "modified_op")
SYNC_HEADER = "X-Sync-Cursor"


def _text(data, field):
    """A field as text; a JSON number is taken as typed, any other JSON value refused."""
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise Invalid.field(field, f"{field} must be text or a number.")
    return str(value)


def _answer(txn, *, with_id=True):
    body = {"status": 200, "data": serializers.expense(txn)}
    if with_id:
        body["id"] = txn.id
    return jsonify(body)


@bp.route("/simple/", methods=["GET", "POST"])
@auth.login_required
def simple():
    data = merged()
    as_json = (_text(data, "format") or "").lower() == "json"
    text = _text(data, "q")
    report = _text(data, "r") or _text(data, "report")
    if not as_json and not (text or "").strip():
        return render_template("xpenser/simple.html", txn=None, error=None, text="")
    try:
        txn = quick_record.record(ledger_for(g.user, write=True), text, report_id=report, source="quick")
    except (Invalid, NotFound, Forbidden) as exc:
        if as_json:
            raise
        status = 400 if isinstance(exc, Invalid) else 404 if isinstance(exc, NotFound) else 403
        return render_template("xpenser/simple.html", txn=None, error=exc.message, text=text), status
    if as_json:
        return _answer(txn)
    return render_template("xpenser/simple.html", txn=txn, data=serializers.expense(txn), error=None, text="")


@bp.route("/expense/", methods=["POST"])
@auth.login_required
def create_expense():
    data = merged()
    ledger_id = ledger_for(g.user, write=True)
    fields = {field: _text(data, field) for field in (*EXPENSE_FIELDS, "sourceid", "account")}
    # One write: a first expense that opens the "Cash" account opens it only if it is recorded.
    try:
        with write_transaction():
            txn = transactions.record(ledger_id, commands.new_expense(ledger_id, fields))
    except NotFound as exc:
        if exc.entity != "account":
            raise
        raise Invalid.field("account", "Account not found.") from exc  # a field of the form, as Xpenser says
    return _answer(transactions.get_loaded(ledger_id, txn.id))


def _expense_id(value):
    try:
        return validation.identifier(value, "id")
    except Invalid as exc:
        raise NotFound("Expense not found") from exc


@bp.route("/expense/<expense_id>", methods=["GET"])
@auth.login_required
def get_expense(expense_id):
    txn = _get(ledger_for(g.user), expense_id)
    return _answer(txn, with_id=False)


def _get(ledger_id, expense_id):
    try:
        return transactions.get_loaded(ledger_id, _expense_id(expense_id))
    except NotFound as exc:
        raise NotFound("Expense not found") from exc


@bp.route("/expense/<expense_id>", methods=["POST"])
@auth.login_required
def update_expense(expense_id):
    data = merged()
    ledger_id = ledger_for(g.user, write=True)
    txn = _get(ledger_id, expense_id)
    change = commands.expense_change(ledger_id, txn, {field: _text(data, field) for field in EXPENSE_FIELDS
                                                      if field in data})
    if change is not None:
        transactions.change(ledger_id, txn.id, change)
    return _answer(_get(ledger_id, expense_id))


@bp.route("/expense/<expense_id>", methods=["DELETE"])
@auth.login_required
def delete_expense(expense_id):
    ledger_id = ledger_for(g.user, write=True)
    txn = _get(ledger_id, expense_id)
    transactions.delete(ledger_id, txn.id)
    return jsonify({"status": 200, "id": txn.id})


@bp.route("/expenses/", methods=["GET"])
@auth.login_required
def list_expenses():
    data = merged()
    fmt = (_text(data, "format") or "csv").lower()
    if fmt not in exports.FORMATS:
        raise Invalid.field("format", "format must be csv, json or qif.")
    ledger_id = ledger_for(g.user)
    flt = expense_filter.ExpenseFilter(report=_text(data, "report"),
                                **{field: _text(data, field) for field in FILTER_FIELDS})
    where = expense_filter.condition(ledger_id, flt)
    headers = {"Content-Disposition": f'attachment; filename="expenses.{fmt}"'}
    cursor = expense_filter.sync_cursor(ledger_id)
    since = expense_filter.parse_moment(flt.modified, "modified")
    if cursor is not None and (since is None or cursor > since):
        headers[SYNC_HEADER] = cursor.isoformat(" ", "microseconds")
    elif since is not None:  # nothing newer: poll from the same point next time
        headers[SYNC_HEADER] = flt.modified.strip()
    order = exports.DATE_ORDER
    if flt.modified:
        # A poll lists changes in the order they were made, up to the cursor: a change made
        # while the answer streams comes with the next poll, not with this one too.
        order = (Transaction.updated_at, Transaction.id)
        if cursor is not None:
            where = and_(where, Transaction.updated_at <= cursor)
    chunks = exports.stream(fmt, exports.rows_for(fmt, ledger_id, where, order), csv_header=serializers.CSV_HEADER,
                            csv_record=serializers.csv_row, json_record=serializers.json_item(g.user.id))
    return streaming.streamed(chunks, headers=headers, content_type=exports.MEDIA_TYPES[fmt])
