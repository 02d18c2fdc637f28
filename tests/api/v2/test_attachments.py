"""v2 attachments: upload, read, retitle, delete, list, put on and take off
transactions; one stored copy per content; types read from the bytes; signed links
that serve the file to its owner only; 401/403/404/422."""

import base64
import io
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner
from PIL import Image
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Attachment
from spendsense.services.files import links
from spendsense.services.ledger import accounts, attachments
from spendsense.services.scope import ledger_for
from tests import factories
from tests.api.v2.helpers import error_of, no_nulls
from tests.files import EXE, PDF, png, stored
from tests.statements import recorded


@pytest.fixture(autouse=True)
def folder(attachment_folder):
    return attachment_folder


def b64(data):
    return base64.b64encode(data).decode()


def upload(v2, user, data=None, file_name="receipt.png", title=None, status=200):
    body = {"file_name": file_name, "file_data": b64(png() if data is None else data)}
    if title is not None:
        body["title"] = title
    response = v2.post(f"/users/{user.id}/attachments", json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def txn(ledger):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    return factories.create_transaction(ledger, account_id=account, amount="-12.50", payee="Taxi").id


def fetch(client, url):
    """GET an absolute link as a script would: no key, no cookie."""
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "localhost", url
    return served(client.get(parts.path + (f"?{parts.query}" if parts.query else "")))


def served(response):
    """The answer, read and closed (a file answer holds its file open until closed)."""
    response.get_data()
    response.close()
    return response


# -- shapes ----------------------------------------------------------------------------

def test_upload_answers_200_with_the_attachment(v2, user, folder):
    body = upload(v2, user)
    no_nulls(body)
    assert set(body) == {"id", "title", "file_name", "type", "content_type", "content_type_meta", "original_url",
                         "variants", "created_at", "updated_at"}
    assert body["title"] == "receipt"
    assert body["file_name"] == "receipt.png"
    assert body["type"] == "image"
    assert body["content_type"] == "image/png"
    assert body["content_type_meta"] == {"title": "PNG", "description": "PNG image", "extension": "png"}
    assert body["original_url"].startswith("http://localhost/files/")
    assert set(body["variants"]) == {"large_url", "thumb_url"}
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == 20
    assert len(stored(folder)) == 1  # a small image is its own preview


def test_a_document_has_no_variants_and_keeps_its_title(v2, user):
    body = upload(v2, user, PDF, file_name="invoice.pdf", title="Taxi invoice")
    assert body["title"] == "Taxi invoice"
    assert body["type"] == "document"
    assert body["content_type"] == "application/pdf"
    assert body["content_type_meta"]["extension"] == "pdf"
    assert "variants" not in body


def test_a_file_name_sent_with_folders_keeps_its_last_part(v2, user):
    body = upload(v2, user, file_name="C:\\Users\\me\\scans/taxi.png")
    assert body["file_name"] == "taxi.png"


def test_a_file_without_a_name_is_named_by_its_type(v2, user):
    response = v2.post(f"/users/{user.id}/attachments", json={"file_data": b64(PDF)})
    assert response.status_code == 200
    assert response.get_json()["file_name"] == "attachment.pdf"
    assert response.get_json()["title"] == "attachment"


def test_base64_with_line_breaks_or_a_data_url_prefix_is_read(v2, user):
    encoded = base64.encodebytes(PDF).decode()  # a line break every 76 characters
    assert "\n" in encoded
    response = v2.post(f"/users/{user.id}/attachments", json={"file_name": "a.pdf", "file_data": encoded})
    assert response.status_code == 200
    response = v2.post(f"/users/{user.id}/attachments", json={
        "file_name": "a.pdf", "file_data": "data:application/pdf;base64," + b64(PDF)})
    assert response.status_code == 200


def test_get_update_delete(v2, user):
    created = upload(v2, user)
    got = v2.get(f"/attachments/{created['id']}")
    assert got.status_code == 200
    assert {key: value for key, value in got.get_json().items() if not key.endswith("url") and key != "variants"} \
        == {key: value for key, value in created.items() if not key.endswith("url") and key != "variants"}
    changed = v2.put(f"/attachments/{created['id']}", json={"title": "  Taxi to the airport "})
    assert changed.status_code == 200
    assert changed.get_json()["title"] == "Taxi to the airport"
    assert v2.put(f"/attachments/{created['id']}", json={"title": ""}).get_json()["title"] == "receipt"
    assert v2.put(f"/attachments/{created['id']}", json={}).get_json()["title"] == "receipt"
    deleted = v2.delete(f"/attachments/{created['id']}")
    assert deleted.status_code == 204 and deleted.get_data() == b""
    error_of(v2.get(f"/attachments/{created['id']}"), 404)


def test_list_newest_first_and_the_unassigned_filter(v2, user, txn):
    first = upload(v2, user, title="first")
    second = upload(v2, user, PDF, file_name="b.pdf", title="second")
    listed = v2.get(f"/users/{user.id}/attachments")
    assert listed.status_code == 200
    no_nulls(listed.get_json())
    assert [a["id"] for a in listed.get_json()] == [second["id"], first["id"]]
    assert v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": first["id"]}).status_code == 201
    for flag in ("1", "true"):
        unassigned = v2.get(f"/users/{user.id}/attachments?unassigned={flag}").get_json()
        assert [a["id"] for a in unassigned] == [second["id"]]
    for flag in ("0", "false", ""):
        assert len(v2.get(f"/users/{user.id}/attachments?unassigned={flag}").get_json()) == 2


def test_assign_list_and_unassign(v2, user, txn):
    attachment = upload(v2, user)
    assert v2.get(f"/transactions/{txn}/attachments").get_json() == []
    assigned = v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": attachment["id"]})
    assert assigned.status_code == 201
    assert assigned.get_json()["id"] == attachment["id"]
    again = v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": attachment["id"]})
    assert again.status_code == 201  # already on it: the same outcome
    on_it = v2.get(f"/transactions/{txn}/attachments")
    assert on_it.status_code == 200
    assert [a["id"] for a in on_it.get_json()] == [attachment["id"]]
    off = v2.delete(f"/transactions/{txn}/attachments/{attachment['id']}")
    assert off.status_code == 204
    assert v2.get(f"/transactions/{txn}/attachments").get_json() == []
    assert v2.get(f"/attachments/{attachment['id']}").status_code == 200  # unassigned, not deleted
    error_of(v2.delete(f"/transactions/{txn}/attachments/{attachment['id']}"), 404)


def test_one_attachment_on_several_transactions(v2, user, ledger, txn):
    other = factories.create_transaction(ledger, account_id=accounts.find_by_name(ledger, "Main").id,
                                         amount="-3", payee="Bus").id
    attachment = upload(v2, user)
    for transaction_id in (txn, other):
        v2.post(f"/transactions/{transaction_id}/attachments", json={"attachment_id": attachment["id"]})
    assert [a["id"] for a in v2.get(f"/transactions/{other}/attachments").get_json()] == [attachment["id"]]
    v2.delete(f"/transactions/{txn}/attachments/{attachment['id']}")
    assert v2.get(f"/users/{user.id}/attachments?unassigned=1").get_json() == []


def test_a_deleted_transaction_leaves_its_attachments_unassigned(v2, user, ledger, txn):
    attachment = upload(v2, user)
    v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": attachment["id"]})
    assert v2.delete(f"/transactions/{txn}").status_code == 204
    assert [a["id"] for a in v2.get(f"/users/{user.id}/attachments?unassigned=1").get_json()] == [attachment["id"]]
    error_of(v2.get(f"/transactions/{txn}/attachments"), 404)


def test_deleting_an_account_with_its_transactions_keeps_the_attachments(v2, user, ledger, txn):
    attachment = upload(v2, user)
    v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": attachment["id"]})
    accounts.delete_account(ledger, accounts.find_by_name(ledger, "Main").id, delete_transactions=True)
    assert [a["id"] for a in v2.get(f"/users/{user.id}/attachments?unassigned=1").get_json()] == [attachment["id"]]


def test_listing_costs_the_same_statements_for_many_attachments(v2, user, txn):
    def statements(path):
        with recorded() as seen:
            assert v2.get(path).status_code == 200
        return len(seen)

    first = upload(v2, user)
    v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": first["id"]})
    few = statements(f"/users/{user.id}/attachments"), statements(f"/transactions/{txn}/attachments")
    for n in range(8):
        more = upload(v2, user, png(color=(n, n, n)))
        v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": more["id"]})
    many = statements(f"/users/{user.id}/attachments"), statements(f"/transactions/{txn}/attachments")
    assert many == few
    assert len(v2.get(f"/transactions/{txn}/attachments").get_json()) == 9


# -- one copy per content --------------------------------------------------------------

def test_two_uploads_of_one_file_keep_one_copy_until_the_last_goes(v2, user, folder):
    data = png(size=(2000, 1000))  # big enough for previews of its own
    first = upload(v2, user, data, file_name="a.png")
    assert len(stored(folder)) == 3  # the original, the large preview, the thumbnail
    second = upload(v2, user, data, file_name="b.png")
    assert len(stored(folder)) == 3
    assert first["id"] != second["id"]
    v2.delete(f"/attachments/{first['id']}")
    assert len(stored(folder)) == 3
    assert fetch(v2.client, second["original_url"]).get_data() == data
    v2.delete(f"/attachments/{second['id']}")
    assert stored(folder) == []


def test_users_share_a_copy_but_not_each_others_rows(v2, v2_bob, user, other_user, folder):
    mine = upload(v2, user, PDF, file_name="a.pdf")
    theirs = upload(v2_bob, other_user, PDF, file_name="b.pdf")
    assert len(stored(folder)) == 1
    v2_bob.delete(f"/attachments/{theirs['id']}")
    assert fetch(v2.client, mine["original_url"]).get_data() == PDF


def test_a_failed_upload_leaves_no_file_and_no_row(ledger, txn, folder, monkeypatch):
    def broken(_table):
        raise RuntimeError("the link could not be written")

    monkeypatch.setattr(attachments, "insert", broken)  # fails after the file was written
    with pytest.raises(RuntimeError):
        attachments.create(ledger, attachments.Upload(data=PDF, file_name="a.pdf"), transaction_id=txn)
    assert stored(folder) == []
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_failed_upload_keeps_a_file_another_attachment_uses(v2, user, ledger, txn, folder, monkeypatch):
    upload(v2, user, PDF, file_name="kept.pdf")
    monkeypatch.setattr(attachments, "insert", lambda _table: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        attachments.create(ledger, attachments.Upload(data=PDF, file_name="a.pdf"), transaction_id=txn)
    assert len(stored(folder)) == 1


# -- types by content ------------------------------------------------------------------

def test_a_png_named_pdf_is_a_png(v2, user):
    body = upload(v2, user, png(), file_name="scan.pdf")
    assert body["content_type"] == "image/png"
    assert body["file_name"] == "scan.pdf"
    response = fetch(v2.client, body["original_url"])
    assert response.headers["Content-Type"] == "image/png"
    assert "scan.pdf.png" in response.headers["Content-Disposition"]


def test_a_program_named_png_is_refused(v2, user, folder):
    message = error_of(v2.post(f"/users/{user.id}/attachments", json={"file_name": "photo.png",
                                                                      "file_data": b64(EXE)}), 422)
    assert "EXE" in message
    assert stored(folder) == []


# -- size ------------------------------------------------------------------------------

def test_the_size_limit_is_configurable_and_refused_with_422(app, v2, user, folder):
    app.config["ATTACHMENT_MAX_BYTES"] = len(PDF)
    upload(v2, user, PDF, file_name="a.pdf")
    message = error_of(v2.post(f"/users/{user.id}/attachments",
                               json={"file_name": "a.pdf", "file_data": b64(PDF + b"\n")}), 422)
    assert message == f"file_data: The file is larger than {len(PDF)} bytes."
    assert len(stored(folder)) == 1


def test_the_default_limit_is_10_mb(app, v2, user):
    assert app.config["ATTACHMENT_MAX_BYTES"] == 10 * 1024 * 1024
    big = PDF + b"\n" * (10 * 1024 * 1024)
    message = error_of(v2.post(f"/users/{user.id}/attachments",
                               json={"file_name": "a.pdf", "file_data": b64(big)}), 422)
    assert message == "file_data: The file is larger than 10 MB."


# -- the signed link -------------------------------------------------------------------

def test_the_links_serve_the_file_and_its_previews(v2, user):
    data = png(size=(2400, 1200))
    body = upload(v2, user, data, file_name="photo.png")
    original = fetch(v2.client, body["original_url"])
    assert original.status_code == 200
    assert original.get_data() == data
    assert original.headers["Content-Type"] == "image/png"
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    assert original.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in original.headers["Content-Security-Policy"]
    assert original.headers["Cache-Control"].startswith("private")
    for key, size in (("large_url", (1600, 800)), ("thumb_url", (300, 150))):
        preview = fetch(v2.client, body["variants"][key])
        assert preview.headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(preview.get_data())).size == size


def test_a_document_is_sent_as_a_download(v2, user):
    body = upload(v2, user, PDF, file_name="invoice.pdf")
    response = fetch(v2.client, body["original_url"])
    assert response.get_data() == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=invoice.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_text_is_sent_as_inert_text(v2, user):
    body = upload(v2, user, b"<script>alert(1)</script>\n", file_name="page.html")
    assert body["content_type"] == "text/plain"
    response = fetch(v2.client, body["original_url"])
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "page.html.txt" in response.headers["Content-Disposition"]


def test_a_changed_link_is_refused(v2, user):
    url = upload(v2, user)["original_url"]
    token = url.rsplit("/", 1)[1]
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = served(v2.client.get(f"/files/{forged}"))
    assert response.status_code == 403
    assert b"not valid" in response.get_data()
    assert response.headers["Content-Type"].startswith("text/html")


def test_an_expired_link_is_refused(app, v2, user, monkeypatch):
    body = upload(v2, user)
    row_id = body["id"]
    made_at = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: made_at(self) - app.config["ATTACHMENT_URL_MAX_AGE"] - 5)
    old = v2.get(f"/attachments/{row_id}").get_json()["original_url"]
    monkeypatch.undo()
    response = fetch(v2.client, old)
    assert response.status_code == 403
    assert b"expired" in response.get_data()
    assert fetch(v2.client, body["original_url"]).status_code == 200


