"""Saved searches: the transactions page's filter kept under a name. Saved from that
page, listed above its filter, run by opening it with the filter; /searches renames
and deletes them. Every POST carries the page's CSRF token (CSRFProtect checks it for
the whole app); the service checks the names."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from spendsense.services import periods
from spendsense.services.errors import Invalid
from spendsense.services.ledger import searches
from spendsense.web import bp
from spendsense.web.helpers import current_ledger, or_404
from spendsense.web.page_data import account_choices, category_choices
from spendsense.web.transactions import SORT_LABELS

KIND_LABELS = {"spent": "Expenses", "earn": "Income", "transfer": "Transfers"}


def _list_url(filters):
    return url_for("web.transactions_list", **filters)


def _submitted_filter():
    """The filter parameters the save form carried, to go back to the same list."""
    return {key: value for key in searches.FILTER_KEYS if (value := request.form.get(key, "").strip())}


def _flash_errors(exc):
    for message in exc.errors.values():
        flash(message, "error")


@bp.route("/searches", methods=["POST"])
@login_required
def save_search():
    ledger_id = current_ledger(write=True)
    try:
        search = searches.create_search(ledger_id, request.form.get("title"), request.form)
    except Invalid as exc:
        _flash_errors(exc)
        return redirect(_list_url(_submitted_filter()))
    flash(f"Search “{search.title}” saved.", "success")
    return redirect(_list_url(search.filters))


def _describe(filters, accounts, categories):
    """The filter in words, as (what, value) pairs: "Period: This month", "Search: coffee".
    ``accounts`` and ``categories`` name the ids: {id text: name}."""
    parts = []
    if "period" in filters:
        period = filters["period"]
        parts.append(("Period", f"{filters['start']} – {filters['end']}" if period == "custom"
                      else periods.LABELS[period]))
    if "type" in filters:
        parts.append(("Type", KIND_LABELS[filters["type"]]))
    if "account" in filters:
        parts.append(("Account", accounts.get(filters["account"], "an account no longer here")))
    if "category" in filters:
        parts.append(("Category", "❔ Uncategorised" if filters["category"] == searches.UNCATEGORISED
                      else categories.get(filters["category"], "a category no longer here")))
    if "label" in filters:
        parts.append(("Label", "#" + filters["label"]))
    if "q" in filters:
        parts.append(("Search", f"“{filters['q']}”"))
    if "sort" in filters:
        parts.append(("Sort", SORT_LABELS[filters["sort"]]))
    return parts


@bp.route("/searches")
@login_required
def searches_page():
    ledger_id = current_ledger()
    rows = searches.list_searches(ledger_id)
    accounts = dict(account_choices(ledger_id, include_archived=True))
    categories = {str(c.id): f"{c.icon} {c.name}" for c in category_choices(ledger_id)}
    return render_template("searches/list.html",
                           searches=[(row, _describe(row.filters, accounts, categories)) for row in rows])


@bp.route("/searches/<int:search_id>")
@login_required
def run_search(search_id):
    search = or_404(searches.get_search, current_ledger(), search_id)
    return redirect(_list_url(search.filters))


@bp.route("/searches/<int:search_id>/rename", methods=["POST"])
@login_required
def rename_search(search_id):
    ledger_id = current_ledger(write=True)
    search = or_404(searches.get_search, ledger_id, search_id)
    old_title = search.title
    try:
        searches.rename_search(ledger_id, search.id, request.form.get("title"))
    except Invalid as exc:
        _flash_errors(exc)
    else:
        flash(f"“{old_title}” renamed to “{search.title}”.", "success")
    return redirect(url_for("web.searches_page"))


@bp.route("/searches/<int:search_id>/delete", methods=["POST"])
@login_required
def delete_search(search_id):
    search = or_404(searches.delete_search, current_ledger(write=True), search_id)
    flash(f"Saved search “{search.title}” deleted.", "success")
    return redirect(url_for("web.searches_page"))
