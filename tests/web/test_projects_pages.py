"""Shared-bill pages: access (code, invitation link, SpendSense account), projects,
participants, bills with filters and pages, settle-up, statistics, history, import and
export, invitation QR code, settings, and the dashboard card with the ledger link."""

import io
import json
import re

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Bill, Project, Transaction
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import lookup, stats
from spendsense.services.bills import members as project_members
from spendsense.services.bills import projects as shared_bills
from tests.web.helpers import text

CODE = "flat-code"


def create(client, name="Flat 12", **extra):
    data = {"name": name, "password": CODE, "contact_email": "flat@example.com", "default_currency": "EUR", **extra}
    return client.post("/projects/new", data=data)


@pytest.fixture
def flat(client):
    """The project "flat-12" (EUR) with Ann, Ben and Cid, created in this browser."""
    response = create(client)
    assert response.status_code == 302, text(response)
    for name in ("Ann", "Ben", "Cid"):
        assert client.post("/projects/flat-12/members", data={"name": name}).status_code == 302
    return "flat-12"


def add_bill(client, what="Rent", payer="1", owers=("1", "2", "3"), amount="30", day="2024-05-01", **extra):
    data = {"what": what, "payer": payer, "payed_for": list(owers), "amount": amount, "date": day,
            "original_currency": "EUR", "bill_type": "Expense", **extra}
    return client.post("/projects/flat-12/bills/new", data=data)


def field_error(html, message):
    return f'<small class="error">{message}</small>' in html


# --- access ------------------------------------------------------------------------


