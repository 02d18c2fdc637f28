"""The import pages: upload, CSV column mapping, preview with flips, import, revert,
bad files, the worker thread's progress, isolation and CSRF."""

import io
import os
import re
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Account, CsvProfile, ImportBatch, Transaction
from spendsense.services.io import profiles
from spendsense.services.ledger import accounts
from tests import factories
from tests.web.helpers import at, balance, csrf_token, fresh, live_count, text

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "import-samples"

CSV = (
    "Date;Payee;Description;Amount;Balance\n"
    "02.01.2024;Bakery;Bread;-3,50;96,50\n"
    "03.01.2024;Employer;Salary;1.200,00;1.296,50\n"
    "04.01.2024;Coffee Corner;;-2,80;1.293,70\n"
)
# Column names no detector knows: mapped by hand.
ODD_CSV = "When,Who,How much\n2024-02-01,Bakery,-4.20\n2024-02-02,Kiosk,-1.10\n"
# Every date reads both ways.
AMBIGUOUS_CSV = "Date,Payee,Amount\n01/02/2024,Bakery,-1.00\n03/04/2024,Kiosk,-2.00\n"


@pytest.fixture(autouse=True)
def _upload_folder(app, tmp_path):
    app.config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def upload(client, content, name="statement.csv", account=""):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/imports/new", data={"file": (io.BytesIO(data), name), "account_id": str(account)},
                       content_type="multipart/form-data")


def token_of(response):
    match = re.search(r"/imports/pending/([A-Za-z0-9_-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def columns_form(html):
    """The mapping page's fields as they are filled in."""
    data = {}
    for select_html in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
        name = re.search(r'name="([^"]+)"', select_html).group(1)
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_html)
        data[name] = next(group for group in chosen.groups() if group is not None) if chosen else ""
    data["header_line"] = re.search(r'name="header_line"[^>]*value="(\d+)"', html).group(1)
    return data


def map_columns(client, token, **changes):
    page = client.get(f"/imports/pending/{token}/columns")
    assert page.status_code == 200, text(page)
    data = {**columns_form(text(page)), **changes}
    return client.post(f"/imports/pending/{token}/columns", data=data)


def to_preview(client, content, account, name="statement.csv", **mapping):
    response = upload(client, content, name, account)
    assert response.status_code == 302, text(response)
    token = token_of(response)
    if response.headers["Location"].endswith("/columns"):
        response = map_columns(client, token, **mapping)
        assert response.status_code == 302, text(response)
    assert response.headers["Location"].endswith(f"/imports/pending/{token}/preview")
    return token


def confirm(client, token, ticked, name=""):
    return client.post(f"/imports/pending/{token}/preview", data={"import": [str(i) for i in ticked], "name": name})


def batch_of(ledger):
    fresh()
    return db.session.scalars(select(ImportBatch).where(ImportBatch.ledger_id == ledger)
                              .order_by(ImportBatch.id.desc())).first()


def test_imports_page_is_in_the_menu_and_empty(logged_in):
    page = text(logged_in.get("/dashboard"))
    assert 'href="/imports"' in page
    listing = logged_in.get("/imports")
    assert listing.status_code == 200
    assert "No imports yet." in text(listing)


def test_upload_page_offers_open_accounts_and_a_new_one(logged_in, ledger, main):
    archived = accounts.create_account(ledger, "Old", currency="EUR")
    accounts.archive_account(ledger, archived.id, archived=True)
    page = text(logged_in.get("/imports/new"))
    assert "Main (EUR)" in page and "Old (EUR)" not in page
    assert "A new account, from the file&#39;s details" in page or "A new account, from the file's details" in page
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page


def test_csv_upload_detects_the_dialect_and_columns(logged_in, main):
    response = upload(logged_in, CSV, account=main)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/columns")
    page = text(logged_in.get(response.headers["Location"]))
    form = columns_form(page)
    assert form["delimiter"] == ";" and form["decimal"] == "," and form["date_format"] == "%d.%m.%Y"
    assert form["header_line"] == "1"
    assert [form[f"columns-{i}"] for i in range(5)] == ["date", "payee", "description", "amount", "balance"]
    assert "1.200,00" in page  # a sample value under its column


