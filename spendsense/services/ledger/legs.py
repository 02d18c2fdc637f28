"""The two legs of a transfer, and reading rows again once their accounts are locked.

A transfer is two rows, one per account, each pointing at the other through
``transfer_id``; both legs are created, edited and deleted together
(services/ledger/transfers.py creates and rewrites them, transactions.py edits and
deletes any row, legs included).
"""

from decimal import localcontext

from sqlalchemy.orm import joinedload

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.models.base import utcnow
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import balances
from spendsense.services.ledger.resolver import minor_amount
from spendsense.services.scope import get_owned, owned
from spendsense.services.validation import is_row_id

RATE_DIGITS = 20
NOT_FOUND = "Transaction not found"


def get_transaction(ledger_id, txn_id):
    return get_owned(Transaction, ledger_id, txn_id, message=NOT_FOUND)


def get_loaded(ledger_id, txn_id):
    """The live transaction with its account and category, read in one statement (for
    answers that show them right after a write)."""
    if not is_row_id(txn_id):
        raise NotFound(NOT_FOUND)
    txn = db.session.scalars(owned(Transaction, ledger_id).where(Transaction.id == txn_id)
                             .options(joinedload(Transaction.account), joinedload(Transaction.category))).first()
    if txn is None:
        raise NotFound(NOT_FOUND)
    return txn


def fresh(ledger_id, txn_id):
    """The live transaction as last committed (not the session's copy), or None."""
    return db.session.scalars(owned(Transaction, ledger_id).where(Transaction.id == txn_id)
                              .execution_options(populate_existing=True)).first()


def locked_legs(ledger_id, txn_id, *new_account_ids):
    """The transaction and its transfer's other leg (or None), read again once every
    account whose balance the change moves is locked: what was read before the locks
    may have been changed or deleted by a writer that held them."""
    get_transaction(ledger_id, txn_id)  # NotFound before any lock is taken

    def accounts_involved():
        txn = fresh(ledger_id, txn_id)
        if txn is None:
            raise NotFound(NOT_FOUND)
        other = fresh(ledger_id, txn.transfer_id) if txn.transfer_id else None
        return {txn.account_id, *new_account_ids} | ({other.account_id} if other else set())

    balances.lock_accounts_of(ledger_id, accounts_involved)
    txn = fresh(ledger_id, txn_id)
    if txn is None:
        raise NotFound(NOT_FOUND)
    return txn, fresh(ledger_id, txn.transfer_id) if txn.transfer_id else None


def transfer_pair(txn):
    """(out_leg, in_leg) of a transfer, or None for a plain transaction."""
    if not txn.transfer_id:
        return None
    other = db.session.get(Transaction, txn.transfer_id)
    return (txn, other) if txn.amount < 0 else (other, txn)


def rate_text(numerator, denominator):
    """The rate as plain decimal text ("160", never "1.6E+2"), to RATE_DIGITS significant
    digits: the extreme amounts' rates (1e-19 .. 1e19) then still fit the 40-character column."""
    with localcontext() as context:
        context.prec = RATE_DIGITS
        return format((numerator / denominator).normalize(), "f")


def set_fx(out_leg, in_leg, source_account, target_account):
    """Cross-currency transfers keep the other side's amount and the rate on each leg."""
    if source_account.currency == target_account.currency:
        for leg in (out_leg, in_leg):
            leg.foreign_amount = leg.foreign_currency = leg.fx_rate = leg.fx_rate_date = None
        return
    out_value = money.from_minor(-out_leg.amount, source_account.currency)
    in_value = money.from_minor(in_leg.amount, target_account.currency)
    out_leg.foreign_amount, out_leg.foreign_currency = in_leg.amount, target_account.currency
    in_leg.foreign_amount, in_leg.foreign_currency = out_leg.amount, source_account.currency
    out_leg.fx_rate = rate_text(in_value, out_value)
    in_leg.fx_rate = rate_text(out_value, in_value)
    out_leg.fx_rate_date = in_leg.fx_rate_date = out_leg.occurred_at.date()


def sync_other_leg(txn, other, given):
    """After ``txn`` (a leg) changed, make its partner agree: date, note and amount."""
    other.occurred_at = txn.occurred_at
    other.description = txn.description
    other_currency = other.account.currency
    if other_currency == txn.account.currency:
        other.amount = -txn.amount
    elif "counter_amount" in given:
        other.amount = (1 if other.amount > 0 else -1) * abs(
            minor_amount(given["counter_amount"], other_currency, "counter_amount"))
    elif {"amount", "account_id"} & set(given):
        raise Invalid.field("counter_amount",
                            f"The other account uses {other_currency}: give the amount it receives.")
    out_leg, in_leg = (txn, other) if txn.amount < 0 else (other, txn)
    set_fx(out_leg, in_leg, out_leg.account, in_leg.account)
    other.updated_at = utcnow()
