"""alice's small book for the v2 transaction read tests: four accounts in three
currencies (EUR with an institution, JPY with 0 decimals, BHD with 3), a category of
each kind and a transfer category, and rows that exercise every field and filter."""

from dataclasses import dataclass
from datetime import datetime

from spendsense.extensions import db
from spendsense.services.ledger import accounts, categories, institutions
from tests.factories import create_transaction, create_transfer


@dataclass
class Book:
    main: object
    savings: object
    yen: object
    dinar: object
    groceries: object
    salary: object
    moving: object
    rows: dict  # name -> transaction id


def wall(text):
    """A naive wall-clock time, as transactions store them."""
    return datetime.fromisoformat(text)


def make_book(ledger):
    bank = institutions.create_institution(ledger, "Kiwibank", "EUR")
    main = accounts.create_account(ledger, "Main", currency="EUR", opening_balance="100.00",
                                   institution_id=bank.id)
    savings = accounts.create_account(ledger, "Savings", currency="EUR")
    yen = accounts.create_account(ledger, "Yen", currency="JPY", opening_balance="10000")
    dinar = accounts.create_account(ledger, "Dinar", currency="BHD")
    groceries = categories.create_category(ledger, "Groceries", "🛒", "spent", colour="#00ff00")
    salary = categories.create_category(ledger, "Wages", "💰", "earn")
    moving = categories.create_category(ledger, "Moving money", "🔁", "spent", is_transfer=True)
    rows = {
        "shop": create_transaction(ledger, account_id=main.id, amount="-12.50", occurred_at=wall("2024-01-05T10:00"),
                                   payee="Supermarket", original_payee="SUPERMARKET 123 BERLIN",
                                   description="food for the week", memo="weekly", labels=("home", "food"),
                                   category_id=groceries.id, cheque_number="000123").id,
        "pay": create_transaction(ledger, account_id=main.id, amount="1000.00", occurred_at=wall("2024-01-20T09:00"),
                                  payee="Employer", category_id=salary.id).id,
        "corner": create_transaction(ledger, account_id=main.id, amount="-7.25", occurred_at=wall("2024-02-03T12:00"),
                                     description="Corner shop", needs_review=True).id,
        "nothing": create_transaction(ledger, account_id=main.id, amount="-1.00",
                                      occurred_at=wall("2024-02-03T12:00")).id,
        "sushi": create_transaction(ledger, account_id=yen.id, amount="-1500", occurred_at=wall("2024-02-10T19:00"),
                                    payee="Sushi bar").id,
        "souk": create_transaction(ledger, account_id=dinar.id, amount="-1.125", occurred_at=wall("2024-02-11T08:00"),
                                   payee="Souk", source="import", status="pending").id,
        "bus": create_transaction(ledger, account_id=main.id, amount="-3.00", occurred_at=wall("2024-03-02T07:00"),
                                  payee="Bus fare", category_id=moving.id).id,
    }
    out_leg, in_leg = create_transfer(ledger, from_account_id=main.id, to_account_id=savings.id, amount="100.00",
                                      occurred_at=wall("2024-03-01T08:00"), description="to savings")
    rows["transfer_out"], rows["transfer_in"] = out_leg.id, in_leg.id
    db.session.commit()
    return Book(main, savings, yen, dinar, groceries, salary, moving, rows)