def test_csv_preview_import_result_and_revert(logged_in, ledger, main):
    token = to_preview(logged_in, CSV, main)
    preview = text(logged_in.get(f"/imports/pending/{token}/preview"))
    assert re.search(r'data-count="new">3<', preview)
    assert "Bakery" in preview and "Coffee Corner" in preview and "−€3.50" in preview
    assert live_count(ledger) == 0  # nothing written before the confirmation

    response = confirm(logged_in, token, [0, 1, 2], name="January")
    assert response.status_code == 302
    batch = batch_of(ledger)
    assert response.headers["Location"].endswith(f"/imports/{batch.id}")
    assert (batch.name, batch.new_count, batch.file_name) == ("January", 3, "statement.csv")
    assert balance(main) == 10000 - 350 + 120000 - 280
    result = text(logged_in.get(f"/imports/{batch.id}"))
    assert "Imported 3 rows into Main." in result
    # The file's balance column closes at 1,293.70; the account holds 1,293.70 too.
    assert re.search(r"data-statement-balance>€1,293.70<", result)
    assert re.search(r"data-difference[^>]*>€0.00<", result)
    assert "period=custom" in result and "start=2024-01-02" in result and "end=2024-01-04" in result

    listing = text(logged_in.get("/imports"))
    assert "January" in listing and "3 new" in listing and "Reconciled" in listing

    confirm_page = text(logged_in.get(f"/imports/{batch.id}/revert"))
    assert "data-live-rows>3<" in confirm_page and "Remove 3 transactions" in confirm_page
    assert logged_in.post(f"/imports/{batch.id}/revert").status_code == 302
    assert live_count(ledger) == 0 and balance(main) == 10000
    listing = text(logged_in.get("/imports"))
    assert "data-reverted" in listing and "Revert</a>" not in listing
    assert "This import was reverted" in text(logged_in.get(f"/imports/{batch.id}/revert"))
    # A second revert changes nothing.
    assert logged_in.post(f"/imports/{batch.id}/revert").status_code == 200
    assert balance(main) == 10000


def test_reimport_finds_duplicates_and_a_flip_imports_one_anyway(logged_in, ledger, main):
    confirm(logged_in, to_preview(logged_in, CSV, main), [0, 1, 2])
    token = to_preview(logged_in, CSV, main)
    preview = text(logged_in.get(f"/imports/pending/{token}/preview"))
    assert re.search(r'data-count="new">0<', preview) and re.search(r'data-count="duplicate">3<', preview)
    assert "Same as 2024-01-02 · Bakery · −€3.50" in preview
    assert preview.count('name="import"') == 3 and " checked" not in preview.split('id="preview-form"')[1]
    confirm(logged_in, token, [2])  # the coffee, imported anyway
    batch = batch_of(ledger)
    assert (batch.new_count, batch.duplicate_count) == (1, 2)
    assert live_count(ledger) == 4


def test_hand_entered_row_shows_as_matched_and_can_be_left_out(logged_in, ledger, main):
    factories.create_transaction(ledger, amount="-3.50", account_id=main, occurred_at=at("2024-01-03"),
                                 payee="Bakery shop")
    token = to_preview(logged_in, CSV, main)
    preview = text(logged_in.get(f"/imports/pending/{token}/preview"))
    assert re.search(r'data-count="matched">1<', preview)
    assert "Matches 2024-01-03 · Bakery shop · −€3.50" in preview
    confirm(logged_in, token, [1])  # the salary only: the coffee is left out
    batch = batch_of(ledger)
    assert (batch.new_count, batch.duplicate_count, batch.matched_count) == (1, 0, 1)  # the coffee: left out
    fresh()
    payees = sorted(db.session.scalars(select(Transaction.payee).where(Transaction.ledger_id == ledger)))
    assert payees == ["Bakery shop", "Employer"]