def test_a_link_for_bob_to_alices_file_serves_nothing(app, v2, user, other_user):
    row = upload(v2, user)
    digest = db.session.get(Attachment, row["id"]).digest
    for user_id in (other_user.id, 999999):
        token = links.token(links.Link(attachment_id=row["id"], user_id=user_id, variant="original",
                                       digest=digest))
        assert served(v2.client.get(f"/files/{token}")).status_code == 404


def test_a_link_to_a_deleted_attachment_serves_nothing(v2, user):
    body = upload(v2, user)
    v2.delete(f"/attachments/{body['id']}")
    assert fetch(v2.client, body["original_url"]).status_code == 404


def test_a_link_names_one_file_of_the_attachment(v2, user):
    """A thumbnail's token does not open the original: the digest is part of it."""
    body = upload(v2, user, png(size=(2000, 1000)))
    row = db.session.get(Attachment, body["id"])
    token = links.token(links.Link(attachment_id=row.id, user_id=user.id, variant="original",
                                   digest=row.thumb_digest))
    assert served(v2.client.get(f"/files/{token}")).status_code == 404


# -- whose is it -----------------------------------------------------------------------

def _routes(user_id, txn_id, attachment_id):
    return [
        ("GET", f"/users/{user_id}/attachments", None),
        ("POST", f"/users/{user_id}/attachments", {"file_name": "a.pdf", "file_data": b64(PDF)}),
        ("GET", f"/attachments/{attachment_id}", None),
        ("PUT", f"/attachments/{attachment_id}", {"title": "x"}),
        ("DELETE", f"/attachments/{attachment_id}", None),
        ("GET", f"/transactions/{txn_id}/attachments", None),
        ("POST", f"/transactions/{txn_id}/attachments", {"attachment_id": attachment_id}),
        ("DELETE", f"/transactions/{txn_id}/attachments/{attachment_id}", None),
    ]


