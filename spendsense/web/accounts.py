"""Adding, editing, archiving and deleting accounts."""

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from spendsense import money
from spendsense.services.errors import Invalid
from spendsense.services.ledger import accounts
from spendsense.web import bp
from spendsense.web.forms import AccountDeleteForm, AccountForm, ConfirmForm
from spendsense.web.helpers import apply_errors, back, current_ledger, or_404, render_form
from spendsense.web.page_data import currency_choices


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required
def new_account():
    form = AccountForm(currency=current_user.base_currency)
    form.currency.choices = currency_choices()
    if form.validate_on_submit():
        try:
            account = accounts.create_account(
                current_ledger(write=True), form.name.data, type=form.type.data, currency=form.currency.data,
                opening_balance=form.opening_balance.data or "0", is_net_worth=form.is_net_worth.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Account “{account.name}” added.", "success")
            return back()
    return render_form("accounts/form.html", form, account=None)


@bp.route("/accounts/<int:account_id>/edit", methods=["GET", "POST"])
@login_required
def edit_account(account_id):
    ledger_id = current_ledger(write=True)
    account = or_404(accounts.get_account, ledger_id, account_id)
    form = AccountForm(obj=account)
    form.currency.choices = currency_choices()
    if not form.is_submitted():
        form.opening_balance.data = str(money.from_minor(account.opening_balance, account.currency))
    if form.validate_on_submit():
        try:
            accounts.update_account(ledger_id, account.id, name=form.name.data, type=form.type.data,
                                    currency=form.currency.data, opening_balance=form.opening_balance.data or "0",
                                    is_net_worth=form.is_net_worth.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Account saved.", "success")
            return back()
    return render_form("accounts/form.html", form, account=account)


@bp.route("/accounts/<int:account_id>/archive", methods=["POST"])
@login_required
def archive_account(account_id):
    ledger_id = current_ledger(write=True)
    account = or_404(accounts.get_account, ledger_id, account_id)
    if ConfirmForm().validate_on_submit():
        # The button says what it does ("archived" 1 or 0), so a stale page or a double
        # click cannot undo it; without the field the state flips.
        wanted = request.form.get("archived")
        archived = wanted == "1" if wanted in ("0", "1") else not account.archived
        accounts.archive_account(ledger_id, account.id, archived=archived)
        flash(f"Account “{account.name}” {'archived' if account.archived else 'restored'}.", "success")
    return redirect(url_for("web.dashboard"))


@bp.route("/accounts/<int:account_id>/delete", methods=["GET", "POST"])
@login_required
def delete_account(account_id):
    ledger_id = current_ledger(write=True)
    account = or_404(accounts.get_account, ledger_id, account_id)
    form = AccountDeleteForm()
    count = accounts.count_transactions(account.id)
    if form.validate_on_submit():
        try:
            accounts.delete_account(ledger_id, account.id, delete_transactions=form.delete_transactions.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Account “{account.name}” deleted.", "success")
            return redirect(url_for("web.dashboard"))
    return render_form("accounts/delete.html", form, account=account, count=count)
