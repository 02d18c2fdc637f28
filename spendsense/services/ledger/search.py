"""What a v2 transaction search matches (PocketSmith: "the transaction amount, account
name, payee, category title, note, labels, and the date in ISO 8601 format"), as one
SQL condition.

The text columns of the rows are searched in SQL; the names of accounts, categories
and labels are few, so they are matched here first and the condition asks for those
ids, which costs the row scan nothing more than an IN.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Label, Transaction, transaction_labels
from spendsense.services.ledger.categories import visible

AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def matching(ledger_id, text, accounts):
    """The condition for ``text``; ``accounts`` is {id: (account, institution)} of the
    ledger's live accounts."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # SQLite's LIKE ignores the case of ASCII letters by itself, as fast again as
    # lower(column) LIKE (which folds no more); PostgreSQL's ILIKE folds every letter.
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    matches = [column.like(pattern, escape="\\") if sqlite else column.ilike(pattern, escape="\\")
               for column in (Transaction.payee, Transaction.description, Transaction.memo)]
    key = text.strip().casefold()
    account_ids = [account_id for account_id, (account, _institution) in accounts.items()
                   if key in account.name.casefold()]
    if account_ids:
        matches.append(Transaction.account_id.in_(account_ids))
    category_ids = [category.id for category in db.session.scalars(visible(ledger_id))
                    if key in category.name.casefold()]
    if category_ids:
        matches.append(Transaction.category_id.in_(category_ids))
    label_ids = [label_id for label_id, name in db.session.execute(
        select(Label.id, Label.name).where(Label.ledger_id == ledger_id)) if key in name.casefold()]
    if label_ids:
        matches.append(exists().where(transaction_labels.c.transaction_id == Transaction.id,
                                      transaction_labels.c.label_id.in_(label_ids)))
    matches.extend(_on_day(text.strip()))
    matches.extend(_amounts(text.strip(), accounts))
    return or_(*matches)


def _on_day(text):
    """Rows of the day ``text`` names (YYYY-MM-DD), if it names one."""
    if not DAY.fullmatch(text):
        return []
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return []
    start = datetime.combine(day, time.min)
    return [and_(Transaction.occurred_at >= start, Transaction.occurred_at < start + timedelta(days=1))]


def _amounts(text, accounts):
    """When ``text`` reads as a number, an amount equal to it: signed, it matches that
    sign only; unsigned, either (a list shows a debit of 12.50 as -12.50)."""
    if not AMOUNT.fullmatch(text):
        return []
    number = Decimal(text)
    signs = (1,) if text[0] in "+-" else (1, -1)
    by_places = {}
    for account, _institution in accounts.values():
        by_places.setdefault(money.places(account.currency), []).append(account.id)
    matches = []
    for places, account_ids in sorted(by_places.items()):
        minor = number.scaleb(places)
        if minor == minor.to_integral_value() and minor.adjusted() < 18:
            matches.append(and_(Transaction.account_id.in_(account_ids),
                                Transaction.amount.in_(sorted({sign * int(minor) for sign in signs}))))
    return matches