PAGES = ["/projects/flat-12/", "/projects/flat-12/bills", "/projects/flat-12/bills/new", "/projects/flat-12/members",
         "/projects/flat-12/settle", "/projects/flat-12/statistics", "/projects/flat-12/history",
         "/projects/flat-12/invite", "/projects/flat-12/settings", "/projects/flat-12/import",
         "/projects/flat-12/export/bills.json"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_for_the_creator(client, flat, path):
    response = client.get(path)
    assert response.status_code == 200, text(response)[:500]


@pytest.mark.parametrize("path", PAGES)
def test_a_new_browser_is_sent_to_the_project_login(app, flat, path):
    stranger = app.test_client()
    response = stranger.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/projects/login?id=flat-12")


def test_unknown_project_looks_like_a_closed_one(client):
    response = client.get("/projects/nope/bills")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/projects/login?id=nope")


def test_login_with_the_private_code(app, flat):
    browser = app.test_client()
    wrong = browser.post("/projects/login", data={"id": "FLAT-12", "password": "nope"})
    assert wrong.status_code == 422
    assert "This project identifier and private code do not match." in text(wrong)
    missing = browser.post("/projects/login", data={"id": "", "password": ""})
    assert missing.status_code == 422
    right = browser.post("/projects/login", data={"id": "FLAT-12", "password": CODE,
                                                  "next": "/projects/flat-12/settle"})
    assert right.headers["Location"] == "/projects/flat-12/settle"
    assert browser.get("/projects/flat-12/settings").status_code == 200


def test_login_never_redirects_off_site(app, flat):
    browser = app.test_client()
    response = browser.post("/projects/login", data={"id": "flat-12", "password": CODE,
                                                     "next": "https://evil.example/"})
    assert response.headers["Location"] == "/projects/flat-12/bills"


def test_invitation_link_makes_a_guest(app, client, flat):
    invite = text(client.get("/projects/flat-12/invite"))
    link = re.search(r'value="(http://localhost/flat-12/join/[^"]+)"', invite).group(1)
    assert "<svg" in invite and "<path" in invite  # the QR code, inline
    guest = app.test_client()
    joined = guest.get(link.replace("http://localhost", ""))
    assert joined.headers["Location"] == "/projects/flat-12/bills"
    assert guest.get("/projects/flat-12/bills").status_code == 200
    assert add_bill(guest).status_code == 302
    settings = guest.get("/projects/flat-12/settings")
    assert settings.status_code == 302 and "/projects/login" in settings.headers["Location"]


def test_bad_or_stale_invitation_link(app, client, flat):
    token = shared_bills.issue_token(lookup.get_project("flat-12"))
    bad = app.test_client().get("/flat-12/join/not-a-token")
    assert "/projects/login" in bad.headers["Location"]
    shared_bills.update_project("flat-12", current_password=CODE, password="new-code")
    stale = app.test_client()
    assert "/projects/login" in stale.get(f"/flat-12/join/{token}").headers["Location"]
    assert stale.get("/projects/flat-12/bills").status_code == 302


def test_leaving_forgets_the_project(client, flat):
    assert client.post("/projects/flat-12/logout").headers["Location"] == "/projects"
    assert client.get("/projects/flat-12/bills").status_code == 302


ADMIN_POSTS = ["/projects/flat-12/settings", "/projects/flat-12/delete", "/projects/flat-12/history/erase",
               "/projects/flat-12/history/toggle"]


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_a_guest_is_asked_for_the_code_before_admin_changes(app, client, flat, path):
    guest = app.test_client()
    guest.get(f"/flat-12/join/{shared_bills.issue_token(lookup.get_project('flat-12'))}")
    response = guest.post(path, data={"password": CODE, "current_password": CODE, "name": "Taken over"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/projects/login?id=flat-12&next=")
    assert "Enter the private code" in text(guest.get(response.headers["Location"]))
    db.session.rollback()
    project = db.session.get(Project, "flat-12")
    assert (project.name, project.history_enabled) == ("Flat 12", True)


@pytest.mark.parametrize("path", ["/projects/flat-12/link", "/projects/flat-12/unlink", "/projects/flat-12/record"])
def test_ledger_links_ask_for_a_spendsense_login_first(app, flat, path):
    response = app.test_client().post(path, data={"member": "1"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_options_needs_no_project(app, flat):
    response = app.test_client().options("/projects/flat-12/bills")
    assert response.status_code == 200 and "GET" in response.headers["Allow"]


def test_project_links_carry_the_project(client, flat):
    page = text(client.get("/projects/flat-12/bills"))
    for tab in ("bills", "members", "settle", "statistics", "history", "import", "invite", "settings"):
        assert f'href="/projects/flat-12/{tab}"' in page, tab
    assert 'href="/projects/flat-12/bills/new"' in page


# --- projects ----------------------------------------------------------------------


def test_home_lists_the_browsers_projects(client, flat):
    page = text(client.get("/projects"))
    assert "Flat 12" in page and 'href="/projects/flat-12/bills"' in page


def test_create_slugifies_the_name(client):
    response = create(client, name="Été à Paris")
    assert response.headers["Location"] == "/projects/ete-a-paris/members"


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "This field is required."),
    ({"contact_email": "nope"}, "Invalid email address."),
    ({"id": "dashboard"}, 'A project with this identifier (&#34;dashboard&#34;) already exists.'),
    ({"default_currency": "ZZZ"}, "Not a valid choice."),
])
def test_create_bad_input(client, data, message):
    response = create(client, **data)
    assert response.status_code == 422
    assert message in text(response)


def test_create_refuses_a_taken_id(client, flat):
    response = create(client)
    assert response.status_code == 422
    assert "already exists" in text(response)


def test_settings_change_with_the_code(client, flat):
    wrong = client.post("/projects/flat-12/settings", data={"name": "Flat", "contact_email": "f@example.com",
                                                            "default_currency": "EUR", "current_password": "x"})
    assert wrong.status_code == 422 and "Invalid private code." in text(wrong)
    ok = client.post("/projects/flat-12/settings", data={"name": "Flat 12b", "contact_email": "f@example.com",
                                                         "default_currency": "EUR", "current_password": CODE})
    assert ok.status_code == 302
    db.session.rollback()
    project = db.session.get(Project, "flat-12")
    assert (project.name, project.history_enabled) == ("Flat 12b", False)


def test_delete_project_needs_the_code(client, flat):
    refused = client.post("/projects/flat-12/delete", data={"password": "nope"})
    assert refused.headers["Location"] == "/projects/flat-12/settings"
    assert db.session.get(Project, "flat-12") is not None
    done = client.post("/projects/flat-12/delete", data={"password": CODE})
    assert done.headers["Location"] == "/projects"
    db.session.rollback()
    assert db.session.get(Project, "flat-12") is None


# --- participants ------------------------------------------------------------------


def test_members_page_and_bad_input(client, flat):
    page = text(client.get("/projects/flat-12/members"))
    assert all(f'data-member="{name}"' in page for name in ("Ann", "Ben", "Cid"))
    duplicate = client.post("/projects/flat-12/members", data={"name": "Ann"})
    assert duplicate.status_code == 422
    assert field_error(text(duplicate), "This project already have this participant")
    bad_weight = client.post("/projects/flat-12/members", data={"name": "Dee", "weight": "0"})
    assert field_error(text(bad_weight), "Weights should be positive")


def test_edit_member_weight(client, flat):
    assert client.get("/projects/flat-12/members/2/edit").status_code == 200
    response = client.post("/projects/flat-12/members/2/edit", data={"name": "Benny", "weight": "1,5"})
    assert response.status_code == 302
    member = lookup.get_member("flat-12", 2)
    assert (member.name, member.weight_milli) == ("Benny", 1500)
    bad = client.post("/projects/flat-12/members/2/edit", data={"name": "Benny", "weight": "abc"})
    assert bad.status_code == 422
    assert client.get("/projects/flat-12/members/99/edit").status_code == 404


def test_deactivate_and_reactivate(client, flat):
    add_bill(client, owers=("1", "2"))
    client.post("/projects/flat-12/members/2/deactivate")
    client.post("/projects/flat-12/members/3/deactivate")
    members = {m.name: m.activated for m in lookup.list_members("flat-12")}
    assert members == {"Ann": True, "Ben": False}  # Cid had no bills: removed
    client.post("/projects/flat-12/members/2/reactivate")
    assert lookup.get_member("flat-12", 2).activated is True


# --- bills -------------------------------------------------------------------------


def test_add_bill_with_arithmetic(client, flat):
    response = add_bill(client, amount="12,5+3*2")
    assert response.headers["Location"] == "/projects/flat-12/bills"
    assert project_bills.list_bills("flat-12")[0].amount == 1850
    page = text(client.get("/projects/flat-12/bills"))
    assert "Rent" in page and "€18.50" in page


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"amount": "1+"}, "amount", "Not a valid amount or expression."),
    ({"amount": "2**8"}, "amount", "Powers (**) are not allowed in an amount."),
    ({"what": ""}, "what", "This field is required."),
    ({"day": "2024-02-30"}, "date", "date must be a date like 2024-06-01."),
    ({"owers": ()}, "payed_for", "This field is required."),
    ({"payer": "9"}, "payer", "Not a valid choice."),
    ({"external_link": "javascript:alert(1)"}, "external_link", "Invalid URL."),
])
def test_add_bill_bad_input(client, flat, extra, field, message):
    response = add_bill(client, **extra)
    assert response.status_code == 422
    assert message in text(response), field
    assert project_bills.list_bills("flat-12") == []


