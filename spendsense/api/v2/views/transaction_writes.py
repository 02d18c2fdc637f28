"""Creating, changing (and splitting) and deleting transactions.

Each route checks the row named by the path is the caller's (403 another user's, 404 a
missing one), turns the v2 body into the transaction service's command and answers the
row as every v2 read writes it (views/transactions.answer). v2 speaks in dates: a new
row is at midnight, a changed date keeps the row's time of day, so rows of one day stay
in the order they were in.
"""

from datetime import datetime, time

from spendsense.api.v2 import lookup
from spendsense.api.v2.routes import BadBody, operation
from spendsense.api.v2.schemas.transaction_bodies import (
    NOT_A_TRANSFER,
    NewTransactionBody,
    SplitAnswer,
    TransactionChangeBody,
    TransactionChangeQuery,
)
from spendsense.api.v2.schemas.transactions import Transaction
from spendsense.api.v2.views.transactions import answer
from spendsense.models import Account
from spendsense.models import Transaction as TransactionRow
from spendsense.services.ledger import splits, transactions
from spendsense.services.ledger.commands import UNSET, ChangeTransaction, NewTransaction

SOURCE = "api"
STILL_A_TRANSFER = ("This transaction is one leg of a transfer and stays one; delete the transfer to "
                    "record the money otherwise.")
# v2's names of the command's fields.
RENAMED = {"note": "description", "date": "occurred_at"}


@operation("POST", "/transaction_accounts/<int:id>/transactions", tag="Transactions",
           summary="Create a transaction in a transaction account", body=NewTransactionBody,
           response=Transaction, status=201)
def create_transaction(id, body):
    lookup.owned(Account, id, "Transaction account")
    ledger_id = lookup.ledger_id(write=True)
    cmd = NewTransaction(
        amount=body.amount, account_id=id, occurred_at=datetime.combine(body.date, time.min),
        payee=body.payee, description=body.note, memo=body.memo, cheque_number=body.cheque_number,
        labels=body.labels, category_id=body.category_id, needs_review=body.needs_review, source=SOURCE,
        # PocketSmith's original_payee is "the payee the transaction was created with":
        # kept when the payee is edited later.
        original_payee=body.payee)
    txn = lookup.in_body(lambda: transactions.record(ledger_id, cmd))
    return answer(ledger_id, txn.id)


@operation("PUT", "/transactions/<int:id>", tag="Transactions", summary="Update a transaction",
           description="Only the fields sent change. With `splits` the answer is the transaction and "
                       "the transactions split off it.",
           query=TransactionChangeQuery, body=TransactionChangeBody, response=Transaction | SplitAnswer)
def update_transaction(id, query, body):
    row = lookup.owned(TransactionRow, id, "Transaction")
    ledger_id = lookup.ledger_id(write=True)
    given = {**query.model_dump(include=query.model_fields_set), **body.given()}
    if given.pop("is_transfer", row.is_transfer) != row.is_transfer:
        raise BadBody(STILL_A_TRANSFER if row.is_transfer else NOT_A_TRANSFER)
    parts = given.pop("splits", None)
    if "date" in given:
        given["date"] = datetime.combine(given["date"], row.occurred_at.time())
    cmd = ChangeTransaction(**{RENAMED.get(name, name): value for name, value in given.items()})
    if parts is None:
        lookup.in_body(lambda: transactions.change(ledger_id, id, cmd), path_row=(TransactionRow, id))
        return answer(ledger_id, id)
    parts = [_part(part, row) for part in parts]
    kept_id, split_ids = lookup.in_body(lambda: splits.split(ledger_id, id, cmd, parts, source=SOURCE))
    return SplitAnswer(transaction=answer(ledger_id, kept_id),
                       split_transactions=[answer(ledger_id, split_id) for split_id in split_ids])


def _part(body, row):
    given = body.given()
    day = given.get("date")
    return splits.SplitPart(
        amount=body.amount, payee=given.get("payee", UNSET), category_id=given.get("category_id", UNSET),
        occurred_at=UNSET if day is None else datetime.combine(day, row.occurred_at.time()),
        description=body.note)


@operation("DELETE", "/transactions/<int:id>", tag="Transactions", summary="Delete a transaction",
           description="Deleting one leg of a transfer deletes both.")
def delete_transaction(id):
    lookup.owned(TransactionRow, id, "Transaction")
    transactions.delete(lookup.ledger_id(write=True), id)
