"""Files on a transaction's page: attach, view, remove (with CSRF); the paperclip on the
list; nobody else's files, by page or by link."""

import io
import re
from html import unescape

import pytest
from PIL import Image
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Attachment
from spendsense.services.ledger import accounts, attachments
from tests import factories, files
from tests.files import EXE, PDF, stored
from tests.statements import recorded
from tests.web.helpers import at, csrf_protected, csrf_token, field_errors, fresh, row_ids, text


@pytest.fixture(autouse=True)
def folder(attachment_folder):
    return attachment_folder


def png(size=(900, 600), color=(30, 160, 90)):
    return files.png(size, color)


@pytest.fixture
def txn(ledger, main):
    return factories.create_transaction(ledger, account_id=main, amount="-12.50", payee="Taxi",
                                        occurred_at=at("2026-11-20")).id


def attach(client, txn_id, data, name, title="", **extra):
    return client.post(f"/transactions/{txn_id}/attachments", data={
        "file": (io.BytesIO(data), name), "title": title, **extra}, content_type="multipart/form-data")


def edit_page(client, txn_id):
    response = client.get(f"/transactions/{txn_id}/edit")
    assert response.status_code == 200
    return text(response)


def files_on(html):
    """(attachment id, title) of each file listed on the page."""
    return [(int(number), unescape(title)) for number, title in re.findall(
        r'data-attachment-id="(\d+)".*?class="file-title"[^>]*>([^<]*)<', html, re.S)]


def links_in(html):
    return [unescape(url) for url in re.findall(r'(?:href|src)="(http://localhost/files/[^"]+)"', html)]


def get_file(client, url):
    response = client.get(url.removeprefix("http://localhost"))
    response.get_data()
    response.close()
    return response


def attachment_count():
    fresh()
    return db.session.scalar(select(func.count()).select_from(Attachment))


# -- attach and view -------------------------------------------------------------------

def test_the_page_offers_an_upload_form(logged_in, txn):
    html = edit_page(logged_in, txn)
    assert 'id="attachments"' in html
    assert "No files yet" in html
    assert 'enctype="multipart/form-data"' in html
    assert f'action="/transactions/{txn}/attachments"' in html
    assert 'accept="' in html
    assert "at most 10 MB" in html


def test_attach_a_photo_and_view_it(logged_in, txn, folder):
    response = attach(logged_in, txn, png(), "receipt.png", title="Taxi receipt")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/transactions/{txn}/edit#attachments")
    html = edit_page(logged_in, txn)
    assert "File attached." in html
    [(attachment_id, title)] = files_on(html)
    assert title == "Taxi receipt"
    assert '<span class="file-name">receipt.png</span>' in html
    assert re.search(r'<span class="file-size">[\d.]+ KB</span>', html)
    urls = links_in(html)
    assert len(urls) == 3  # the preview's link, the thumbnail, the title's link
    thumbnail = get_file(logged_in, next(url for url in urls if f'src="{url}"' in html.replace("&amp;", "&")))
    assert thumbnail.status_code == 200
    assert thumbnail.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumbnail.get_data())).size == (300, 200)
    original = get_file(logged_in, urls[-1])
    assert original.get_data() == png()
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    assert len(stored(folder)) == 2  # the original (its own large preview) and the thumbnail


def test_a_document_shows_an_icon_and_downloads(logged_in, txn):
    assert attach(logged_in, txn, PDF, "invoice.pdf").status_code == 302
    html = edit_page(logged_in, txn)
    assert files_on(html)[0][1] == "invoice"
    assert "📄" in html
    response = get_file(logged_in, links_in(html)[-1])
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_two_files_are_listed_newest_first(logged_in, txn):
    attach(logged_in, txn, png(), "first.png")
    attach(logged_in, txn, PDF, "second.pdf")
    assert [title for _id, title in files_on(edit_page(logged_in, txn))] == ["second", "first"]


@pytest.mark.parametrize(("data", "name", "message"), [
    (EXE, "photo.png", "(EXE) cannot be attached"),
    (b"", "empty.pdf", "The file is empty."),
    (b"\x00\x01\x02", "a.bin", "not one that can be attached"),
])
def test_a_refused_file_is_explained_on_the_form(logged_in, txn, folder, data, name, message):
    response = attach(logged_in, txn, data, name)
    assert response.status_code == 422
    errors = field_errors(text(response), "file")
    assert any(message in error for error in errors), errors
    assert stored(folder) == [] and attachment_count() == 0