def test_add_another_keeps_the_form(client, flat):
    response = add_bill(client, again="1")
    assert response.headers["Location"] == "/projects/flat-12/bills/new"


def test_edit_and_delete_bill(client, flat):
    add_bill(client)
    form = text(client.get("/projects/flat-12/bills/1/edit"))
    assert 'value="30.00"' in form and 'value="Rent"' in form
    response = client.post("/projects/flat-12/bills/1/edit", data={
        "what": "Rent May", "payer": "2", "payed_for": ["1", "2"], "amount": "40", "date": "2024-05-02",
        "original_currency": "EUR", "bill_type": "Expense"})
    assert response.status_code == 302
    assert stats.balances("flat-12") == {1: -2000, 2: 2000, 3: 0}
    client.post("/projects/flat-12/bills/1/delete")
    assert project_bills.list_bills("flat-12") == []
    assert client.get("/projects/flat-12/bills/1/edit").status_code == 404


def test_filters_and_pages(client, flat):
    for day in range(1, 29):
        project_bills.create_bill("flat-12", what=f"Bread {day}", payer_id=1 + day % 2, owers=[1, 2, 3],
                                  amount="3", date=f"2024-02-{day:02d}")
    for day in range(1, 31):
        project_bills.create_bill("flat-12", what=f"Milk {day}", payer_id=3, owers=[3], amount="1",
                                  date=f"2024-03-{day:02d}")
    first = text(client.get("/projects/flat-12/bills"))
    assert "Page 1 of 2 · 58 bills" in first and "Milk 30" in first and "Bread 1<" not in first
    second = text(client.get("/projects/flat-12/bills?page=2"))
    assert "Bread 1<" in second and "Milk 30" not in second
    found = text(client.get("/projects/flat-12/bills?q=BREAD&payer=2&start=2024-02-10&end=2024-02-15"))
    rows = re.findall(r"<td>(?:↩️ )?(Bread \d+|Milk \d+)", found)
    assert rows == ["Bread 15", "Bread 13", "Bread 11"]
    odd = client.get("/projects/flat-12/bills?start=soon&payer=abc&page=-3")
    assert odd.status_code == 200 and "Ignored the start date" in text(odd)
    assert "No bills match these filters." in text(client.get("/projects/flat-12/bills?q=caviar"))


@pytest.mark.parametrize("query", ["page=²", "page=١", "page=0", "page=99999999999999999999", "payer=²",
                                   "payer=١", "payer=9", "payer=-1"])
