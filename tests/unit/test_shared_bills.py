"""Shared-bill services: projects, members, bills, cached totals, settle-up,
history, exports and imports, and the link to a user's personal ledger."""

import csv
import io
import json
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import AuditEvent, Transaction, bill_owers
from spendsense.services.audit import Actor
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import booking, lookup, settle, splits, stats
from spendsense.services.bills import exports as bill_exports
from spendsense.services.bills import members as project_members
from spendsense.services.bills import projects as shared_bills
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import accounts
from tests.unit.helpers import balance

_ids = count()


def new_project(currency="EUR", history=True, owner_id=None):
    return shared_bills.create_project(name="Flat", project_id=f"flat {next(_ids)}", password="code",
                                       contact_email="flat@example.com", default_currency=currency,
                                       history_enabled=history, owner_id=owner_id)


@pytest.fixture
def flat(app):
    project = new_project()
    members = [project_members.add_member(project.id, name).id for name in ("Ann", "Ben", "Cid")]
    return project.id, members


def bill(project_id, payer, owers, amount, **extra):
    return project_bills.create_bill(project_id, what=extra.pop("what", "bill"), payer_id=payer, owers=owers,
                                     amount=amount, **extra)


def assert_totals(project_id):
    db.session.rollback()
    assert splits.inconsistencies(project_id) == []
    assert sum(stats.balances(project_id).values()) == 0


def test_create_project_slugifies_and_hashes(app):
    project = shared_bills.create_project(name="Été", project_id="Été à Paris", password="code",
                                          contact_email="a@example.com")
    assert project.id == "ete-a-paris"
    assert project.password_hash != "code"
    assert shared_bills.authenticate("ETE-A-PARIS", "code").id == "ete-a-paris"
    assert shared_bills.authenticate("ete-a-paris", "nope") is None
    assert shared_bills.authenticate("unknown", "code") is None


def test_create_project_reports_every_field(app):
    with pytest.raises(Invalid) as caught:
        shared_bills.create_project(name="", project_id="!!!", password="", contact_email="x")
    assert caught.value.errors == {"name": "This field is required.",
                                   "id": "The identifier must contain letters or digits.",
                                   "password": "This field is required.", "contact_email": "Invalid email address."}


def test_tokens_follow_the_private_code(app):
    project = new_project()
    token = shared_bills.issue_token(project)
    assert shared_bills.project_for_token(project.id.upper(), token).id == project.id
    assert shared_bills.project_for_token(project.id, token + "x") is None
    shared_bills.update_project(project.id, current_password="code", password="new code")
    assert shared_bills.project_for_token(project.id, token) is None
    assert shared_bills.authenticate(project.id, "code") is None
    assert shared_bills.authenticate(project.id, "new code") is not None


def test_shares_and_totals(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ann, ben, cid], "10")
    bill(project_id, ben, [cid], "4.5", bill_type="Reimbursement")
    assert stats.balances(project_id) == {ann: 666, ben: 117, cid: -783}
    assert_totals(project_id)
    shares = dict(db.session.execute(select(bill_owers.c.member_id, bill_owers.c.share)
                                     .where(bill_owers.c.bill_id == 1)).all())
    assert shares == {ann: 334, ben: 333, cid: 333}


def test_edit_and_delete_keep_totals_exact(flat):
    project_id, (ann, ben, cid) = flat
    first = bill(project_id, ann, [ann, ben], "10")
    bill(project_id, cid, [ann, cid], "7.77")
    project_bills.update_bill(project_id, first.id, what="new", payer_id=ben, owers=[cid], amount="3",
                              bill_type="Reimbursement")
    assert_totals(project_id)
    project_bills.delete_bill(project_id, first.id)
    assert_totals(project_id)
    assert stats.balances(project_id) == {ann: -389, ben: 0, cid: 389}


def test_weight_change_resplits_every_bill(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ann, ben, cid], "30")
    bill(project_id, cid, [ben, cid], "10")
    project_members.update_member(project_id, ben, weight="2")
    assert stats.balances(project_id) == {ann: 2250, ben: -2167, cid: -83}
    assert_totals(project_id)