def test_columns_mapped_by_hand_and_remembered_as_a_profile(logged_in, ledger, main):
    response = upload(logged_in, ODD_CSV, account=main)
    token = token_of(response)
    assert response.headers["Location"].endswith("/columns")
    page = text(logged_in.get(f"/imports/pending/{token}/columns"))
    assert "could not be recognised" in page
    # Without a date and an amount column the mapping is refused.
    refused = map_columns(logged_in, token)
    assert refused.status_code == 422 and "Mark the column that holds the date." in text(refused)
    bad_name = map_columns(logged_in, token, **{"columns-0": "date", "columns-1": "payee", "columns-2": "amount"},
                           date_format="%Y-%m-%d", remember="y", profile_name="")
    assert bad_name.status_code == 422 and "Give the profile a name." in text(bad_name)
    done = map_columns(logged_in, token, **{"columns-0": "date", "columns-1": "payee", "columns-2": "amount"},
                       date_format="%Y-%m-%d", decimal=".", remember="y", profile_name="Odd bank")
    assert done.status_code == 302 and done.headers["Location"].endswith("/preview")
    fresh()
    profile = db.session.scalars(select(CsvProfile).where(CsvProfile.ledger_id == ledger)).one()
    assert profile.name == "Odd bank"
    assert profiles.dialect_of(profile).mapping.amount == 2

    # The next file with that header opens with the profile's mapping.
    second = upload(logged_in, ODD_CSV.replace("2024-02-0", "2024-03-0"), account=main)
    page = text(logged_in.get(second.headers["Location"]))
    assert "saved profile “Odd bank”" in page
    form = columns_form(page)
    assert [form["columns-0"], form["columns-1"], form["columns-2"]] == ["date", "payee", "amount"]


def test_ambiguous_csv_dates_ask_day_or_month_first(logged_in, main):
    response = upload(logged_in, AMBIGUOUS_CSV, account=main)
    token = token_of(response)
    page = text(logged_in.get(f"/imports/pending/{token}/columns"))
    assert "day first or month first" in page
    unanswered = map_columns(logged_in, token)
    assert unanswered.status_code == 422 and "Say whether the dates are day first or month first." in text(unanswered)
    answered = map_columns(logged_in, token, date_order="mdy")
    assert answered.status_code == 302
    preview = text(logged_in.get(answered.headers["Location"]))
    assert "2024-01-02" in preview and "2024-03-04" in preview


def test_a_bad_amount_after_mapping_names_its_line(logged_in, ledger, main):
    bad = CSV + "05.01.2024;Shop;;twelve;1.000,00\n"
    response = upload(logged_in, bad, account=main)
    assert response.status_code == 422
    assert "Line 5" in text(response) and "twelve" in text(response)
    assert live_count(ledger) == 0


def test_ofx_sample_goes_straight_to_the_preview_and_imports(logged_in, ledger):
    usd = accounts.create_account(ledger, "Checking", currency="USD").id
    data = (SAMPLES / "ofxtools-stmtrs.ofx").read_bytes()
    response = upload(logged_in, data, "stmtrs.ofx", usd)
    assert response.headers["Location"].endswith("/preview")
    token = token_of(response)
    preview = text(logged_in.get(response.headers["Location"]))
    assert re.search(r'data-count="new">2<', preview) and "US$200.29" in preview
    confirm(logged_in, token, [0, 1])
    batch = batch_of(ledger)
    assert batch.new_count == 2 and batch.statement_balance == 20029
    assert balance(usd) == -50000
    result = text(logged_in.get(f"/imports/{batch.id}"))
    assert re.search(r"data-difference[^>]*>US\$700.29<", result)
    assert "Difference US$700.29" in text(logged_in.get("/imports"))


def test_new_account_from_the_file(logged_in, ledger):
    data = (SAMPLES / "ofxtools-br_nubank_cc.ofx").read_bytes()
    response = upload(logged_in, data, "nubank.ofx", "")
    token = token_of(response)
    fresh()
    account = db.session.scalars(select(Account).where(Account.ledger_id == ledger)).one()
    assert account.currency == "BRL" and account.type == "credits"
    preview = text(logged_in.get(f"/imports/pending/{token}/preview"))
    assert "a new account made from the file" in preview and re.search(r'data-count="new">6<', preview)
    confirm(logged_in, token, range(6))
    batch = batch_of(ledger)
    assert batch.new_count == 6
    # Opened so that the statement's balance is what the account holds afterwards.
    assert balance(account.id) == batch.statement_balance == -128091