def test_odd_numbers_in_the_query_fall_back(client, flat, query):
    add_bill(client, what="Rent")
    response = client.get(f"/projects/flat-12/bills?{query}")
    assert response.status_code == 200
    assert "Rent" in text(response) and "Page 1 of 1" in text(response)


def test_page_links_keep_only_the_filters(client, flat):
    for day in range(1, 52):
        project_bills.create_bill("flat-12", what=f"Tea {day}", payer_id=1, owers=[1], amount="1",
                                  date=f"2024-01-{day % 28 + 1:02d}")
    page = text(client.get("/projects/flat-12/bills?q=tea&project_id=other&next=x"))
    assert 'href="/projects/flat-12/bills?page=2&amp;q=tea"' in page


def test_search_treats_wildcards_literally(client, flat):
    project_bills.create_bill("flat-12", what="100% juice", payer_id=1, owers=[1], amount="1")
    project_bills.create_bill("flat-12", what="juice", payer_id=1, owers=[1], amount="1")
    page = text(client.get("/projects/flat-12/bills?q=%25"))
    assert "100% juice" in page and ">juice<" not in page


# --- settle, statistics, history ---------------------------------------------------


def test_settle_page_and_register(client, flat):
    add_bill(client, amount="30")
    page = text(client.get("/projects/flat-12/settle"))
    assert page.count('data-transfer="') == 2 and "€10.00" in page
    stale = client.post("/projects/flat-12/settle/register", data={"ower": "2", "receiver": "1", "amount": "999"})
    assert stale.status_code == 302
    assert len(project_bills.list_bills("flat-12")) == 1
    client.post("/projects/flat-12/settle/register", data={"ower": "2", "receiver": "1", "amount": "1000"})
    assert stats.balances("flat-12") == {1: 1000, 2: 0, 3: -1000}
    settlement = project_bills.list_bills("flat-12")[0]
    assert (settlement.what, settlement.bill_type, settlement.payer_id, settlement.owers) == (
        "Settlement", "Reimbursement", 2, (1,))
    client.post("/projects/flat-12/settle/register-all")
    assert set(stats.balances("flat-12").values()) == {0}
    assert 'id="all-settled"' in text(client.get("/projects/flat-12/settle"))


def test_settle_all_writes_every_settlement_or_none(client, flat):
    add_bill(client, amount="30")
    client.post("/projects/flat-12/members/3/deactivate")  # Cid owes 10.00 and takes no new bills
    response = client.post("/projects/flat-12/settle/register-all", follow_redirects=True)
    assert "Not a valid choice." in text(response)
    assert [b.what for b in project_bills.list_bills("flat-12")] == ["Rent"]  # not even Ben's settlement
    assert stats.balances("flat-12") == {1: 2000, 2: -1000, 3: -1000}


def test_settle_register_refuses_made_up_transfers(client, flat):
    add_bill(client, amount="30")
    for forged in ({"ower": "²", "receiver": "1", "amount": "1000"}, {"ower": "2", "receiver": "1", "amount": "-1"},
                   {"ower": "1", "receiver": "2", "amount": "1000"}):
        response = client.post("/projects/flat-12/settle/register", data=forged, follow_redirects=True)
        assert "The balances changed meanwhile" in text(response)
    assert len(project_bills.list_bills("flat-12")) == 1


def test_statistics_page(client, flat):
    add_bill(client, amount="30", day="2024-04-10")
    add_bill(client, payer="2", amount="6", day="2024-05-01", owers=("1",))
    page = text(client.get("/projects/flat-12/statistics"))
    assert 'data-member="Ann"' in page and 'data-month="2024-04"' in page and 'data-month="2024-05"' in page
    assert "April 2024" in page and "€36.00" not in page and "€30.00" in page


def test_history_page_toggle_and_erase(client, flat):
    add_bill(client, what="Groceries")
    page = text(client.get("/projects/flat-12/history"))
    assert "Bill <em>Groceries</em> added" in page and "Participant <em>Ann</em> added" in page
    off = client.post("/projects/flat-12/history/toggle", follow_redirects=True)
    assert 'id="history-off"' in text(off) and "History is turned off." in text(off)
    on = client.post("/projects/flat-12/history/toggle", follow_redirects=True)
    assert 'id="history-off"' not in text(on) and "History is now kept." in text(on)
    client.post("/projects/flat-12/history/toggle")
    client.post("/projects/flat-12/history/erase")
    assert 'id="history-empty"' in text(client.get("/projects/flat-12/history"))