@pytest.fixture
def alices(v2, user, txn):
    attachment = upload(v2, user)["id"]
    v2.post(f"/transactions/{txn}/attachments", json={"attachment_id": attachment})
    return user.id, txn, attachment


def test_every_route_needs_a_key(v2_anonymous, alices):
    for method, path, body in _routes(*alices):
        error_of(v2_anonymous._call(method, path, json=body), 401)


def test_bob_gets_403_on_every_route_with_alices_ids(v2, v2_bob, other_user, alices, folder):
    files = stored(folder)
    for method, path, body in _routes(*alices):
        error_of(v2_bob._call(method, path, json=body), 403)
    _user, txn, attachment = alices
    assert v2.get(f"/attachments/{attachment}").get_json()["title"] == "receipt"
    assert [a["id"] for a in v2.get(f"/transactions/{txn}/attachments").get_json()] == [attachment]
    assert stored(folder) == files


def test_bob_cannot_put_alices_attachment_on_his_transaction(v2_bob, other_user, alices):
    ledger = ledger_for(other_user)
    account = accounts.create_account(ledger, "Bob's", currency="EUR").id
    bob_txn = factories.create_transaction(ledger, account_id=account, amount="-1").id
    _user, _txn, attachment = alices
    error_of(v2_bob.post(f"/transactions/{bob_txn}/attachments", json={"attachment_id": attachment}), 403)
    error_of(v2_bob.delete(f"/transactions/{bob_txn}/attachments/{attachment}"), 403)
    assert v2_bob.get(f"/users/{other_user.id}/attachments").get_json() == []