def test_members_with_bills_are_only_deactivated(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ben], "5")
    assert project_members.remove_member(project_id, ben) == "deactivated"
    assert project_members.remove_member(project_id, cid) == "deleted"
    with pytest.raises(NotFound):
        lookup.get_member(project_id, cid)
    with pytest.raises(Invalid):  # a deactivated member takes no new bills
        bill(project_id, ann, [ben], "5")
    lines = stats.statistics(project_id)
    assert [(line.member.id, line.balance) for line in lines] == [(ann, 500), (ben, -500)]


def test_reactivation_refuses_a_duplicate_name(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ben], "5")
    project_members.remove_member(project_id, ben)
    project_members.add_member(project_id, "Ben")
    with pytest.raises(Invalid, match="already have"):
        project_members.set_active(project_id, ben, True)


def test_register_settlement_brings_balances_to_zero(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ann, ben, cid], "100")
    bill(project_id, ben, [cid], "12.34")
    for transfer in stats.settle_plan(project_id):
        project_bills.register_settlement(project_id, transfer.ower.id, transfer.receiver.id, transfer.amount)
    assert set(stats.balances(project_id).values()) == {0}
    assert stats.settle_plan(project_id) == []
    assert_totals(project_id)


def test_currency_rules_without_exchange_rates(app):
    project = new_project(currency="XXX")
    ann = project_members.add_member(project.id, "Ann").id
    bill(project.id, ann, [ann], "1.25")
    with pytest.raises(Invalid, match="Failed to convert from EUR"):
        bill(project.id, ann, [ann], "1", original_currency="EUR")
    shared_bills.update_project(project.id, current_password="code", default_currency="EUR")
    with pytest.raises(Invalid):
        shared_bills.update_project(project.id, current_password="code", default_currency="USD")
    assert project_bills.list_bills(project.id)[0].original_currency == "EUR"
    jpy = new_project(currency="JPY")
    member = project_members.add_member(jpy.id, "Ann").id
    with pytest.raises(Invalid, match="decimals"):
        bill(jpy.id, member, [member], "1.5")
    assert bill(jpy.id, member, [member], "10/3").amount == 3


def test_history_records_who_changed_what(flat):
    project_id, (ann, ben, _cid) = flat
    created = project_bills.create_bill(project_id, what="Rent", payer_id=ann, owers=[ann, ben], amount="800",
                                        actor=Actor("alice", None))
    project_bills.update_bill(project_id, created.id, what="Rent", payer_id=ann, owers=[ann], amount="750",
                              date=created.date, actor=Actor("bob"))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "bill").order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor) for e in events] == [("create", "alice"), ("update", "bob")]
    changes = json.loads(events[1].changes)
    assert changes["amount"] == ["800.00", "750.00"]
    assert changes["owers"] == [["Ann", "Ben"], ["Ann"]]
    assert "payer" not in changes


def test_history_can_be_turned_off(app):
    project = new_project(history=False)
    project_members.add_member(project.id, "Ann")
    assert db.session.scalars(select(AuditEvent)).all() == []
    shared_bills.set_history(project.id, True)
    project_members.add_member(project.id, "Ben")
    assert len(db.session.scalars(select(AuditEvent)).all()) == 2  # the switch, then Ben


@given(st.lists(st.tuples(st.integers(0, 4), st.lists(st.integers(0, 4), min_size=1, max_size=5),
                          st.integers(-10**7, 10**7), st.booleans(), st.sampled_from(["add", "edit", "delete"])),
                min_size=1, max_size=12),
       st.lists(st.integers(100, 4000), min_size=5, max_size=5))
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_random_projects_stay_consistent(app, operations, weights):
    project = new_project()
    members = [project_members.add_member(project.id, f"m{i}", str(Decimal(w) / 1000)).id
               for i, w in enumerate(weights)]
    made = []
    for payer, owers, minor, reimbursement, action in operations:
        values = {"what": "x", "payer_id": members[payer], "owers": [members[o] for o in owers],
                  "amount": str(Decimal(minor) / 100), "bill_type": "Reimbursement" if reimbursement else "Expense"}
        if action == "edit" and made:
            project_bills.update_bill(project.id, made[-1], **values)
        elif action == "delete" and made:
            project_bills.delete_bill(project.id, made.pop())
        else:
            made.append(project_bills.create_bill(project.id, **values).id)
    assert_totals(project.id)
    balances = stats.balances(project.id)
    plan = settle.settle(balances)
    for transfer in plan:
        balances[transfer.ower] += transfer.amount
        balances[transfer.receiver] -= transfer.amount
    assert set(balances.values()) == {0}


