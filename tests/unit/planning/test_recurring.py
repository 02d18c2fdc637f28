"""Recurring transactions: post_due posts each due occurrence once, a transaction
entered by hand near it marks it paid instead, and the CLI command and the first
request of the day run it."""

import logging
import os
import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from spendsense import planning_hook
from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.models.planning import BudgetEvent, EventOccurrence
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories
from spendsense.services.planning import events, recurring
from spendsense.services.planning.occurrences import Occurrence
from spendsense.services.planning.repeats import occurrence_id
from spendsense.services.uow import write_transaction
from tests.factories import create_transaction, delete_transaction
from tests.unit.helpers import balance


def d(text):
    return date.fromisoformat(text)


def noon(text):
    return datetime.combine(d(text), time(12))


@pytest.fixture
def rent(ledger):
    return categories.create_category(ledger, "Rent", "🏠", "spent").id


@pytest.fixture
def gym(ledger, scenario, groceries):
    """-25.00 every Tuesday from 2026-11-17, posted automatically."""
    return events.create_event(ledger, scenario, category_id=groceries, amount="-25.00", date=d("2026-11-17"),
                               repeat_type="weekly", note="Gym", post_automatically=True)


@pytest.fixture
def monthly_rent(ledger, scenario, rent):
    """-800.00 on the 1st of each month from 2026-12-01 ("today"), posted automatically."""
    return events.create_event(ledger, scenario, category_id=rent, amount="-800.00", date=d("2026-12-01"),
                               repeat_type="monthly", note="Landlord", post_automatically=True)


def recurring_rows(account_id):
    db.session.rollback()
    return db.session.scalars(select(Transaction).where(Transaction.account_id == account_id,
                                                        Transaction.source == "recurring")
                              .order_by(Transaction.occurred_at)).all()


def states(event):
    db.session.rollback()
    return {row.occurs_on: (row.state, row.transaction_id) for row in db.session.scalars(
        select(EventOccurrence).where(EventOccurrence.event_id == event.id))}


def test_run_twice_posts_once(ledger, account, groceries, gym, today):
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 3, "matched": 0, "failed": 0}
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 0, "matched": 0, "failed": 0}
    rows = recurring_rows(account)
    # Tuesdays 11-17, 11-24 and 12-01 are due; 12-08 is not yet.
    assert [(row.occurred_at, row.amount) for row in rows] == [
        (noon("2026-11-17"), -2500), (noon("2026-11-24"), -2500), (noon("2026-12-01"), -2500)]
    assert {(row.category_id, row.payee, row.description, row.status, row.ledger_id) for row in rows} == {
        (groceries, "Gym", "Gym", "posted", ledger)}
    assert [row.external_id for row in rows] == [f"event:{gym.id}:2026-11-17", f"event:{gym.id}:2026-11-24",
                                                 f"event:{gym.id}:2026-12-01"]
    assert states(gym) == {row.occurred_at.date(): ("posted", row.id) for row in rows}
    assert balance(account) == -7500
    # The next day posts nothing new; a week on, the next Tuesday.
    assert recurring.post_due(today=today + timedelta(days=1), ledger_id=ledger)["posted"] == 0
    assert recurring.post_due(today=today + timedelta(days=7), ledger_id=ledger)["posted"] == 1


def test_a_run_catches_up_31_days_at_most(ledger, account, scenario, groceries, today):
    event = events.create_event(ledger, scenario, category_id=groceries, amount="-1.00", date=d("2026-10-01"),
                                repeat_type="daily", post_automatically=True)
    # 2026-12-01 less 31 days is 2026-10-31: 10-31, 30 days of November and 12-01.
    assert recurring.post_due(today=today, ledger_id=ledger)["posted"] == 32
    assert min(states(event)) == d("2026-10-31")
    assert max(states(event)) == today
    # Later runs book only the days since: the one before is stored.
    assert recurring.post_due(today=today + timedelta(days=2), ledger_id=ledger)["posted"] == 2


def test_series_not_posted_automatically_are_left_alone(ledger, account, scenario, groceries, today):
    events.create_event(ledger, scenario, category_id=groceries, amount="-25.00", date=d("2026-11-20"),
                        repeat_type="daily")
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 0, "matched": 0, "failed": 0}
    assert recurring_rows(account) == []


