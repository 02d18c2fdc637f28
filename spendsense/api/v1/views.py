"""SpendSense v1 routes. Creates answer GET with a query string (the documented
contract) and POST with form or JSON fields alike."""

from datetime import timedelta

from flask import current_app, g, jsonify, request

from spendsense import money, throttle
from spendsense.api import pagination
from spendsense.api.params import merged
from spendsense.api.v1 import bp, error, serializers
from spendsense.security_headers import no_store
from spendsense.services import validation
from spendsense.services.auth import tokens, users
from spendsense.services.errors import AuthenticationFailed, Invalid
from spendsense.services.ledger import accounts, categories, queries, totals, transactions
from spendsense.services.ledger.commands import NewTransaction
from spendsense.services.scope import ledger_for

CREATE_METHODS = ["GET", "POST"]
TYPE_ERROR = 'The type parameter must be either "spent" or "earn"!'
DATE_ERROR = "Invalid date format. Use ISO 8601 (e.g., 2024-06-01T00:00:00)"
AMOUNT_FORMAT_ERROR = "Invalid amount format. Must be a number."
TOKEN_NAME = "Obtained through /api/v1/token/"
TWO_FACTOR = "Two-factor login is on for this account: create an API key on the API keys page."
# The categories filter ``user`` documents these two words (any case); "1" or "yes" is refused.
USER_FILTER_WORDS = ("true", "false")


@bp.route("/token/", methods=["POST"])
@no_store  # the answer is a new key
def obtain_token():
    data = merged()
    missing = {field: ["This field is required."] for field in ("username", "password")
               if not str(data.get(field) or "").strip()}
    if missing:
        return jsonify(missing), 400  # no credentials: not counted
    throttle.check(throttle.user_account(data.get("username")))
    try:
        user = users.authenticate(data.get("username"), data.get("password"))
    except AuthenticationFailed as exc:
        throttle.failed()
        users.record_failed_login(data.get("username"), detail="v1 token endpoint", address=request.remote_addr,
                                  user_agent=request.user_agent.string)
        return jsonify({"non_field_errors": [exc.message]}), 400
    if user.totp_enabled_at is not None:
        # A key obtained with the password alone would open the account without its
        # second factor: such a user makes keys on the API keys page, after logging in.
        return jsonify({"non_field_errors": [TWO_FACTOR]}), 400
    _token, secret = tokens.issue(user.id, TOKEN_NAME)
    return jsonify({"token": secret})


@bp.route("/token/check/")
def check_token():
    return jsonify({"status": "valid", "user": g.user.username})


@bp.route("/accounts/")
@bp.route("/accounts/get/")
def list_accounts():
    rows = accounts.listed_rows(ledger_for(g.user))
    if not rows:
        return error("Accounts cannot be found", 404)
    return jsonify({"user": g.user.username, "accounts": [serializers.account(a) for a in rows]})


@bp.route("/accounts/create/", methods=CREATE_METHODS)
def create_account():
    data = merged()
    name = data.get("account")
    if not isinstance(name, str) or not name.strip():
        return error("account parameter is required", 400)
    ledger_id = ledger_for(g.user, write=True)
    currency = validation.currency(_optional(data, "currency", accounts.ledger_currency(ledger_id)))
    amount = _optional(data, "amount", "0")
    _number(amount)
    account = accounts.create_account(ledger_id, name, opening_balance=amount, currency=currency,
                                      type=data.get("type"))
    return jsonify({"status": "ok", "id": account.id})


def _optional(data, field, default):
    """The field's value, or the default when it is absent or empty text (a JSON false
    or [] is not absent: it must fail validation)."""
    value = data.get(field)
    return default if value is None or value == "" else value


def _number(value):
    """The amount as a Decimal; the documented message for anything that is not a plain
    number. Decimals are checked against the account's currency, with their own message."""
    try:
        return money.parse_number(value)
    except money.MoneyError as exc:
        raise Invalid.field("amount", AMOUNT_FORMAT_ERROR if not money.is_number(value) else str(exc)) from exc


