"""GET /api/expenses/: reports, every filter, every format, and delta sync."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from quiffen import Qif
from sqlalchemy import update

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.services.ledger import accounts, folders
from tests.api.xpenser_client import XClient, basic, error

FIELDS = {"category", "status", "rawamount", "sourceid", "notes", "created", "modified", "report", "amount",
          "user", "date", "type", "tags"}


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


@pytest.fixture
def alice(client, user, main):
    return XClient(client, basic("alice"))


def stamp(txn_id, **values):
    """Set created_at/updated_at behind the services' backs, for the time filters."""
    db.session.execute(update(Transaction).where(Transaction.id == txn_id).values(**values))
    db.session.commit()


@pytest.fixture
def sample(alice, ledger):
    """Three expenses in the current report "June", one in "Trip", one income."""
    june = folders.create_report(ledger, "June")
    trip = folders.create_report(ledger, "Trip")
    ids = {
        "lunch": alice.create(type="lunch", amount="12.50", notes="with jack", date="2009-08-01 12:00:00"),
        "taxi": alice.create(type="taxi", amount="3", notes="cash", date="2009-08-02 08:00:00", tags="work"),
        "hotel": alice.create(type="hotel", amount="120", notes="cash", date="2009-08-03 20:00:00"),
        "train": alice.create(type="train", amount="45.10", report=trip.id, date="2009-08-02 10:00:00"),
        "salary": alice.create(type="salary", amount="-1000", date="2009-08-31 09:00:00"),
    }
    for index, name in enumerate(ids):
        moment = datetime.fromisoformat("2009-08-26 00:00:00") + timedelta(hours=index)
        stamp(ids[name], created_at=moment, updated_at=moment)
    return {"ids": ids, "june": june.id, "trip": trip.id}


def pks(items):
    return [item["pk"] for item in items]


def names(sample, items):
    by_id = {v: k for k, v in sample["ids"].items()}
    return sorted(by_id[pk] for pk in pks(items))


def test_json_items_have_the_xpenser_shape(alice, user, sample):
    items = alice.expenses()
    assert len(items) == 5
    item = next(i for i in items if i["pk"] == sample["ids"]["taxi"])
    assert set(item) == {"pk", "model", "fields"} and item["model"] == "xpense.expense"
    fields = item["fields"]
    assert set(fields) == FIELDS
    assert fields["amount"] == fields["rawamount"] == "3.00"
    assert (fields["type"], fields["notes"], fields["report"], fields["user"], fields["status"]) == (
        "taxi", "cash", sample["june"], user.id, 1)
    assert (fields["date"], fields["created"], fields["modified"]) == (
        "2009-08-02 08:00:00", "2009-08-26 01:00:00", "2009-08-26 01:00:00")
    assert len(fields["tags"]) == 1 and isinstance(fields["tags"][0], int)
    assert fields["sourceid"] == "" and isinstance(fields["category"], int)


def test_without_report_the_current_one_is_listed(alice, ledger, sample):
    assert names(sample, alice.expenses(report="")) == ["hotel", "lunch", "salary", "taxi"]
    assert names(sample, alice.expenses(report=sample["trip"])) == ["train"]
    assert len(alice.expenses(report="*")) == 5
    folders.make_current(ledger, sample["trip"])
    assert names(sample, alice.expenses(report="")) == ["train"]
    default = alice.get("expenses/")  # CSV of the current report
    assert default.mimetype == "text/csv" and len(list(csv.DictReader(io.StringIO(default.get_data(as_text=True))))) == 1


@pytest.mark.parametrize("params, expected", [
    ({"date": "01 Aug 2009"}, ["lunch"]),
    ({"date": "01+Aug+2009", "date_op": "gt"}, ["hotel", "salary", "taxi", "train"]),
    ({"date": "02 Aug 2009", "date_op": "lt"}, ["lunch"]),
    ({"date": "2009-08-02", "date_op": "gt"}, ["hotel", "salary"]),
    ({"type": "lunch"}, ["lunch"]),
    ({"type": "LUNCH"}, ["lunch"]),
    ({"type": "salary"}, ["salary"]),
    ({"notes": "cash"}, ["hotel", "taxi"]),
    ({"notes": "cas"}, []),
    ({"amount": "3", "amount_op": "gt"}, ["hotel", "lunch", "train"]),
    ({"amount": "12.5", "amount_op": "lt"}, ["salary", "taxi"]),
    ({"amount": "12.50"}, ["lunch"]),
    ({"amount": "12.505"}, []),
    ({"amount": "0", "amount_op": "lt"}, ["salary"]),
    ({"created": "2009-08-26 01:00:00", "created_op": "gt"}, ["hotel", "salary", "train"]),
    ({"created": "2009-08-26 02:00:00", "created_op": "lt"}, ["lunch", "taxi"]),
    ({"created": "2009-08-26 02:00:00"}, ["hotel"]),
    ({"modified": "2009-08-26 03:00:00", "modified_op": "gt"}, ["salary"]),
    ({"modified": "2009-08-26 00:30:00", "modified_op": "lt"}, ["lunch"]),
    ({"type": "taxi", "notes": "cash", "date": "02 Aug 2009"}, ["taxi"]),
])
def test_filters(alice, sample, params, expected):
    assert names(sample, alice.expenses(**params)) == expected