def test_a_skipped_occurrence_is_not_posted(ledger, account, gym, today):
    events.delete_occurrence(ledger, occurrence_id(gym.id, d("2026-11-24")), "one")
    assert recurring.post_due(today=today, ledger_id=ledger)["posted"] == 2
    assert [row.occurred_at.date() for row in recurring_rows(account)] == [d("2026-11-17"), d("2026-12-01")]


def test_a_matching_manual_transaction_prevents_the_post(ledger, account, rent, monthly_rent, book, today):
    # Paid by hand three days early and 10.00 (1.25 %) less.
    paid = book("-790.00", rent, d("2026-11-28"), payee="Bank transfer")
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 0, "matched": 1, "failed": 0}
    assert recurring_rows(account) == []
    assert states(monthly_rent) == {today: ("paid", paid.id)}
    assert balance(account) == -79000
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 0, "matched": 0, "failed": 0}


def test_a_payee_equal_to_the_note_matches_in_another_category(ledger, account, monthly_rent, book, today):
    other = categories.create_category(ledger, "Misc", "📦", "spent").id
    paid = book("-800.00", other, d("2026-12-03"), payee="  LANDLORD ")
    assert recurring.post_due(today=today, ledger_id=ledger)["matched"] == 1
    assert states(monthly_rent) == {today: ("paid", paid.id)}


@pytest.mark.parametrize(("amount", "day", "matches"), [
    ("-880.00", "2026-12-01", True),    # 10 % more: still within 10 %
    ("-720.00", "2026-12-01", True),    # 10 % less
    ("-888.00", "2026-12-01", False),   # 11 % more
    ("-712.00", "2026-12-01", False),   # 11 % less
    ("-800.00", "2026-11-24", True),    # 7 days before
    ("-800.00", "2026-12-08", True),    # 7 days after
    ("-800.00", "2026-11-23", False),   # 8 days before
    ("-800.00", "2026-12-09", False),   # 8 days after
    ("800.00", "2026-12-01", False),    # money in is not a payment out
])
def test_within_seven_days_and_ten_percent(ledger, account, rent, monthly_rent, book, today, amount, day, matches):
    book(amount, rent if amount.startswith("-") else None, d(day), payee="Bank")
    counts = recurring.post_due(today=today, ledger_id=ledger)
    assert counts == ({"posted": 0, "matched": 1, "failed": 0} if matches else {"posted": 1, "matched": 0, "failed": 0})


def test_another_category_and_payee_does_not_match(ledger, account, monthly_rent, groceries, book, today):
    book("-800.00", groceries, d("2026-12-01"), payee="Supermarket")
    assert recurring.post_due(today=today, ledger_id=ledger)["posted"] == 1


def test_another_account_does_not_match(ledger, account, savings, rent, monthly_rent, book, today):
    book("-800.00", rent, d("2026-12-01"), account_id=savings)
    assert recurring.post_due(today=today, ledger_id=ledger)["posted"] == 1


def test_a_transaction_pays_one_occurrence_the_closest(ledger, account, groceries, gym, book, today):
    # 4 days after 11-24 and 3 days before 12-01: it pays 12-01; 11-24 is posted.
    paid = book("-25.00", groceries, d("2026-11-28"))
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 2, "matched": 1, "failed": 0}
    found = states(gym)
    assert found[today] == ("paid", paid.id)
    assert [found[day][0] for day in (d("2026-11-17"), d("2026-11-24"))] == ["posted", "posted"]


def test_a_transaction_already_tied_to_an_occurrence_is_not_reused(ledger, account, rent, monthly_rent, book,
                                                                   scenario, today):
    paid = book("-800.00", rent, d("2026-12-01"))
    twin = events.create_event(ledger, scenario, category_id=rent, amount="-800.00", date=d("2026-12-01"),
                               repeat_type="once", post_automatically=True)
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 1, "matched": 1, "failed": 0}
    # Equally close to both: the earlier series takes it, the other is posted.
    assert states(monthly_rent) == {today: ("paid", paid.id)}
    assert states(twin)[today][0] == "posted"
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 0, "matched": 0, "failed": 0}


def test_a_deleted_posting_does_not_come_back(ledger, account, monthly_rent, today):
    recurring.post_due(today=today, ledger_id=ledger)
    (posted,) = recurring_rows(account)
    delete_transaction(ledger, posted.id)
    assert recurring.post_due(today=today, ledger_id=ledger)["posted"] == 0
    # Even without its state row, the posting's external id (a tombstone now) keeps it posted once.
    db.session.execute(EventOccurrence.__table__.delete())
    db.session.commit()
    assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 0, "matched": 0, "failed": 0}
    assert states(monthly_rent) == {today: ("posted", posted.id)}
    assert balance(account) == 0


