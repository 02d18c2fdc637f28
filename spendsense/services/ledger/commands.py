"""The commands every front door builds to write transactions.

Each door (web forms, v1, Xpenser, quick entry, shared-bill shares, and later v2,
imports and recurring events) parses its own input into one of these frozen values,
in its own dialect's words, and hands it to services/ledger/transactions.py or
transfers.py. Those resolve names and enforce every rule inside one write
transaction, so a rule is written once and holds whatever door a write came through.

Amounts are exact ``Decimal`` values, parsed once by the door (``money.parse_number``):
whether they fit the account's currency is a rule, checked by the service once the
account is known. Text fields are as typed; the service strips and checks them.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from spendsense.services.exchange import Conversion


class _Unset:
    """The value of a ChangeTransaction field the caller leaves as it is."""

    def __repr__(self):
        return "UNSET"


UNSET = _Unset()


@dataclass(frozen=True, slots=True)
class NewTransaction:
    """One income (amount > 0) or expense (amount < 0) to record in an account.

    The account is given by id or by name (v1 and Xpenser name it); the category by id,
    by value (v1: "supermarket", of the kind the amount's sign gives), or not at all,
    when the ledger's category rules pick one from the payee. ``report_id`` files it in
    an Xpenser folder, ``current_report`` in the ledger's current one. ``conversion``
    keeps the amount as typed in another currency and the rate used to convert it.
    """

    amount: Decimal
    account_id: int | None = None
    account_name: str | None = None
    category_id: int | None = None
    category_value: str | None = None
    occurred_at: datetime | None = None  # None: now, in the owner's time zone
    payee: str | None = None
    description: str | None = None
    memo: str | None = None
    cheque_number: str | None = None
    labels: tuple[str, ...] = ()
    status: str = "posted"
    needs_review: bool = False
    source: str = "web"
    external_id: str | None = None
    report_id: int | None = None
    current_report: bool = False
    conversion: Conversion | None = None
    apply_rules: bool = True
    original_payee: str | None = None  # the payee as the bank wrote it, before cleaning
    import_batch_id: int | None = None  # the import that creates the row (set by services/io/imports.py)


@dataclass(frozen=True, slots=True)
class ChangeTransaction:
    """The fields of a transaction to change; UNSET ones stay as they are.

    On a transfer leg, amount, date and note change on both legs; ``counter_amount``
    is what the other leg's account receives when the two currencies differ.
    ``category_id=None`` makes a transaction uncategorised, ``report_id=None`` unfiles it.
    """

    account_id: int | None = UNSET
    amount: Decimal = UNSET
    counter_amount: Decimal = UNSET
    occurred_at: datetime = UNSET
    category_id: int | None = UNSET
    payee: str | None = UNSET
    description: str | None = UNSET
    memo: str | None = UNSET
    cheque_number: str | None = UNSET
    labels: tuple[str, ...] = UNSET
    status: str = UNSET
    needs_review: bool = UNSET
    report_id: int | None = UNSET
    conversion: Conversion | None = UNSET

    def given(self):
        """{field: value} of the fields the caller set."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__
                if getattr(self, name) is not UNSET}


@dataclass(frozen=True, slots=True)
class ChangeTransfer:
    """A transfer rewritten as one movement (given by either leg): ``amount`` leaves the
    source (positive); between currencies ``to_amount`` is what arrives. ``occurred_at``
    None keeps the date."""

    from_account_id: int
    to_account_id: int
    amount: Decimal
    to_amount: Decimal | None = None
    occurred_at: datetime | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class NewTransfer(ChangeTransfer):
    """Money moved between two accounts of a ledger, as two linked legs; ``occurred_at``
    None is now, in the owner's time zone."""

    labels: tuple[str, ...] = ()
    source: str = "web"