def _moment(value, field, *, end_of_day):
    try:
        return validation.parse_datetime(value, field, end_of_day=end_of_day)
    except Invalid as exc:
        raise Invalid.field(field, DATE_ERROR) from exc


@bp.route("/transactions/")
def list_transactions():
    data = merged()
    ledger_id = ledger_for(g.user)
    now = users.local_now(ledger_id)
    start = _moment(data["from"], "from", end_of_day=False) if data.get("from") else now - timedelta(days=30)
    end = _moment(data["to"], "to", end_of_day=True) if data.get("to") else now
    config = current_app.config
    window = pagination.by_offset(data, default_limit=config["V1_TRANSACTIONS_DEFAULT_LIMIT"],
                                  max_limit=config["V1_TRANSACTIONS_MAX_LIMIT"])
    flt = queries.TransactionFilter(start=start, end=end)
    rows, labels, has_more = queries.page_rows(ledger_id, flt, limit=window.limit, offset=window.offset)
    if not rows:
        return error("Transactions cannot be found", 404)
    body = {"user": g.user.username, "transactions": [serializers.transaction(t, labels) for t in rows],
            "has_more": has_more}
    if has_more:
        body["next_offset"] = window.next_offset
    return jsonify(body)


@bp.route("/transactions/create/", methods=CREATE_METHODS)
def create_transaction():
    data = merged()
    kind = data.get("type")
    if kind not in ("spent", "earn"):
        return error(TYPE_ERROR, 400)
    for field in ("account", "category", "amount"):
        value = data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return error(f"{field} parameter is required", 400)
    amount = _number(data["amount"])
    if amount < 0:
        raise Invalid.field("amount", "Amount must not be negative.")
    occurred_at = _moment(data["date"], "date", end_of_day=False) if data.get("date") else None
    txn = transactions.record(ledger_for(g.user, write=True), NewTransaction(
        amount=-amount if kind == "spent" else amount, account_name=data["account"],
        category_value=data["category"], occurred_at=occurred_at,
        description=data.get("description"), source="api"))
    return jsonify({"status": "ok", "id": txn.id})


@bp.route("/categories/")
@bp.route("/categories/get/")
def list_categories():
    data = merged()
    kind = data.get("type") or None
    if kind not in (None, "spent", "earn"):
        return error('Invalid type parameter. Must be "spent", "earn", or omitted.', 400)
    own = data.get("user")
    if own in (None, ""):
        own = None
    elif isinstance(own, bool) or str(own).lower() in USER_FILTER_WORDS:
        own = validation.boolean(own, "user")
    else:
        return error('Invalid user parameter. Must be "true", "false", or omitted.', 400)
    rows = categories.list_categories(ledger_for(g.user), kind=kind, own=own)
    if not rows:
        return error("Categories cannot be found", 404)
    return jsonify({"user": g.user.username, "categories": [serializers.category(c) for c in rows]})


@bp.route("/categories/create/", methods=CREATE_METHODS)
def create_category():
    data = merged()
    kind = data.get("type")
    if kind not in ("spent", "earn"):
        return error(TYPE_ERROR, 400)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return error("name parameter is required", 400)
    icon = data.get("icon")
    if not isinstance(icon, str) or not icon.strip():
        return error(categories.BAD_ICON, 400)
    category = categories.create_category(ledger_for(g.user, write=True), name, icon, kind)
    return jsonify({"status": "ok", "id": category.id})


@bp.route("/profile-data/")
def profile_data():
    ledger_id = ledger_for(g.user)
    base = g.user.base_currency
    everything = totals.all_time_totals(ledger_id)
    others = [t for t in everything if t.currency != base]
    return jsonify(serializers.profile(g.user, totals.totals_in(base, everything), others))