def test_no_file_chosen(logged_in, txn):
    response = logged_in.post(f"/transactions/{txn}/attachments", data={"title": "x"},
                              content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(text(response), "file") == ["Choose a file to attach."]


def test_a_file_over_the_limit_is_refused(app, logged_in, txn, folder):
    app.config["ATTACHMENT_MAX_BYTES"] = 2048
    response = attach(logged_in, txn, PDF + b"\n" * 4096, "big.pdf")
    assert response.status_code == 422
    assert field_errors(text(response), "file") == ["The file is larger than 2 KB."]
    assert stored(folder) == []


def test_a_title_too_long_is_refused(logged_in, txn):
    response = attach(logged_in, txn, PDF, "a.pdf", title="x" * 256)
    assert response.status_code == 422
    assert field_errors(text(response), "title")


# -- remove ----------------------------------------------------------------------------

def test_remove_deletes_a_file_on_no_other_transaction(logged_in, txn, folder):
    attach(logged_in, txn, PDF, "invoice.pdf")
    [(attachment_id, _title)] = files_on(edit_page(logged_in, txn))
    response = logged_in.post(f"/transactions/{txn}/attachments/{attachment_id}/remove")
    assert response.status_code == 302
    html = edit_page(logged_in, txn)
    assert "File removed." in html
    assert files_on(html) == []
    assert attachment_count() == 0
    assert stored(folder) == []


def test_remove_keeps_a_file_another_transaction_has(logged_in, ledger, main, txn, folder):
    other = factories.create_transaction(ledger, account_id=main, amount="-3", payee="Bus").id
    attach(logged_in, txn, PDF, "invoice.pdf")
    [(attachment_id, _title)] = files_on(edit_page(logged_in, txn))
    attachments.assign(ledger, other, attachment_id)
    logged_in.post(f"/transactions/{txn}/attachments/{attachment_id}/remove")
    assert files_on(edit_page(logged_in, txn)) == []
    assert [number for number, _title in files_on(edit_page(logged_in, other))] == [attachment_id]
    assert len(stored(folder)) == 1


def test_removing_a_file_not_on_the_transaction_is_404(logged_in, ledger, main, txn):
    other = factories.create_transaction(ledger, account_id=main, amount="-3", payee="Bus").id
    attach(logged_in, other, PDF, "invoice.pdf")
    [(attachment_id, _title)] = files_on(edit_page(logged_in, other))
    assert logged_in.post(f"/transactions/{txn}/attachments/{attachment_id}/remove").status_code == 404
    assert attachment_count() == 1


# -- the paperclip ---------------------------------------------------------------------

def test_the_list_shows_a_paperclip_on_rows_with_files(logged_in, ledger, main, txn):
    plain = factories.create_transaction(ledger, account_id=main, amount="-3", payee="Bus",
                                         occurred_at=at("2026-11-21")).id
    attach(logged_in, txn, PDF, "a.pdf")
    attach(logged_in, txn, png(), "b.png")
    html = text(logged_in.get("/transactions?period=all"))
    assert set(row_ids(html)) == {txn, plain}
    rows = dict(re.findall(r'<li class="txn" data-id="(\d+)">(.*?)</li>', html, re.S))
    assert 'aria-label="2 attachments"' in rows[str(txn)] and "📎<small>2</small>" in rows[str(txn)]
    assert "📎" not in rows[str(plain)]
    assert f"/transactions/{txn}/edit" in rows[str(txn)]


def test_the_paperclips_cost_one_statement_whatever_the_page_holds(logged_in, ledger, main):
    def statements():
        with recorded() as seen:
            assert logged_in.get("/transactions?period=all").status_code == 200
        return len(seen)

    def add_with_file(n):
        txn_id = factories.create_transaction(ledger, account_id=main, amount=f"-{n}", payee=f"Shop {n}",
                                              occurred_at=at("2026-11-20")).id
        attachments.create(ledger, attachments.Upload(data=PDF, file_name=f"{n}.pdf"), transaction_id=txn_id)

    add_with_file(1)
    few = statements()
    for n in range(2, 8):
        add_with_file(n)
    assert statements() == few


def test_one_attachment_is_one_attachment(logged_in, txn):
    attach(logged_in, txn, PDF, "a.pdf")
    assert 'aria-label="1 attachment"' in text(logged_in.get("/transactions?period=all"))


# -- CSRF ------------------------------------------------------------------------------

@pytest.fixture
def protected(app, database_url, folder, user):
    """alice in a browser of an app with CSRF protection on, as in production."""
    with csrf_protected(database_url, ATTACHMENT_FOLDER=str(folder)) as browser:
        yield browser


def test_attach_and_remove_need_the_pages_csrf_token(protected, txn, folder):
    assert attach(protected, txn, PDF, "a.pdf").status_code == 400
    assert attachment_count() == 0 and stored(folder) == []
    page = text(protected.get(f"/transactions/{txn}/edit"))
    token = csrf_token(page.split('id="attachments"', 1)[1])
    assert attach(protected, txn, PDF, "a.pdf", csrf_token=token).status_code == 302
    page = text(protected.get(f"/transactions/{txn}/edit"))
    [(attachment_id, _title)] = files_on(page)
    remove = f"/transactions/{txn}/attachments/{attachment_id}/remove"
    assert protected.post(remove).status_code == 400
    assert protected.post(remove, data={"csrf_token": "forged"}).status_code == 400
    assert attachment_count() == 1
    assert protected.post(remove, data={"csrf_token": token}).status_code == 302
    assert attachment_count() == 0 and stored(folder) == []


# -- nobody else's ---------------------------------------------------------------------

def test_bob_cannot_see_attach_or_remove_alices_files(logged_in, bob_client, bob_ledger, txn, folder):
    attach(logged_in, txn, PDF, "private.pdf")
    html = edit_page(logged_in, txn)
    [(attachment_id, _title)] = files_on(html)
    assert bob_client.get(f"/transactions/{txn}/edit").status_code == 404
    assert bob_client.get(f"/transactions/{txn}/attachments").status_code == 404
    assert attach(bob_client, txn, PDF, "mine.pdf").status_code == 404
    assert bob_client.post(f"/transactions/{txn}/attachments/{attachment_id}/remove").status_code == 404
    bob_account = accounts.create_account(bob_ledger, "Bob's", currency="EUR").id
    bob_txn = factories.create_transaction(bob_ledger, account_id=bob_account, amount="-1").id
    assert bob_client.post(f"/transactions/{bob_txn}/attachments/{attachment_id}/remove").status_code == 404
    assert "private" not in text(bob_client.get("/transactions?period=all"))
    assert "📎" not in text(bob_client.get("/transactions?period=all"))
    assert attachment_count() == 1 and len(stored(folder)) == 1


def test_a_link_stops_working_when_the_file_is_removed(logged_in, txn):
    attach(logged_in, txn, PDF, "a.pdf")
    html = edit_page(logged_in, txn)
    [(attachment_id, _title)] = files_on(html)
    url = links_in(html)[-1]
    logged_in.post(f"/transactions/{txn}/attachments/{attachment_id}/remove")
    assert get_file(logged_in, url).status_code == 404


def test_the_upload_page_on_its_own(logged_in, txn):
    response = logged_in.get(f"/transactions/{txn}/attachments")
    assert response.status_code == 200
    assert "Attach a file" in text(response)
    assert f"/transactions/{txn}/edit" in text(response)


def test_pages_without_login_redirect(client, txn):
    assert client.get(f"/transactions/{txn}/attachments").status_code == 302
    assert attach(client, txn, PDF, "a.pdf").status_code == 302
    assert attachment_count() == 0


def test_the_way_back_to_the_list_is_kept(logged_in, txn):
    back_to = "/transactions?period=all"
    html = text(logged_in.get(f"/transactions/{txn}/edit?next=/transactions?period%3Dall"))
    action = re.search(r'action="([^"]*/attachments\?[^"]*)"', html).group(1)
    assert unescape(action) == f"/transactions/{txn}/attachments?next=/transactions?period%3Dall"
    response = attach(logged_in, txn, PDF, "a.pdf").headers["Location"]
    assert response.endswith("#attachments")
    response = logged_in.post(unescape(action), data={"file": (io.BytesIO(PDF), "a.pdf")},
                              content_type="multipart/form-data")
    assert response.headers["Location"] == f"/transactions/{txn}/edit?next=/transactions?period%3Dall#attachments"
    assert back_to in unescape(response.headers["Location"].replace("%3D", "="))
