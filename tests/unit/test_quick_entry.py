"""The quick-entry language: a table of lines and what each one means, the lines that
are refused (and record nothing), and recording through the ledger."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Account, CategoryRule, Report, Transaction
from spendsense.services.entry import parser as quick_entry
from spendsense.services.entry import recorder as quick_record
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, folders
from spendsense.services.ledger.rules import Rule
from spendsense.services.scope import ledger_for
from tests.api.helpers import SYSTEM_CATEGORIES, snapshot

TODAY = date(2024, 6, 5)  # a Wednesday

CATEGORIES = tuple(quick_entry.CategoryRef(number, name, value, kind, icon)
                   for number, (kind, value, name, icon) in enumerate(sorted(SYSTEM_CATEGORIES), start=1))
BY_VALUE = {(c.kind, c.value): c for c in CATEGORIES}
RULES = (Rule("lunch", BY_VALUE["spent", "restaurants"].id, "spent"),
         Rule("taxi", BY_VALUE["spent", "transport"].id, "spent"),
         Rule("Groceries", BY_VALUE["spent", "supermarket"].id, "spent"))
MAIN = quick_entry.AccountRef(1, "Main", "EUR")
ACCOUNTS = (MAIN, quick_entry.AccountRef(2, "Cash", "EUR"), quick_entry.AccountRef(3, "Main bank", "EUR"),
            quick_entry.AccountRef(4, "US card", "USD"))
WORDS = quick_entry.Vocabulary(currency="EUR", categories=CATEGORIES, rules=RULES, accounts=ACCOUNTS,
                               default_account=MAIN)

D = date.fromisoformat
# line: (amount, currency, category value, day, labels, notes, direction)
VALID = {
    # The Xpenser format: type amount notes #tags
    "lunch 45 with jack #work": ("45.00", "EUR", "restaurants", None, ("work",), "with jack", "spent"),
    "Tax 34 office to airport #cash #clientx": ("34.00", "EUR", "other", None, ("cash", "clientx"),
                                                "office to airport", "spent"),
    "Time 37 mins contract review": ("37.00", "EUR", "other", None, (), "mins contract review", "spent"),
    "taxi 34 to terminal 2": ("34.00", "EUR", "transport", None, (), "to terminal 2", "spent"),
    "lunch 45 with 1 234": ("45.00", "EUR", "restaurants", None, (), "with 1 234", "spent"),
    "coffee beans 12 market": ("12.00", "EUR", "other", None, (), "market", "spent"),
    "12 coffee at the station": ("12.00", "EUR", "other", None, (), "at the station", "spent"),
    "bus 2.5": ("2.50", "EUR", "other", None, (), None, "spent"),
    "lunch 45.": ("45.00", "EUR", "restaurants", None, (), None, "spent"),
    "gift 0,99": ("0.99", "EUR", "other", None, (), None, "spent"),
    # Currencies: symbols and codes, glued or apart, before or after
    "45€ taxi": ("45.00", "EUR", "transport", None, (), None, "spent"),
    "€45 taxi": ("45.00", "EUR", "transport", None, (), None, "spent"),
    "$12.50 taxi": ("12.50", "USD", "transport", None, (), None, "spent"),
    "taxi $12.50 to the hotel": ("12.50", "USD", "transport", None, (), "to the hotel", "spent"),
    "taxi 12,50 EUR": ("12.50", "EUR", "transport", None, (), None, "spent"),
    "taxi EUR 12,50": ("12.50", "EUR", "transport", None, (), None, "spent"),
    "taxi 12.50eur": ("12.50", "EUR", "transport", None, (), None, "spent"),
    "dinner 12 GBP": ("12.00", "GBP", "other", None, (), None, "spent"),
    "dinner £12 with anna": ("12.00", "GBP", "other", None, (), "with anna", "spent"),
    "sushi ¥1,234": ("1234", "JPY", "other", None, (), None, "spent"),
    "sushi 1234 JPY": ("1234", "JPY", "other", None, (), None, "spent"),
    "hotel 100 usd": ("100.00", "EUR", "other", None, (), "usd", "spent"),  # only upper-case codes stand apart
    "₴250 market": ("250.00", "UAH", "other", None, (), None, "spent"),
    "books 12 CHF": ("12.00", "CHF", "other", None, (), None, "spent"),
    # Thousands and decimals
    "groceries 1 234,56": ("1234.56", "EUR", "supermarket", None, (), None, "spent"),
    "groceries 1.234,56": ("1234.56", "EUR", "supermarket", None, (), None, "spent"),
    "groceries 1,234.56": ("1234.56", "EUR", "supermarket", None, (), None, "spent"),
    "groceries 1'234.50": ("1234.50", "EUR", "supermarket", None, (), None, "spent"),
    "rent 1 234 EUR": ("1234.00", "EUR", "other", None, (), None, "spent"),
    "car 1 234 567,89 €": ("1234567.89", "EUR", "other", None, (), None, "spent"),
    "car 1 234 567.89€": ("1234567.89", "EUR", "other", None, (), None, "spent"),
    "books 1,234.5": ("1234.50", "EUR", "other", None, (), None, "spent"),
    "flat 1.234.567 EUR": ("1234567.00", "EUR", "other", None, (), None, "spent"),
    "coffee 0.125 BHD": ("0.125", "BHD", "other", None, (), None, "spent"),
    # Direction
    "+500 salary": ("500.00", "EUR", "salary", None, (), None, "earn"),
    "salary +500": ("500.00", "EUR", "salary", None, (), None, "earn"),
    "+ 500 salary": ("500.00", "EUR", "salary", None, (), None, "earn"),
    "salary 3000": ("3000.00", "EUR", "salary", None, (), None, "earn"),
    "gifts 20": ("20.00", "EUR", "gifts", None, (), None, "spent"),
    "+20 gifts from mum": ("20.00", "EUR", "gifts", None, (), "from mum", "earn"),
    "-12 lunch": ("12.00", "EUR", "restaurants", None, (), None, "spent"),
    "+50 refund shoes": ("50.00", "EUR", None, None, (), "shoes", "earn"),
    "deposit interest +3.5": ("3.50", "EUR", "deposit_interest", None, (), None, "earn"),
    # Category by value, by name, by rule
    "transport 2.80": ("2.80", "EUR", "transport", None, (), None, "spent"),
    "Restaurants 30": ("30.00", "EUR", "restaurants", None, (), None, "spent"),
    "clothing and footwear 40": ("40.00", "EUR", "clothing", None, (), None, "spent"),
    "GROCERIES 9": ("9.00", "EUR", "supermarket", None, (), None, "spent"),
    "sun cream 12": ("12.00", "EUR", "other", None, (), None, "spent"),  # "sun" here is no Sunday
    # Dates
    "coffee 3.20 yesterday": ("3.20", "EUR", "other", D("2024-06-04"), (), None, "spent"),
    "coffee 3.20 today": ("3.20", "EUR", "other", TODAY, (), None, "spent"),
    "ticket 5 tomorrow": ("5.00", "EUR", "other", D("2024-06-06"), (), None, "spent"),
    "yesterday coffee 3.20": ("3.20", "EUR", "other", D("2024-06-04"), (), None, "spent"),
    "coffee 3.20 mon": ("3.20", "EUR", "other", D("2024-06-03"), (), None, "spent"),
    "coffee 3.20 wed": ("3.20", "EUR", "other", TODAY, (), None, "spent"),
    "coffee 3.20 last wed": ("3.20", "EUR", "other", D("2024-05-29"), (), None, "spent"),
    "coffee 3.20 on friday": ("3.20", "EUR", "other", D("2024-05-31"), (), None, "spent"),
    "coffee 3.20 2024-06-01": ("3.20", "EUR", "other", D("2024-06-01"), (), None, "spent"),
    "coffee 3.20 01.06.2024": ("3.20", "EUR", "other", D("2024-06-01"), (), None, "spent"),
    "coffee 3.20 3 days ago": ("3.20", "EUR", "other", D("2024-06-02"), (), None, "spent"),
    "coffee 3.20 a week ago": ("3.20", "EUR", "other", D("2024-05-29"), (), None, "spent"),
    "coffee 3.20 2 months ago": ("3.20", "EUR", "other", D("2024-04-05"), (), None, "spent"),
    "coffee 3.20 on 1 jun": ("3.20", "EUR", "other", D("2024-06-01"), (), None, "spent"),
    "coffee 3.20 on jun 1st": ("3.20", "EUR", "other", D("2024-06-01"), (), None, "spent"),
    "coffee 3.20 on 30 dec": ("3.20", "EUR", "other", D("2023-12-30"), (), None, "spent"),
    "coffee 3.20 1 june 2023": ("3.20", "EUR", "other", D("2023-06-01"), (), None, "spent"),
    "lunch 12 may": ("12.00", "EUR", "restaurants", None, (), "may", "spent"),  # a month needs "on" or a year
    # Accounts and tags
    "coffee 3 @cash": ("3.00", "EUR", "other", None, (), None, "spent"),
    "coffee 3 @main_bank": ("3.00", "EUR", "other", None, (), None, "spent"),
    "coffee 3 @us_card": ("3.00", "USD", "other", None, (), None, "spent"),
    "hotel 100 #trip #Trip #work,": ("100.00", "EUR", "other", None, ("trip", "work"), None, "spent"),
    "pizza 15 @Cash #friday yesterday with anna": ("15.00", "EUR", "other", D("2024-06-04"), ("friday",),
                                                   "with anna", "spent"),
}
ACCOUNT_OF = {"coffee 3 @cash": "Cash", "coffee 3 @main_bank": "Main bank", "coffee 3 @us_card": "US card",
              "pizza 15 @Cash #friday yesterday with anna": "Cash"}

INVALID = {
    "": ("q", "Type an expense"),
    "   ": ("q", "Type an expense"),
    "lunch": ("amount", "No amount found"),
    "lunch with jack #work": ("amount", "No amount found"),
    "45€ 12$ taxi": ("amount", "Two amounts in one line"),
    "+5 lunch -3": ("amount", "Two amounts in one line"),
    "1,234 books": ("amount", "ambiguous"),
    "books 1.234": ("amount", "ambiguous"),
    "groceries 1 234": ("amount", "ambiguous"),
    "coffee 3.456 EUR": ("amount", "ambiguous"),
    "coffee 3.4567": ("amount", "more decimals than EUR"),
    "coffee 12.5 JPY": ("amount", "more decimals than JPY"),
    "coffee 1,2,3": ("amount", "not a number I can read"),
    "coffee 0": ("amount", "must not be zero"),
    "coffee 99999999999999999": ("amount", "too large"),
    "coffee 3 @nowhere": ("account", "no account called “nowhere”"),
    "coffee 3 @cash @main_bank": ("account", "one account"),
    "coffee 3 @": ("account", "followed by the account"),
    "coffee 3 yesterday 2024-06-01": ("date", "one date"),
    "coffee 3 31.02.2024": ("date", "no such date"),
    "coffee 3 on 31 jun": ("date", "no 31 jun"),
    "coffee 3 9999 days ago": ("date", "too far back"),
    "# 3 coffee": ("labels", "followed by the tag"),
    "coffee 3 " + " ".join(f"#t{n}" for n in range(21)): ("labels", "at most 20"),
    "coffee 3 \x00": ("q", "control characters"),
    "coffee 3 " + "x" * 500: ("q", "at most 500"),
}


def parse(line):
    return quick_entry.parse(line, today=TODAY, vocabulary=WORDS)


def test_the_table_is_large_enough():
    assert len(VALID) + len(INVALID) >= 60
    assert len(VALID) >= 60


@pytest.mark.parametrize("line", list(VALID))
def test_parse(line):
    amount, currency, category, day, labels, notes, direction = VALID[line]
    entry = parse(line)
    assert (str(entry.amount), entry.currency, entry.category.value if entry.category else None, entry.day,
            entry.labels, entry.notes, entry.direction) == (amount, currency, category, day, labels, notes, direction)
    assert (entry.account.name if entry.account else None) == ACCOUNT_OF.get(line)
    assert entry.signed_amount == (-Decimal(amount) if direction == "spent" else Decimal(amount))


@pytest.mark.parametrize("line", list(INVALID))
def test_refused(line):
    field, message = INVALID[line]
    with pytest.raises(Invalid) as caught:
        parse(line)
    assert field in caught.value.errors
    assert message.lower() in caught.value.message.lower()


@pytest.mark.parametrize("line, kind_word, payee, matched_by", [
    ("lunch 45 with jack", "lunch", "lunch", "rule"),  # a rule keeps the word as payee
    ("transport 3", "transport", None, "value"),  # a category's own name needs no payee
    ("Restaurants 30", "Restaurants", None, "value"),
    ("clothing and footwear 40", "clothing and footwear", None, "name"),
    ("coffee 3", "coffee", "coffee", "default"),
    ("+50 refund", "refund", "refund", "none"),
    ("45€", None, None, "default"),
])
def test_type_and_payee(line, kind_word, payee, matched_by):
    entry = parse(line)
    assert (entry.type, entry.payee, entry.matched_by) == (kind_word, payee, matched_by)


def test_dollar_and_yen_mean_the_accounts_own():
    assert parse("taxi $12 @us_card").currency == "USD"
    canadian = quick_entry.Vocabulary(currency="CAD", default_account=quick_entry.AccountRef(9, "Chequing", "CAD"))
    assert quick_entry.parse("taxi $12", today=TODAY, vocabulary=canadian).currency == "CAD"
    assert quick_entry.parse("taxi ¥12", today=TODAY, vocabulary=canadian).currency == "JPY"


def test_a_currency_without_decimals_reads_one_separator_as_thousands():
    yen = quick_entry.Vocabulary(currency="JPY", default_account=quick_entry.AccountRef(9, "Wallet", "JPY"))
    assert quick_entry.parse("sushi 1,234", today=TODAY, vocabulary=yen).amount == Decimal(1234)


# ---------------------------------------------------------------- through the ledger


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR", opening_balance="100.00").id


def test_record_stores_what_the_preview_showed(ledger, main):
    plan = quick_record.preview(ledger, "lunch 45 with jack #work #food")
    assert snapshot()[0]["transactions"] == 0  # a preview writes nothing
    txn = quick_record.record(ledger, "lunch 45 with jack #work #food")
    db.session.expire_all()
    stored = db.session.get(Transaction, txn.id)
    assert stored.amount == -4500 == -int(plan.amount * 100)
    assert (stored.payee, stored.description, stored.source) == ("lunch", "with jack", "quick")
    assert stored.category.value == "other"
    assert [label.name for label in stored.labels] == ["food", "work"]
    assert stored.occurred_at.date() == plan.occurred_at.date()
    current = folders.current_report(ledger)
    assert stored.report_id == current.id and current.name == "Expenses"
    assert db.session.get(Account, main).balance == 10000 - 4500


@pytest.mark.parametrize("line", ["lunch", "45€ 12$ taxi", "coffee 3 @nowhere", "1,234 books", "tea 12 XOF"])
def test_a_refused_line_records_nothing(ledger, main, line):
    before = snapshot()
    with pytest.raises(Invalid):
        quick_record.record(ledger, line)
    db.session.rollback()
    assert snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_foreign_amount_is_converted_at_the_rate_of_its_day(ledger, main):
    txn = quick_record.record(ledger, "taxi 12 USD 2024-06-03")
    db.session.expire_all()
    stored = db.session.get(Transaction, txn.id)
    # ECB reference rate of 3 June 2024: 1 EUR = 1.0842 USD.
    assert (stored.fx_rate, stored.fx_rate_date) == ("1.0842", date(2024, 6, 3))
    assert (stored.foreign_amount, stored.foreign_currency) == (-1200, "USD")
    assert stored.amount == -1107  # 12 / 1.0842 = 11.068..., to the cent
    weekend = quick_record.record(ledger, "taxi 12 USD 2024-06-01")  # a Saturday: Friday's rate
    assert db.session.get(Transaction, weekend.id).fx_rate_date == date(2024, 5, 31)


def test_a_currency_without_an_offline_rate_is_refused(ledger, main):
    with pytest.raises(Invalid) as caught:
        quick_record.record(ledger, "tea 12 XOF")
    assert "no offline exchange rate for XOF" in caught.value.message


def test_the_first_entry_opens_a_cash_account(ledger):
    txn = quick_record.record(ledger, "coffee 3")
    db.session.expire_all()
    account = db.session.get(Account, db.session.get(Transaction, txn.id).account_id)
    assert (account.name, account.type, account.currency, account.balance) == ("Cash", "cash", "EUR", -300)


def test_choosing_another_category_teaches_a_rule(ledger, main):
    restaurants = next(c for c in quick_record.vocabulary(ledger).categories if c.value == "restaurants")
    txn = quick_record.record(ledger, "coffee 3", category_id=restaurants.id)
    assert db.session.get(Transaction, txn.id).category_id == restaurants.id
    again = quick_record.preview(ledger, "Coffee 4 with bea")
    assert (again.entry.category.id, again.entry.matched_by) == (restaurants.id, "rule")
    assert db.session.scalars(select(CategoryRule.payee_pattern)).all() == ["coffee"]
    salary = next(c for c in quick_record.vocabulary(ledger).categories if c.value == "salary")
    with pytest.raises(Invalid):  # an income category for money out
        quick_record.record(ledger, "coffee 3", category_id=salary.id)


def test_entries_go_to_the_named_open_report_only(ledger, main, other_user):
    trip = folders.create_report(ledger, "Trip")
    txn = quick_record.record(ledger, "taxi 20", report_id=trip.id)
    assert db.session.get(Transaction, txn.id).report_id == trip.id
    folders.close_report(ledger, trip.id)
    with pytest.raises(Invalid):
        quick_record.record(ledger, "taxi 20", report_id=trip.id)
    theirs = folders.create_report(ledger_for(other_user), "Bob's")
    with pytest.raises(NotFound):
        quick_record.record(ledger, "taxi 20", report_id=theirs.id)
