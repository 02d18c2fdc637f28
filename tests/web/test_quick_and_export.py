"""The dashboard's quick entry (live preview, recording), the reports (folders) pages and
the export page."""

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from quiffen import Qif
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import CategoryRule, Report, Transaction
from spendsense.services.ledger import folders as xpense_reports
from spendsense.services.ledger import rules
from tests import factories
from tests.conftest import PASSWORD, make_app
from tests.web.helpers import csrf_token, fresh, live_count, system_category, text


def preview(client, line):
    return client.get("/quick/preview", query_string={"q": line})


def rows(ledger):
    fresh()
    return db.session.scalars(select(Transaction).where(Transaction.ledger_id == ledger)
                              .order_by(Transaction.id)).all()


def test_the_dashboard_has_the_quick_entry_box(logged_in, main):
    html = text(logged_in.get("/dashboard"))
    assert 'id="quick-entry"' in html and 'name="q"' in html and 'data-preview-url="/quick/preview"' in html
    assert "js/quick.js" in html and "css/quick.css" in html
    assert re.search(r'<form method="post" action="/quick"', html)


def test_preview_shows_what_will_be_recorded_and_writes_nothing(logged_in, ledger, main):
    response = preview(logged_in, "lunch 12,50 EUR yesterday with jack #work @main")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    shown = body["preview"]
    assert (shown["amount"], shown["currency"], shown["direction"]) == ("12.50", "EUR", "spent")
    assert shown["category"]["name"] == "Other" and shown["matched_by"] == "default"
    assert (shown["labels"], shown["notes"], shown["type"], shown["account"]) == (["work"], "with jack", "lunch", "Main")
    assert shown["report"] == "Expenses" and shown["new_account"] is False
    assert len(shown["date"]) == 10
    assert live_count(ledger) == 0
    fresh()
    assert db.session.scalars(select(Report)).all() == []


def test_preview_of_a_foreign_amount_shows_the_conversion(logged_in, main):
    shown = preview(logged_in, "taxi $12 2024-06-03").get_json()["preview"]
    assert (shown["amount"], shown["currency"], shown["typed"]) == ("11.07", "EUR", {"amount": "12.00", "currency": "USD"})
    assert shown["conversion"] == {"rate": "1.0842", "rate_date": "2024-06-03", "from": "12.00 USD"}


@pytest.mark.parametrize("line, field", [("lunch", "amount"), ("45€ 12$", "amount"), ("tea 2 @nowhere", "account"),
                                         ("", "q")])
def test_preview_explains_a_refused_line(logged_in, main, line, field):
    response = preview(logged_in, line)
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False and body["field"] == field and body["error"]


def test_recording_a_line(logged_in, ledger, main):
    response = logged_in.post("/quick", data={"q": "+500 salary #june", "next": "/dashboard"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    [txn] = rows(ledger)
    assert (txn.amount, txn.category.value, txn.source, txn.account_id) == (50000, "salary", "quick", main)
    assert [label.name for label in txn.labels] == ["june"]
    assert "Recorded +" in text(logged_in.get("/dashboard"))


def test_a_refused_line_records_nothing_and_keeps_the_text(logged_in, ledger, main):
    response = logged_in.post("/quick", data={"q": "1,234 books"})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"quick": ["1,234 books"]}
    assert live_count(ledger) == 0
    html = text(logged_in.get(response.headers["Location"]))
    assert "Nothing recorded" in html and "ambiguous" in html and 'value="1,234 books"' in html


def test_choosing_a_category_records_it_and_learns_the_word(logged_in, ledger, main):
    restaurants = system_category("restaurants")
    logged_in.post("/quick", data={"q": "coffee 3", "category_id": str(restaurants.id)})
    assert rows(ledger)[0].category_id == restaurants.id
    assert preview(logged_in, "coffee 4").get_json()["preview"]["matched_by"] == "rule"
    fresh()
    assert db.session.scalars(select(CategoryRule.payee_pattern)).all() == ["coffee"]


# The tests below use bob's browser only: the app fixture keeps one app context, so
# Flask-Login's user cached on ``g`` would leak between two logged-in test clients.


def test_another_users_preview_uses_their_own_words(bob_client, ledger, main):
    rules.learn(ledger, "coffee", system_category("restaurants").id)
    shown = preview(bob_client, "coffee 3").get_json()["preview"]
    assert shown["matched_by"] == "default" and shown["account"] == "Cash" and shown["new_account"] is True


@pytest.fixture
def csrf_browser(app, database_url, user, main):
    protected = make_app(database_url, WTF_CSRF_ENABLED=True)
    browser = protected.test_client()
    token = csrf_token(text(browser.get("/login")))
    assert browser.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}).status_code == 302
    yield browser
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def test_recording_needs_the_csrf_token(csrf_browser, ledger):
    assert csrf_browser.post("/quick", data={"q": "coffee 3"}).status_code == 400
    assert live_count(ledger) == 0
    token = csrf_token(text(csrf_browser.get("/dashboard")))
    assert csrf_browser.post("/quick", data={"q": "coffee 3", "csrf_token": token}).status_code == 302
    assert live_count(ledger) == 1


# ---------------------------------------------------------------- reports (folders)