def test_missing_ids_are_404(v2, user, txn):
    attachment = upload(v2, user)["id"]
    for method, path, body in [("GET", "/attachments/999999", None), ("PUT", "/attachments/999999", {}),
                               ("DELETE", "/attachments/999999", None),
                               ("GET", "/attachments/99999999999999999999999", None),
                               ("GET", "/transactions/999999/attachments", None),
                               ("POST", "/transactions/999999/attachments", {"attachment_id": attachment}),
                               ("DELETE", f"/transactions/999999/attachments/{attachment}", None),
                               ("DELETE", f"/transactions/{txn}/attachments/999999", None),
                               ("GET", "/users/999999/attachments", None),
                               ("GET", "/attachments/-1", None), ("GET", "/attachments/abc", None)]:
        error_of(v2._call(method, path, json=body), 404)


# -- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "words"), [
    ({"file_name": "a.pdf"}, "file_data"),
    ({"file_name": "a.pdf", "file_data": None}, "file_data"),
    ({"file_name": "a.pdf", "file_data": 12}, "base64"),
    ({"file_name": "a.pdf", "file_data": ""}, "empty"),
    ({"file_name": "a.pdf", "file_data": "   "}, "empty"),
    ({"file_name": "a.pdf", "file_data": "not base64!"}, "not valid base64"),
    ({"file_name": "a.pdf", "file_data": "QUJD=RA=="}, "not valid base64"),
    ({"file_name": "a.pdf", "file_data": "éé"}, "not valid base64"),
    ({"file_name": "a.bin", "file_data": b64(b"\x00\x01\x02\x03")}, "type"),
    ({"file_name": "a.pdf", "file_data": b64(PDF), "title": "x" * 256}, "title"),
    ({"file_name": "a.pdf", "file_data": b64(PDF), "title": 5}, "title"),
    ({"file_name": "a\x01.pdf", "file_data": b64(PDF)}, "control characters"),
    ({"file_name": "x" * 256, "file_data": b64(PDF)}, "file_name"),
])
def test_bad_uploads_are_422(v2, user, folder, body, words):
    assert words in error_of(v2.post(f"/users/{user.id}/attachments", json=body), 422)
    assert stored(folder) == []