# --- exports and imports ------------------------------------------------------------


def test_export_bills_json_and_csv(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ann, ben], "12.5", what="Courses", date="2024-03-01")
    bill(project_id, ben, [ann], "3", what="=HYPERLINK(\"http://evil\")", date="2024-03-02",
         bill_type="Reimbursement")
    rows = json.loads(bill_exports.export_bills(project_id, "json"))
    assert rows[1] == {"date": "2024-03-01", "what": "Courses", "bill_type": "Expense", "amount": 12.5,
                       "currency": "EUR", "payer_name": "Ann", "payer_weight": 1.0, "owers": ["Ann", "Ben"]}
    text = bill_exports.export_bills(project_id, "csv")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == list(bill_exports.BILL_FIELDS)
    assert lines[1][1] == "'=HYPERLINK(\"http://evil\")"
    assert lines[2] == ["2024-03-01", "Courses", "Expense", "12.50", "EUR", "Ann", "1", "Ann, Ben"]


def test_export_settlement(flat):
    project_id, (ann, ben, cid) = flat
    bill(project_id, ann, [ann, ben, cid], "30")
    assert json.loads(bill_exports.export_settlement(project_id, "json")) == [
        {"ower": "Ben", "receiver": "Ann", "amount": 10.0, "currency": "EUR"},
        {"ower": "Cid", "receiver": "Ann", "amount": 10.0, "currency": "EUR"}]
    assert bill_exports.export_settlement(project_id, "csv").splitlines() == [
        "ower,receiver,amount,currency", "Ben,Ann,10.00,EUR", "Cid,Ann,10.00,EUR"]


def test_formula_cells_are_neutralised(flat):
    project_id, (ann, _ben, _cid) = flat
    project_members.update_member(project_id, ann, name="@SUM(A1)")
    bill(project_id, ann, [ann], "-3", what="+cmd|' /C calc'!A0")
    row = list(csv.reader(io.StringIO(bill_exports.export_bills(project_id, "csv"))))[1]
    assert row[1] == "'+cmd|' /C calc'!A0"
    assert row[3] == "-3.00"  # numbers stay numbers
    assert row[5] == "'@SUM(A1)"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_import_round_trip_and_duplicates(flat, fmt):
    project_id, (ann, ben, cid) = flat
    project_members.update_member(project_id, ben, weight="2")
    bill(project_id, ann, [ann, ben, cid], "30", what="=1+1", date="2024-01-01")
    bill(project_id, ben, [cid], "5.05", what="back", date="2024-01-02", bill_type="Reimbursement")
    data = bill_exports.export_bills(project_id, fmt).encode()
    other = new_project()
    assert bill_exports.import_bills(other.id, data) == 2
    assert bill_exports.export_bills(other.id, fmt) == data.decode()
    assert stats.balances(other.id).values() and sorted(stats.balances(other.id).values()) == sorted(
        stats.balances(project_id).values())
    assert bill_exports.import_bills(other.id, data) == 0  # already there
    assert_totals(other.id)