def test_discarding_removes_the_file_and_the_empty_new_account(logged_in, ledger, _upload_folder):
    data = (SAMPLES / "ofxtools-br_nubank_cc.ofx").read_bytes()
    token = token_of(upload(logged_in, data, "nubank.ofx", ""))
    assert list(_upload_folder.rglob(f"{token}.bin"))
    assert logged_in.post(f"/imports/pending/{token}/cancel").status_code == 302
    assert not list(_upload_folder.rglob(f"{token}*"))
    fresh()
    assert db.session.scalars(select(Account).where(Account.ledger_id == ledger,
                                                    Account.deleted_at.is_(None))).all() == []
    assert logged_in.get(f"/imports/pending/{token}/preview").status_code == 404


def test_the_pending_file_goes_after_the_import(logged_in, main, _upload_folder):
    token = to_preview(logged_in, CSV, main)
    confirm(logged_in, token, [0])
    assert not list(_upload_folder.rglob(f"{token}*"))
    assert logged_in.get(f"/imports/pending/{token}/preview").status_code == 404


def test_old_pending_files_are_swept_on_the_next_upload(app, logged_in, main, _upload_folder):
    old = to_preview(logged_in, CSV, main)
    app.config["IMPORT_PENDING_SECONDS"] = 0
    time.sleep(0.01)
    upload(logged_in, CSV, account=main)
    assert not list(_upload_folder.rglob(f"{old}*"))


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("statement.ofx", "OFXHEADER:100")
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n", "The file is empty."),
    (bytes(range(256)) * 4, "binary"),
    (_zip(), "ZIP archive"),
    (b"!Type:Bank\nD31/13'2020\nT-1.00\n^\n", "day-first"),
    (b"!Type:Bank\nDnot a date\nT-1.00\n^\n", "Line 2"),
    ("Date;Payee;Amount\n01.02.2024;\"Shop;-1,00\n", "never closed"),
    (b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'>"
     b"<BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr></BkToCstmrStmt></Document>", "statement"),
])
def test_bad_files_are_form_errors_and_import_nothing(logged_in, ledger, main, _upload_folder, content, message):
    response = upload(logged_in, content, "bad.txt", main)
    assert response.status_code == 422
    assert message in text(response)
    assert live_count(ledger) == 0 and batch_of(ledger) is None
    assert not list(_upload_folder.rglob("*.bin"))


def test_wrong_currency_for_the_account_is_an_error_on_the_account(logged_in, ledger, main):
    data = (SAMPLES / "ofxtools-stmtrs.ofx").read_bytes()  # USD
    response = upload(logged_in, data, "stmtrs.ofx", main)
    assert response.status_code == 422
    assert "The file is in USD; Main uses EUR." in text(response)
    assert live_count(ledger) == 0


def test_file_over_the_size_limit_is_refused(app, logged_in, main, _upload_folder):
    app.config["IMPORT_MAX_BYTES"] = 50
    response = upload(logged_in, CSV, account=main)
    assert response.status_code == 422 and "larger than 50 bytes" in text(response)
    assert not list(_upload_folder.rglob("*.bin"))


def wait_for(client, token, states=("working", "importing")):
    for _ in range(600):  # up to 30 s: the worker thread shares a busy 2-core machine with the suite
        status = client.get(f"/imports/pending/{token}/status").get_json()
        if status["state"] not in states:
            return status
        time.sleep(0.05)
    raise AssertionError(f"still {status}")