def test_an_event_in_another_currency_is_posted_converted(ledger, account, scenario, groceries, today):
    events.create_event(ledger, scenario, category_id=groceries, amount="-1000", currency="JPY",
                        date=d("2026-12-01"), repeat_type="once", post_automatically=True)
    assert recurring.post_due(today=today, ledger_id=ledger)["posted"] == 1
    (row,) = recurring_rows(account)
    assert (row.foreign_amount, row.foreign_currency) == (-1000, "JPY")
    assert -1000 < row.amount < -300  # 1000 yen in euro cents


def test_a_failing_occurrence_is_logged_and_the_rest_posted(ledger, account, scenario, rent, gym, today, caplog):
    # A positive amount in an expense category: the transaction command refuses it.
    post_against_kind(ledger, scenario, rent)
    with caplog.at_level(logging.WARNING, logger="spendsense.services.planning.recurring"):
        assert recurring.post_due(today=today, ledger_id=ledger) == {"posted": 3, "matched": 0, "failed": 1}
    assert "expense category" in caplog.text
    assert recurring.post_due(today=today, ledger_id=ledger)["failed"] == 1  # tried again, not recorded as done


def test_archived_accounts_post_nothing(ledger, account, gym, today):
    accounts.archive_account(ledger, account)
    assert recurring.post_due(today=today) == {"posted": 0, "matched": 0, "failed": 0}


def test_every_ledger_or_one(ledger, account, gym, other_ledger, other_account, other_scenario, today):
    bills = categories.create_category(other_ledger, "Bills", "🧾", "spent").id
    events.create_event(other_ledger, other_scenario, category_id=bills, amount="-9.99", date=d("2026-12-01"),
                        repeat_type="once", post_automatically=True)
    assert recurring.post_due(today=today, ledger_id=other_ledger)["posted"] == 1
    assert recurring_rows(account) == []
    assert recurring.post_due(today=today) == {"posted": 3, "matched": 0, "failed": 0}
    assert len(recurring_rows(account)) == 3
    assert len(recurring_rows(other_account)) == 1


def test_concurrent_runs_post_once(app, ledger, account, gym, monthly_rent, today):
    db.session.rollback()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(recurring.post_due(today=today))
            except BaseException as exc:  # reported in the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(result["posted"] for result in results) == 4  # three gym Tuesdays and the rent
    assert len(recurring_rows(account)) == 4
    assert balance(account) == -3 * 2500 - 80000


def test_match_offers_the_transaction_without_recording(ledger, account, rent, monthly_rent, book, other_ledger,
                                                        today):
    paid = book("-800.00", rent, d("2026-11-30"))
    occurrence = Occurrence(monthly_rent, today)
    assert recurring.match(ledger, occurrence).id == paid.id
    assert states(monthly_rent) == {}
    assert recurring.match(ledger, Occurrence(monthly_rent, d("2026-10-01"))) is None
    with pytest.raises(NotFound):
        recurring.match(other_ledger, occurrence)


# The command