COSPEND = """what,amount,date,timestamp,payer_name,payer_weight,payer_active,owers,repeat,repeatfreq,repeatallactive,repeatuntil,categoryid,paymentmode,paymentmodeid,comment,deleted
deleteMeIfYouWant,1,1970-01-01,0,Anna,1,1,Anna,n,,,,,,,,0
deleteMeIfYouWant,1,1970-01-01,0,Bert,2,1,Bert,n,,,,,,,,0
deleteMeIfYouWant,1,1970-01-01,0,Carl,1,1,Carl,n,,,,,,,,0
Groceries,30.5,2023-02-01,1675209600,Anna,1,1,"Anna,Bert",n,,,,,,,,0
Old,99,2023-02-02,1675296000,Anna,1,1,Bert,n,,,,,,,,1
Train,12,2023-02-03,1675382400,Bert,2,1,Anna,n,,,,,,,,0

categoryname,categoryid,icon,color
Food,1,🛒,#ff0000
"""


def test_import_cospend_csv(app):
    project = new_project()
    assert bill_exports.import_bills(project.id, COSPEND.encode()) == 2
    names = {m.id: (m.name, m.weight_milli) for m in lookup.list_members(project.id)}
    assert sorted(names.values()) == [("Anna", 1000), ("Bert", 2000), ("Carl", 1000)]
    views = project_bills.list_bills(project.id)
    assert [(v.what, v.amount) for v in views] == [("Train", 1200), ("Groceries", 3050)]
    assert sorted(stats.balances(project.id).values()) == [-833, 0, 833]


@pytest.mark.parametrize(("data", "message"), [
    (b'[{"what": "x"}]', "Missing attribute: amount"),
    (b"not,a,bill\n1,2,3\n", "Missing attribute: amount"),
    (b"[1, 2]", "must hold a list of bills"),
    (b"[{", "Unable to parse JSON"),
    (b"\xff\xfe", "UTF-8"),
    (b'[{"what": "x", "amount": "abc", "date": "2024-01-01", "owers": ["A"], "payer_name": "A", '
     b'"payer_weight": 1}]', "Not a valid amount"),
    (b'[{"what": "x", "amount": 1, "date": "2024-01-01", "owers": ["A"], "payer_name": "A", "payer_weight": 1, '
     b'"currency": "AED"}]', "Failed to convert from AED currency"),
])
def test_import_errors_change_nothing(flat, data, message):
    project_id, _members = flat
    with pytest.raises(Invalid, match=message):
        bill_exports.import_bills(project_id, data)
    db.session.rollback()
    assert len(lookup.list_members(project_id)) == 3
    assert project_bills.list_bills(project_id) == []


def test_import_refuses_many_currencies_without_a_project_currency(app):
    project = new_project(currency="XXX")
    rows = [{"what": "x", "amount": 1, "date": "2024-01-01", "owers": ["A"], "payer_name": "A", "payer_weight": 1,
             "currency": code} for code in ("EUR", "USD")]
    with pytest.raises(Invalid, match="multiple currencies"):
        bill_exports.import_bills(project.id, json.dumps(rows).encode())


# --- the personal ledger -----------------------------------------------------------


@pytest.fixture
def linked(flat, user, ledger):
    project_id, (ann, ben, cid) = flat
    account = accounts.create_account(ledger, "Current", currency="EUR").id
    booking.link(project_id, ann, user.id)
    return project_id, (ann, ben, cid), account


def live_transactions(account_id):
    db.session.rollback()
    return db.session.scalars(select(Transaction).where(Transaction.account_id == account_id,
                                                        Transaction.deleted_at.is_(None))
                              .order_by(Transaction.id)).all()


def test_recording_backfills_and_follows_bills(linked, user):
    project_id, (ann, ben, cid), account = linked
    old = bill(project_id, ben, [ann, ben], "20", what="Pizza", date="2024-02-01")
    bill(project_id, ben, [ann], "5", bill_type="Reimbursement")  # not an expense: not booked
    booking.configure(project_id, ann, user.id, record=True, account_id=account)
    assert [(t.amount, t.description, t.payee) for t in live_transactions(account)] == [(-1000, "Pizza", "Flat")]
    assert balance(account) == -1000

    new = bill(project_id, cid, [ann, ben, cid], "9", what="Wine")
    assert balance(account) == -1300
    project_bills.update_bill(project_id, new.id, what="Wine", payer_id=cid, owers=[ann, cid], amount="9",
                              date="2024-02-03")
    assert balance(account) == -1450
    assert live_transactions(account)[-1].occurred_at.date().isoformat() == "2024-02-03"
    project_bills.update_bill(project_id, new.id, what="Wine", payer_id=cid, owers=[cid], amount="9")
    assert balance(account) == -1000
    project_bills.delete_bill(project_id, old.id)
    assert balance(account) == 0
    assert live_transactions(account) == []