def test_large_file_runs_in_a_worker_thread_with_a_progress_endpoint(app, logged_in, ledger, main):
    app.config["IMPORT_BACKGROUND_ROWS"] = 2
    response = upload(logged_in, CSV, account=main)
    token = token_of(response)
    map_page = logged_in.get(response.headers["Location"])
    if response.headers["Location"].endswith(token):  # the first reading runs in the worker too
        # The progress page polls with imports.js; a worker that finished first sends it on at once.
        assert "js/imports.js" in text(map_page) if map_page.status_code == 200 else map_page.status_code == 302
        wait_for(logged_in, token)
    mapped = map_columns(logged_in, token)
    assert mapped.headers["Location"].endswith(f"/imports/pending/{token}")
    status = wait_for(logged_in, token)
    assert status["state"] == "ready" and status["next"].endswith("/preview") and status["percent"] == 100
    done = confirm(logged_in, token, [0, 1, 2])
    batch_page = re.compile(r"/imports/\d+$")
    if not batch_page.search(done.headers["Location"]):  # else the worker was done before the answer
        assert done.headers["Location"].endswith(f"/imports/pending/{token}")
        progress = logged_in.get(f"/imports/pending/{token}")
        assert progress.status_code in (200, 302)
        status = wait_for(logged_in, token)
        assert status["state"] == "done" and batch_page.search(status["next"])
    batch = batch_of(ledger)
    assert batch.new_count == 3 and balance(main) == 129370


def test_large_bad_file_comes_back_to_the_upload_page(app, logged_in, ledger, main):
    app.config["IMPORT_BACKGROUND_ROWS"] = 1
    response = upload(logged_in, b"!Type:Bank\nDnot a date\nT-1.00\n^\n", "bad.qif", main)
    if response.status_code == 422:  # the worker failed before the upload page looked: it says so at once
        assert "Line 2" in text(response)
        return
    token = token_of(response)
    status = wait_for(logged_in, token)
    assert status["state"] == "failed" and "failed=" in status["next"]
    page = logged_in.get(status["next"])
    assert page.status_code == 422 and "Line 2" in text(page)
    assert logged_in.get(f"/imports/pending/{token}/status").status_code == 404


def test_a_ticked_row_that_is_no_number_is_ignored(logged_in, ledger, main):
    token = to_preview(logged_in, CSV, main)
    assert confirm(logged_in, token, ["²", "0", "1", "2"]).status_code == 302
    assert batch_of(ledger).new_count == 3


def test_double_confirm_imports_once(logged_in, ledger, main):
    token = to_preview(logged_in, CSV, main)
    confirm(logged_in, token, [0, 1, 2])
    again = confirm(logged_in, token, [0, 1, 2])
    assert again.status_code == 404
    fresh()
    assert len(db.session.scalars(select(ImportBatch)).all()) == 1


def test_another_users_batches_and_uploads_are_404(logged_in, bob_client, ledger, main):
    token = to_preview(logged_in, CSV, main)
    for path in (f"/imports/pending/{token}", f"/imports/pending/{token}/status",
                 f"/imports/pending/{token}/columns", f"/imports/pending/{token}/preview"):
        assert bob_client.get(path).status_code == 404, path
    assert bob_client.post(f"/imports/pending/{token}/preview", data={"import": ["0"]}).status_code == 404
    assert bob_client.post(f"/imports/pending/{token}/cancel").status_code == 404
    confirm(logged_in, token, [0, 1, 2])
    batch = batch_of(ledger)
    for path in (f"/imports/{batch.id}", f"/imports/{batch.id}/revert"):
        assert bob_client.get(path).status_code == 404, path
    assert bob_client.post(f"/imports/{batch.id}/revert").status_code == 404
    assert "No imports yet." in text(bob_client.get("/imports"))
    assert live_count(ledger) == 3
    # Bob cannot upload into alice's account either: it is not among his choices.
    response = bob_client.post("/imports/new", data={"file": (io.BytesIO(CSV.encode()), "a.csv"),
                                                     "account_id": str(main)},
                               content_type="multipart/form-data")
    assert response.status_code == 422 and "Not a valid choice" in text(response)


def test_bad_tokens_are_404(logged_in):
    for token in ("x", "../../etc/passwd", "a" * 80, "%2e%2e%2f" * 3):
        assert logged_in.get(f"/imports/pending/{token}/preview").status_code == 404
    assert logged_in.get("/imports/999999").status_code == 404