def test_folders_create_rename_close_reopen_and_make_current(logged_in, ledger):
    assert logged_in.post("/reports/folders", data={"name": "Trip"}).status_code == 302
    assert logged_in.post("/reports/folders", data={"name": "June", "make_current": "y"}).status_code == 302
    html = text(logged_in.get("/reports/folders"))
    assert "Trip" in html and "June" in html and "data-current" in html
    trip = xpense_reports.list_reports(ledger)[1]
    assert trip.name == "Trip" and not trip.is_current
    duplicate = logged_in.post("/reports/folders", data={"name": "trip"})
    assert duplicate.status_code == 422 and "already exists" in text(duplicate)

    logged_in.post(f"/reports/folders/{trip.id}/rename", data={"name": "Lisbon"})
    logged_in.post(f"/reports/folders/{trip.id}/current")
    fresh()
    assert (db.session.get(Report, trip.id).name, db.session.get(Report, trip.id).is_current) == ("Lisbon", True)
    logged_in.post(f"/reports/folders/{trip.id}/close")
    fresh()
    closed = db.session.get(Report, trip.id)
    assert closed.is_closed and not closed.is_current
    assert "closed" in text(logged_in.get(f"/reports/folders/{trip.id}"))
    logged_in.post(f"/reports/folders/{trip.id}/reopen")
    fresh()
    assert not db.session.get(Report, trip.id).is_closed


def test_moving_transactions_between_folders(logged_in, ledger, main):
    trip = xpense_reports.create_report(ledger, "Trip")
    ids = [factories.create_transaction(ledger, account_id=main, amount="-5", payee=f"row {n}").id for n in range(3)]
    unfiled = text(logged_in.get("/reports/folders/none"))
    assert all(f'data-id="{i}"' in unfiled for i in ids)
    response = logged_in.post("/reports/folders/move", data={"txn": [str(ids[0]), str(ids[1])], "target": str(trip.id),
                                                             "next": "/reports/folders/none"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/folders/none")
    assert [t.report_id for t in rows(ledger)] == [trip.id, trip.id, None]
    detail = text(logged_in.get(f"/reports/folders/{trip.id}"))
    assert f'data-id="{ids[0]}"' in detail and f'data-id="{ids[2]}"' not in detail
    logged_in.post("/reports/folders/move", data={"txn": [str(ids[0])], "target": "none"})
    assert [t.report_id for t in rows(ledger)] == [None, trip.id, None]


def test_another_user_cannot_see_or_touch_folders(bob_client, ledger, main):
    trip = xpense_reports.create_report(ledger, "Trip")
    assert trip.id == 1
    txn = factories.create_transaction(ledger, account_id=main, amount="-5", report_id=trip.id)
    assert bob_client.get(f"/reports/folders/{trip.id}").status_code == 404
    for action in ("rename", "close", "current", "reopen"):
        assert bob_client.post(f"/reports/folders/{trip.id}/{action}", data={"name": "x"}).status_code == 404
    assert bob_client.post("/reports/folders/move", data={"txn": [str(txn.id)], "target": "none"}).status_code == 404
    assert 'data-report-id="1"' not in text(bob_client.get("/reports/folders"))
    fresh()
    assert (db.session.get(Report, trip.id).name, db.session.get(Transaction, txn.id).report_id) == ("Trip", trip.id)


# ---------------------------------------------------------------- export


@pytest.fixture
def history(ledger, main, savings):
    made = [
        factories.create_transaction(ledger, account_id=main, amount="-12.50", occurred_at="2024-06-01T10:00:00",
                                        payee="=cmd|' /C calc'!A0", category_id=system_category("restaurants").id),
        factories.create_transaction(ledger, account_id=main, amount="1000", occurred_at="2024-06-02T10:00:00",
                                        description="salary", category_id=system_category("salary", "earn").id),
        factories.create_transaction(ledger, account_id=savings, amount="-3", occurred_at="2024-07-01T10:00:00"),
    ]
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="50",
                                 occurred_at="2024-06-03T10:00:00")
    return made


def test_the_export_page_counts_the_filtered_rows(logged_in, history):
    html = text(logged_in.get("/export", query_string={"period": "custom", "start": "2024-06-01", "end": "2024-06-30"}))
    assert re.search(r"data-export-count>4<", html)  # two rows and both legs of the transfer
    assert 'href="/export?format=csv&amp;period=custom&amp;start=2024-06-01&amp;end=2024-06-30"' in html


def test_export_csv_follows_the_filter(logged_in, history):
    response = logged_in.get("/export", query_string={"format": "csv", "period": "custom", "start": "2024-06-01",
                                                      "end": "2024-06-30", "type": "spent"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    exported = list(csv.DictReader(io.StringIO(text(response), newline="")))
    assert [(r["amount"], r["payee"], r["category"]) for r in exported] == [
        ("-12.50", "'=cmd|' /C calc'!A0", "Restaurants")]


def test_export_json_and_qif(logged_in, history):
    params = {"period": "custom", "start": "2024-06-01", "end": "2024-07-31"}
    items = json.loads(text(logged_in.get("/export", query_string={"format": "json", **params})))
    assert sorted(item["amount"] for item in items) == ["-12.50", "-3.00", "-50.00", "1000.00", "50.00"]
    qif = Qif.parse_string(text(logged_in.get("/export", query_string={"format": "qif", **params})))
    assert sorted(str(t.amount) for t in qif.accounts["Main"].transactions["Bank"]) == ["-12.50", "-50.00", "1000.00"]
    assert sorted(str(t.amount) for t in qif.accounts["Savings"].transactions["Bank"]) == ["-3.00", "50.00"]


def test_export_never_includes_another_users_rows(bob_client, history):
    for fmt in ("csv", "json", "qif"):
        body = text(bob_client.get("/export", query_string={"format": fmt, "period": "all"}))
        assert "calc" not in body and "salary" not in body and "12.50" not in body
    assert json.loads(text(bob_client.get("/export", query_string={"format": "json", "period": "all"}))) == []


def test_export_with_an_unknown_format_shows_the_page(logged_in, history):
    response = logged_in.get("/export", query_string={"format": "xls"})
    assert response.status_code == 400 and "Download CSV" in text(response)
