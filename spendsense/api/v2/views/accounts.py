"""/accounts, /users/{id}/accounts, /institutions/{id}/accounts and /transaction_accounts:
a SpendSense account is one PocketSmith account with one transaction account, same id.

Lists come in the accounts' display order (position, then id), each read with its
institution in one SELECT however many accounts there are, and their scenarios in one
more.
"""

from collections import defaultdict

from spendsense.api.v2 import lookup, present
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.accounts import (
    Account,
    AccountChange,
    AccountNew,
    AccountOrder,
    TransactionAccount,
    TransactionAccountChange,
)
from spendsense.models import Account as AccountRow
from spendsense.models import Institution
from spendsense.services.ledger import accounts
from spendsense.services.planning import scenarios

TAG = "Accounts"
HELD_TAG = "Transaction Accounts"


def _listed(ledger_id, presenter, **filters):
    as_of = lookup.as_of()
    return [presenter(row, institution, **as_of)
            for row, institution in accounts.with_institutions(ledger_id, **filters)]


def _listed_accounts(ledger_id, **filters):
    as_of = lookup.as_of()
    plans = defaultdict(list)
    for plan in scenarios.list_for_ledger(ledger_id):
        plans[plan.account_id].append(plan)
    return [present.account(row, institution, scenarios=plans[row.id], **as_of)
            for row, institution in accounts.with_institutions(ledger_id, **filters)]


def _one(row, presenter):
    return presenter(row, row.institution, **lookup.as_of())


def _one_account(ledger_id, row):
    return present.account(row, row.institution, scenarios=scenarios.list_for_account(ledger_id, row.id),
                           **lookup.as_of())


@operation("GET", "/accounts/<int:id>", summary="Get account", tag=TAG, response=Account)
def get_account(id):
    return _one_account(lookup.ledger_id(), lookup.owned(AccountRow, id, "Account"))


@operation("PUT", "/accounts/<int:id>", summary="Update account", tag=TAG, body=AccountChange,
           response=Account)
def update_account(id, body):
    account = lookup.owned(AccountRow, id, "Account")
    given = body.given()
    ledger_id = lookup.ledger_id(write=True)
    account = accounts.update_account(
        ledger_id, account.id, name=given.get("title"), type=given.get("type"),
        currency=given.get("currency_code"), is_net_worth=given.get("is_net_worth"))
    return _one_account(ledger_id, account)


@operation("DELETE", "/accounts/<int:id>", summary="Delete account", tag=TAG)
def delete_account(id):
    account = lookup.owned(AccountRow, id, "Account")
    accounts.delete_account(lookup.ledger_id(write=True), account.id, delete_transactions=True)


@operation("GET", "/users/<int:id>/accounts", summary="List accounts in user", tag=TAG,
           response=list[Account])
def list_accounts(id):
    lookup.check_user(id)
    return _listed_accounts(lookup.ledger_id())


@operation("POST", "/users/<int:id>/accounts", summary="Create an account in user", tag=TAG,
           body=AccountNew, response=Account, status=201)
def create_account(id, body):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id(write=True)
    account = lookup.in_body(lambda: accounts.create_account(
        ledger_id, body.title, type=body.type, currency=body.currency_code, institution_id=body.institution_id))
    return _one_account(ledger_id, account)


@operation("PUT", "/users/<int:id>/accounts", summary="Update the display order of accounts in user",
           tag=TAG, body=AccountOrder, response=list[Account],
           description="The listed accounts come first, in the order given; any not listed follow "
                       "in the order they had.")
def reorder_accounts(id, body):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id(write=True)
    accounts.reorder_accounts(ledger_id, [place.id for place in body.accounts])
    return _listed_accounts(ledger_id)


@operation("GET", "/institutions/<int:id>/accounts", summary="List accounts in institution", tag=TAG,
           response=list[Account])
def list_institution_accounts(id):
    institution = lookup.owned(Institution, id, "Institution")
    return _listed_accounts(lookup.ledger_id(), institution_id=institution.id)


@operation("GET", "/transaction_accounts/<int:id>", summary="Get transaction account", tag=HELD_TAG,
           response=TransactionAccount)
def get_transaction_account(id):
    return _one(lookup.owned(AccountRow, id, "Transaction account"), present.transaction_account)


@operation("PUT", "/transaction_accounts/<int:id>", summary="Update transaction account", tag=HELD_TAG,
           body=TransactionAccountChange, response=TransactionAccount,
           description="The starting balance is the account's opening balance: changing it moves "
                       "the current balance by the same amount.")
def update_transaction_account(id, body):
    account = lookup.owned(AccountRow, id, "Transaction account")
    given = body.given()
    changes = {}
    if "institution_id" in given:
        changes["institution_id"] = given["institution_id"]
    if given.get("starting_balance") is not None:
        changes["opening_balance"] = given["starting_balance"]
    if "starting_balance_date" in given:
        # The service reads "" as "no date".
        changes["opening_date"] = given["starting_balance_date"] or ""
    ledger_id = lookup.ledger_id(write=True)
    account = lookup.in_body(lambda: accounts.update_account(ledger_id, account.id, **changes))
    return _one(account, present.transaction_account)


@operation("GET", "/users/<int:id>/transaction_accounts", summary="List transaction accounts in user",
           tag=HELD_TAG, response=list[TransactionAccount])
def list_transaction_accounts(id):
    lookup.check_user(id)
    return _listed(lookup.ledger_id(), present.transaction_account)