def test_weight_change_moves_the_booked_share(linked, user):
    project_id, (ann, ben, cid), account = linked
    booking.configure(project_id, ann, user.id, record=True, account_id=account)
    bill(project_id, ben, [ann, ben], "30")
    assert balance(account) == -1500
    project_members.update_member(project_id, ann, weight="2")
    assert balance(account) == -2000


def test_turning_recording_off_keeps_booked_transactions(linked, user):
    project_id, (ann, ben, _cid), account = linked
    booking.configure(project_id, ann, user.id, record=True, account_id=account)
    first = bill(project_id, ben, [ann], "8")
    booking.configure(project_id, ann, user.id, record=False)
    project_bills.delete_bill(project_id, first.id)
    assert balance(account) == -800  # detached: the user's record now
    bill(project_id, ben, [ann], "1")
    assert balance(account) == -800


def test_deleting_the_project_deletes_booked_shares(linked, user):
    project_id, (ann, ben, _cid), account = linked
    booking.configure(project_id, ann, user.id, record=True, account_id=account)
    bill(project_id, ben, [ann], "8")
    shared_bills.delete_project(project_id)
    assert balance(account) == 0


def test_link_rules(linked, user, other_user, ledger):
    project_id, (ann, ben, _cid), account = linked
    with pytest.raises(Invalid, match="already linked to another account"):
        booking.link(project_id, ann, other_user.id)
    with pytest.raises(Invalid, match="already linked to Ann"):
        booking.link(project_id, ben, user.id)
    with pytest.raises(Forbidden):
        booking.configure(project_id, ben, user.id, record=True, account_id=account)
    yen = accounts.create_account(ledger, "Yen", currency="JPY").id
    with pytest.raises(Invalid, match="Choose an account in EUR"):
        booking.configure(project_id, ann, user.id, record=True, account_id=yen)
    with pytest.raises(NotFound):  # another user's account
        bob_ledger = booking.personal_ledger(other_user.id)
        bob_account = accounts.create_account(bob_ledger, "Bob's", currency="EUR").id
        booking.configure(project_id, ann, user.id, record=True, account_id=bob_account)
    booking.unlink(project_id, ann, user.id)
    assert lookup.projects_of_user(user.id) == []


def test_a_foreign_currency_bill_is_converted_at_the_reference_rate_of_its_date(app):
    from datetime import date

    from spendsense import money
    from spendsense.models import Bill
    from spendsense.services import exchange

    project = new_project(currency="EUR")
    ann = project_members.add_member(project.id, "Ann").id
    ben = project_members.add_member(project.id, "Ben").id
    created = bill(project.id, ann, [ann, ben], "10.00", original_currency="USD", date="2024-03-01")
    usd_per_eur, published = exchange.rate("EUR", "USD", date(2024, 3, 1))
    expected = money.to_minor(money.quantize(Decimal("10.00") / usd_per_eur, "EUR"), "EUR")
    row = db.session.get(Bill, created.id)
    assert (row.amount, row.original_currency) == (1000, "USD")
    assert row.converted_amount == expected and 900 < expected < 1000
    assert (row.fx_rate, row.fx_rate_date) == (str(usd_per_eur), published)
    # balances are in the project's currency and still sum to zero
    balances = stats.balances(project.id)
    assert sum(balances.values()) == 0
    assert (balances[ann], balances[ben]) == (expected // 2, -(expected // 2))
    # editing back to the project's currency drops the conversion
    project_bills.update_bill(project.id, created.id, what="bill", payer_id=ann, owers=[ann, ben], amount="10",
                              original_currency="EUR", date="2024-03-01")
    row = db.session.get(Bill, created.id)
    assert (row.converted_amount, row.fx_rate, row.fx_rate_date) == (1000, None, None)