# --- import and export -------------------------------------------------------------


def test_export_downloads(client, flat):
    add_bill(client, what="=cmd")
    response = client.get("/projects/flat-12/export/bills.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="flat-12-bills.csv"'
    assert "'=cmd" in text(response)
    assert response.headers["Cache-Control"] == "no-store"  # every bill, opened with the cookie
    plan = client.get("/projects/flat-12/export/settlement.json")
    assert plan.headers["Cache-Control"] == "no-store"
    assert json.loads(text(plan))[0]["receiver"] == "Ann"
    assert client.get("/projects/flat-12/export/bills.xml").status_code == 404
    assert client.get("/projects/flat-12/export/secrets.csv").status_code == 404


def test_import_upload(client, flat):
    rows = [{"date": "2024-01-05", "what": "Cinema", "bill_type": "Expense", "amount": 24.0, "currency": "EUR",
             "payer_name": "Dee", "payer_weight": 1.0, "owers": ["Dee", "Ann"]}]
    upload = {"file": (io.BytesIO(json.dumps(rows).encode()), "bills.json")}
    response = client.post("/projects/flat-12/import", data=upload, content_type="multipart/form-data")
    assert response.headers["Location"] == "/projects/flat-12/bills"
    assert [m.name for m in lookup.list_members("flat-12")] == ["Ann", "Ben", "Cid", "Dee"]
    bad = client.post("/projects/flat-12/import", data={"file": (io.BytesIO(b"[{"), "bad.json")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "Unable to parse JSON" in text(bad)
    missing = client.post("/projects/flat-12/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a file to import." in text(missing)


# --- SpendSense accounts -----------------------------------------------------------


def test_dashboard_card_link_and_recorded_shares(logged_in, main, ledger):
    client = logged_in
    assert create(client).status_code == 302
    for name in ("alice", "Ben"):
        client.post("/projects/flat-12/members", data={"name": name})
    card = text(client.get("/dashboard"))
    assert 'id="projects-card"' in card and "Flat 12" in card
    assert client.post("/projects/flat-12/link", data={"member": "1"}).status_code == 302
    assert lookup.get_member("flat-12", 1).user_id is not None
    response = client.post("/projects/flat-12/record", data={"record": "y", "account": str(main), "category": ""})
    assert response.status_code == 302
    add_bill(client, payer="2", owers=("1", "2"), amount="50")
    txn = db.session.scalars(select(Transaction).where(Transaction.account_id == main)).one()
    assert (txn.amount, txn.description, txn.payee) == (-2500, "Rent", "Flat 12")
    assert "you are alice, balance" in text(client.get("/dashboard"))
    client.post("/projects/flat-12/bills/1/delete")
    db.session.rollback()
    assert db.session.get(Transaction, txn.id).deleted_at is not None


def test_record_refuses_another_currency(logged_in, ledger):
    from spendsense.services.ledger import accounts

    client = logged_in
    create(client)
    client.post("/projects/flat-12/members", data={"name": "alice"})
    client.post("/projects/flat-12/link", data={"member": "1"})
    yen = accounts.create_account(ledger, "Yen", currency="JPY").id
    response = client.post("/projects/flat-12/record", data={"record": "y", "account": str(yen)}, follow_redirects=True)
    assert "Choose an account in EUR" in text(response)
    assert lookup.get_member("flat-12", 1).record_share is False


def test_linking_needs_a_spendsense_login(client, flat):
    response = client.post("/projects/flat-12/link", data={"member": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(Bill.id)) is None
    assert project_members.weight_text(1500) == "1.5"


def test_failed_project_logins_are_rate_limited(database_url, app, client, flat):
    from spendsense.extensions import limiter
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT="2 per minute")
    with limited.app_context():
        limiter.reset()
        browser = limited.test_client()
        assert browser.post("/projects/login", data={"id": "flat-12", "password": CODE}).status_code == 302
        for _ in range(2):
            assert browser.post("/projects/login", data={"id": "flat-12", "password": "no"}).status_code == 422
        throttled = browser.post("/projects/login", data={"id": "flat-12", "password": CODE})
        assert throttled.status_code == 429
        # The form again, the id kept, the code not, the real wait said (issue 13 review).
        html = throttled.get_data(as_text=True)
        assert 'value="flat-12"' in html and CODE not in html and "Too many attempts. Try again in " in html
        assert 0 < int(throttled.headers["Retry-After"]) <= 60
        assert browser.get("/projects/login").status_code == 200  # only attempts are limited
        limiter.reset()
        db.session.remove()
        db.engine.dispose()