def test_pages_need_a_login(client):
    for path in ("/imports", "/imports/new", "/imports/1", "/imports/1/revert"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def csrf_browser(database_url, user):
    from tests.conftest import PASSWORD, make_app

    protected = make_app(database_url, WTF_CSRF_ENABLED=True)
    browser = protected.test_client()
    token = csrf_token(text(browser.get("/login")))
    browser.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    yield protected, browser
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_import_post_needs_the_csrf_token(csrf_browser, ledger, main, tmp_path):
    protected, browser = csrf_browser
    protected.config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path / "csrf")
    refused = browser.post("/imports/new", data={"file": (io.BytesIO(CSV.encode()), "a.csv"),
                                                 "account_id": str(main)}, content_type="multipart/form-data")
    assert refused.status_code in (400, 422) and not list((tmp_path / "csrf").rglob("*.bin"))
    page_token = csrf_token(text(browser.get("/imports/new")))
    response = browser.post("/imports/new", data={"file": (io.BytesIO(CSV.encode()), "a.csv"),
                                                  "account_id": str(main), "csrf_token": page_token},
                            content_type="multipart/form-data")
    token = token_of(response)
    mapping = text(browser.get(f"/imports/pending/{token}/columns"))
    fields = columns_form(mapping)
    assert browser.post(f"/imports/pending/{token}/columns", data=fields).status_code in (400, 422)
    fields["csrf_token"] = csrf_token(mapping)
    assert browser.post(f"/imports/pending/{token}/columns", data=fields).status_code == 302
    assert browser.post(f"/imports/pending/{token}/preview", data={"import": ["0"]}).status_code in (400, 422)
    assert live_count(ledger) == 0
    preview = text(browser.get(f"/imports/pending/{token}/preview"))
    browser.post(f"/imports/pending/{token}/preview", data={"import": ["0"], "csrf_token": csrf_token(preview)})
    batch = batch_of(ledger)
    assert batch.new_count == 1
    assert browser.post(f"/imports/{batch.id}/revert").status_code in (400, 422, 200)
    assert live_count(ledger) == 1


def test_an_abandoned_upload_is_swept_with_the_empty_account_it_made(logged_in, ledger, _upload_folder, main):
    data = (SAMPLES / "ofxtools-br_nubank_cc.ofx").read_bytes()
    token = token_of(upload(logged_in, data, "nubank.ofx", ""))  # a new account, then the user walks away
    day_ago = time.time() - 2 * 86400
    for path in _upload_folder.rglob(f"{token}*"):
        os.utime(path, (day_ago, day_ago))
    upload(logged_in, CSV, account=main)  # the next upload sweeps
    assert not list(_upload_folder.rglob(f"{token}*"))
    fresh()
    names = db.session.scalars(select(Account.name).where(Account.ledger_id == ledger,
                                                          Account.deleted_at.is_(None))).all()
    assert names == [db.session.get(Account, main).name]


def test_a_semicolon_file_with_decimal_points_is_offered_points(logged_in, main):
    data = "When;Who;Value\n2024-03-01;Bakery;-2.40\n2024-03-02;Shop;-10.50\n"
    response = upload(logged_in, data, account=main)
    page = text(logged_in.get(response.headers["Location"]))
    assert re.search(r'<option selected value="\."|<option value="\." selected', page), "decimal point chosen"


def test_the_revert_page_says_when_imported_rows_were_changed_since(logged_in, ledger, main):
    token = to_preview(logged_in, CSV, main)
    confirm(logged_in, token, [0, 1, 2])
    batch = batch_of(ledger)
    assert "data-changed-rows" not in text(logged_in.get(f"/imports/{batch.id}/revert"))
    fresh()
    row = db.session.scalars(select(Transaction).where(Transaction.import_batch_id == batch.id)).first()
    row.updated_at = batch.created_at + timedelta(minutes=5)  # edited later
    db.session.commit()
    page = text(logged_in.get(f"/imports/{batch.id}/revert"))
    assert re.search(r"data-changed-rows>1 of them was changed after the import", page)


def test_the_preview_shows_what_the_reader_noted(logged_in, ledger):
    usd = accounts.create_account(ledger, "Card", currency="BRL").id
    token = token_of(upload(logged_in, (SAMPLES / "ofxtools-br_nubank_cc.ofx").read_bytes(), "nubank.ofx", usd))
    preview = text(logged_in.get(f"/imports/pending/{token}/preview"))
    assert re.search(r"data-reader-notes><li>ofxtools could not read the file", preview)