def test_a_malformed_body_is_422(v2, user):
    error_of(v2.post(f"/users/{user.id}/attachments", data="{nope", content_type="application/json"), 422)
    error_of(v2.post(f"/users/{user.id}/attachments", data="[1]", content_type="application/json"), 422)


@pytest.mark.parametrize("body", [{}, {"attachment_id": None}, {"attachment_id": True}, {"attachment_id": "x"},
                                  {"attachment_id": 999999}, {"attachment_id": -1}, {"attachment_id": 2**70}])
def test_a_bad_attachment_id_to_assign_is_422(v2, user, txn, body):
    error_of(v2.post(f"/transactions/{txn}/attachments", json=body), 422)


def test_a_bad_title_change_is_422(v2, user):
    attachment = upload(v2, user)["id"]
    for title in ("x" * 256, ["a"], "bad\x00title"):
        error_of(v2.put(f"/attachments/{attachment}", json={"title": title}), 422)
    assert v2.get(f"/attachments/{attachment}").get_json()["title"] == "receipt"


@pytest.mark.parametrize("flag", ["2", "yes", "maybe"])
def test_a_bad_unassigned_flag_is_400(v2, user, flag):
    error_of(v2.get(f"/users/{user.id}/attachments?unassigned={flag}"), 400)


def test_the_document_describes_every_route(v2):
    document = v2.client.get("/v2/openapi.json").get_json()
    paths = document["paths"]
    assert set(paths["/users/{id}/attachments"]) == {"get", "post"}
    assert paths["/users/{id}/attachments"]["post"]["responses"]["200"]
    assert set(paths["/attachments/{id}"]) == {"get", "put", "delete"}
    assert set(paths["/transactions/{id}/attachments"]) == {"get", "post"}
    assert "201" in paths["/transactions/{id}/attachments"]["post"]["responses"]
    assert set(paths["/transactions/{transaction_id}/attachments/{attachment_id}"]) == {"delete"}