def test_the_cli_command(runner, ledger, account, gym):
    result = runner.invoke(args=["post-due", "--date", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert result.output == "Posted 3, matched 0 to transactions entered by hand, 0 failed.\n"
    again = runner.invoke(args=["post-due", "--date", "2026-12-01"])
    assert again.output == "Posted 0, matched 0 to transactions entered by hand, 0 failed.\n"
    assert len(recurring_rows(account)) == 3


def test_the_cli_command_defaults_to_each_ledger_s_today(runner, ledger, account, scenario, groceries):
    # The user's time zone is UTC (the default): "today" is the UTC date.
    today = datetime.now(UTC).date()
    events.create_event(ledger, scenario, category_id=groceries, amount="-1.00", date=today,
                        repeat_type="daily", post_automatically=True)
    result = runner.invoke(args=["post-due"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Posted 1,")


def post_against_kind(ledger, scenario, category_id):
    """A series that post-due cannot record (money in, in an expense category): made
    without the flag, which create_event refuses for it, and flagged underneath."""
    event = events.create_event(ledger, scenario, category_id=category_id, amount="50.00", date=d("2026-12-01"),
                                repeat_type="once")
    with write_transaction():
        db.session.get(BudgetEvent, event.id).post_automatically = True
    return event


def test_posting_automatically_what_could_not_be_recorded_is_refused(ledger, scenario, rent):
    with pytest.raises(Invalid) as caught:
        events.create_event(ledger, scenario, category_id=rent, amount="50.00", date=d("2026-12-01"),
                            repeat_type="once", post_automatically=True)
    assert "expense category" in caught.value.errors["post_automatically"]


def test_the_cli_command_reports_failures(runner, ledger, account, scenario, rent):
    post_against_kind(ledger, scenario, rent)
    result = runner.invoke(args=["post-due", "--date", "2026-12-01"])
    assert result.exit_code == 1
    assert "1 failed" in result.output


def test_the_cli_command_refuses_a_bad_date(runner):
    result = runner.invoke(args=["post-due", "--date", "1 December"])
    assert result.exit_code == 2
    assert "--date" in result.output


# The first request of the day


@pytest.fixture
def daily(ledger, account, scenario, groceries):
    """-1.00 a day from today (the real one: the hook posts up to each ledger's today)."""
    today = datetime.now(UTC).date()
    return events.create_event(ledger, scenario, category_id=groceries, amount="-1.00", date=today,
                               repeat_type="daily", post_automatically=True)


def test_the_hook_is_off_in_tests(app, client, daily, account):
    assert app.config["POST_DUE_ON_REQUEST"] is False
    client.get("/login")
    assert recurring_rows(account) == []


def test_the_first_request_of_the_day_posts_once(app, client, daily, account):
    app.config["POST_DUE_ON_REQUEST"] = True
    assert client.get("/login").status_code == 200
    assert client.get("/login").status_code == 200
    (row,) = recurring_rows(account)
    assert row.occurred_at.date() == datetime.now(UTC).date()


@pytest.fixture
def calls(monkeypatch):
    made = []
    monkeypatch.setattr(recurring, "post_due", lambda **kwargs: made.append(kwargs) or
                        {"posted": 0, "matched": 0, "failed": 0})
    return made


def test_the_hook_runs_once_per_period(app, client, calls, monkeypatch):
    app.config["POST_DUE_ON_REQUEST"] = True
    clock = [datetime(2026, 12, 1, 0, 5, tzinfo=UTC)]
    monkeypatch.setattr(planning_hook, "now", lambda: clock[0])
    client.get("/login")
    client.get("/login")
    assert calls == [{}]  # every ledger, each up to its own today
    clock[0] = datetime(2026, 12, 1, 11, 59, tzinfo=UTC)
    client.get("/login")
    assert len(calls) == 1
    clock[0] = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # the western half of the world's morning
    client.get("/login")
    assert len(calls) == 2
    clock[0] = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    client.get("/login")
    client.get("/login")
    assert len(calls) == 3


def test_a_failing_run_never_fails_the_request(app, client, monkeypatch, caplog):
    app.config["POST_DUE_ON_REQUEST"] = True

    def broken(**_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(recurring, "post_due", broken)
    with caplog.at_level(logging.ERROR, logger="spendsense.planning_hook"):
        assert client.get("/login").status_code == 200
    assert "database on fire" in caplog.text
    assert client.get("/login").status_code == 200


def test_the_setting_is_on_in_production_and_off_in_tests(app):
    from spendsense.config import Config, ProductionConfig, TestingConfig

    assert TestingConfig.POST_DUE_ON_REQUEST is False and app.config["POST_DUE_ON_REQUEST"] is False
    if "SPENDSENSE_POST_DUE_ON_REQUEST" not in os.environ:
        assert Config.POST_DUE_ON_REQUEST is True and ProductionConfig.POST_DUE_ON_REQUEST is True


def test_amounts_stay_exact(ledger, account, scenario, groceries, today):
    events.create_event(ledger, scenario, category_id=groceries, amount="-0.10", date=d("2026-11-30"),
                        repeat_type="daily", post_automatically=True)
    recurring.post_due(today=today, ledger_id=ledger)
    assert [row.amount for row in recurring_rows(account)] == [-10, -10]
    assert sum(Decimal(row.amount).scaleb(-2) for row in recurring_rows(account)) == Decimal("-0.20")
    create_transaction(ledger, amount="-0.10", account_id=account, category_id=groceries, occurred_at="2026-12-02")
    assert recurring.post_due(today=d("2026-12-02"), ledger_id=ledger) == {"posted": 0, "matched": 1, "failed": 0}