@pytest.mark.parametrize("params, fragment", [
    ({"format": "xml"}, "format"),
    ({"date": "yesterday"}, "date"),
    ({"date": "31 Feb 2009"}, "date"),
    ({"date": "01 Aug 2009", "date_op": "ge"}, "date_op"),
    ({"amount": "abc"}, "amount"),
    ({"amount": "1", "amount_op": "between"}, "amount_op"),
    ({"created": "26/08/2009"}, "created"),
    ({"modified": "now"}, "modified"),
    ({"report": "abc"}, "report"),
])
def test_bad_filters_are_400(alice, sample, params, fragment):
    error(alice.get("expenses/", {"report": "*", **params}), 400, fragment)


def test_an_unknown_report_is_404(alice, sample):
    error(alice.get("expenses/", {"report": "987654"}), 404, "Report not found")


def test_csv(alice, sample):
    response = alice.get("expenses/", {"report": "*", "format": "csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="expenses.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    by_pk = {int(r["pk"]): r for r in rows}
    salary = by_pk[sample["ids"]["salary"]]
    assert (salary["amount"], salary["type"], salary["status"], salary["currency"]) == ("-1000.00", "salary", "1", "EUR")
    assert by_pk[sample["ids"]["taxi"]]["tags"] == "work"


def test_qif(alice, sample):
    response = alice.get("expenses/", {"report": "*", "format": "qif"})
    assert response.headers["Content-Type"].startswith("application/qif")
    qif = Qif.parse_string(response.get_data(as_text=True))
    amounts = sorted(str(t.amount) for t in qif.accounts["Main"].transactions["Bank"])
    assert amounts == ["-12.50", "-120.00", "-3.00", "-45.10", "1000.00"]


def test_formats_list_the_same_rows(alice, sample):
    as_json = pks(alice.expenses(report="*", format="json"))
    as_csv = [int(r["pk"]) for r in csv.DictReader(io.StringIO(
        alice.get("expenses/", {"report": "*", "format": "csv"}).get_data(as_text=True)))]
    assert as_json == as_csv and len(as_json) == 5


def test_delta_sync_sees_creations_edits_and_deletions_exactly_once(alice, sample):
    first = alice.get("expenses/", {"report": "*", "format": "json"})
    mirror = {item["pk"]: item["fields"] for item in first.get_json()}
    cursor = first.headers["X-Sync-Cursor"]
    assert datetime.fromisoformat(cursor) == datetime.fromisoformat("2009-08-26 04:00:00")

    created = alice.create(type="coffee", amount="2.40")
    alice.post(f"expense/{sample['ids']['lunch']}", {"amount": "13"})
    alice.delete(f"expense/{sample['ids']['hotel']}")

    poll = alice.get("expenses/", {"report": "*", "format": "json", "modified": cursor, "modified_op": "gt"})
    changes = {item["pk"]: item["fields"] for item in poll.get_json()}
    assert set(changes) == {created, sample["ids"]["lunch"], sample["ids"]["hotel"]}
    assert changes[created]["status"] == 1 and changes[created]["type"] == "coffee"
    assert changes[sample["ids"]["lunch"]]["amount"] == "13.00"
    assert changes[sample["ids"]["hotel"]]["status"] == 0  # a tombstone
    for pk, fields in changes.items():
        if fields["status"] == 0:
            mirror.pop(pk)
        else:
            mirror[pk] = fields
    assert set(mirror) == set(pks(alice.expenses()))

    again = alice.get("expenses/", {"report": "*", "format": "json", "modified": poll.headers["X-Sync-Cursor"],
                                    "modified_op": "gt"})
    assert again.get_json() == [] and again.headers["X-Sync-Cursor"] == poll.headers["X-Sync-Cursor"]


def test_delta_sync_by_whole_seconds_and_in_csv(alice, sample):
    """A client that only knows the documented format polls with the newest "modified"."""
    alice.delete(f"expense/{sample['ids']['taxi']}")
    stamp(sample["ids"]["taxi"], updated_at=datetime.fromisoformat("2009-08-27 10:00:00.500000"))
    response = alice.get("expenses/", {"report": "*", "format": "csv", "modified": "2009-08-27 09:59:59",
                                       "modified_op": "gt"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(int(r["pk"]), r["status"], r["modified"]) for r in rows] == [
        (sample["ids"]["taxi"], "0", "2009-08-27 10:00:00")]
    assert alice.expenses(modified="2009-08-27 10:00:00", modified_op="gt") == []
    assert sample["ids"]["taxi"] not in pks(alice.expenses())  # plain lists hide tombstones


def test_tombstones_never_reach_qif(alice, sample):
    alice.delete(f"expense/{sample['ids']['taxi']}")
    response = alice.get("expenses/", {"report": "*", "format": "qif", "modified": "2000-01-01 00:00:00",
                                       "modified_op": "gt"})
    amounts = [str(t.amount) for t in Qif.parse_string(response.get_data(as_text=True))
               .accounts["Main"].transactions["Bank"]]
    assert "-3.00" not in amounts and len(amounts) == 4
