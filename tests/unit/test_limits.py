"""Request size limits (issue 13: a 200 MB JSON body to the token endpoint took a worker
from 223 to 723 MB): 16 MB by default and configurable, more on the routes that take a
file, each answered 413 before the body is read."""

import io

import pytest

from spendsense import limits
from tests.conftest import make_app

CSV = b"Date,Payee,Amount\n2024-05-02,Bakery,-3.20\n"


@pytest.fixture
def small_limits(app):
    app.config.update(MAX_CONTENT_LENGTH=2000, UPLOAD_MAX_CONTENT_LENGTH=50_000)


def test_the_default_is_16_mb_and_uploads_may_carry_their_largest_file(database_url):
    config = make_app(database_url).config
    assert config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    largest = max(config["IMPORT_MAX_BYTES"], config["ATTACHMENT_MAX_BYTES"] * 4 // 3)  # base64 in JSON
    assert config["UPLOAD_MAX_CONTENT_LENGTH"] == largest + 1024 * 1024


def test_the_limits_come_from_the_environment(database_url, monkeypatch):
    monkeypatch.setenv("SPENDSENSE_MAX_CONTENT_LENGTH", "1048576")
    monkeypatch.setenv("SPENDSENSE_UPLOAD_MAX_CONTENT_LENGTH", "99999999")
    config = make_app(database_url).config
    assert (config["MAX_CONTENT_LENGTH"], config["UPLOAD_MAX_CONTENT_LENGTH"]) == (1048576, 99999999)


def test_a_limit_that_is_not_a_number_of_bytes_stops_the_start(database_url, monkeypatch):
    monkeypatch.setenv("SPENDSENSE_MAX_CONTENT_LENGTH", "16M")
    with pytest.raises(RuntimeError, match="SPENDSENSE_MAX_CONTENT_LENGTH"):
        make_app(database_url)


def test_every_upload_route_exists(app):
    assert limits.UPLOAD_ENDPOINTS <= set(app.view_functions)


@pytest.mark.usefixtures("small_limits")
def test_a_body_past_the_limit_is_refused_in_each_dialect(client, user, auth):
    big = b'{"name": "' + b"x" * 3000 + b'"}'
    json = {"Content-Type": "application/json"}
    assert client.post("/api/v1/token/", data=big, headers=json).status_code == 413
    response = client.post("/v2/users/1/institutions", data=big, headers={**auth, **json})
    assert (response.status_code, response.get_json()) == (413, {"error": "Request too large"})
    response = client.post("/api/projects", data=big, headers=json)
    assert response.status_code == 413 and "message" in response.get_json()
    response = client.post("/login", data={"username": "x" * 3000, "password": "y"})
    assert response.status_code == 413 and response.mimetype == "text/html"


@pytest.mark.usefixtures("small_limits")
def test_an_upload_route_takes_more_up_to_its_own_limit(client, auth):
    client.post("/api/v1/accounts/create/", headers=auth, data={"account": "Main"})
    statement = CSV + b"2024-05-03,Salary,1500.00\n" * 100  # ~2.7 kB: past the 2,000 of other routes
    response = client.post("/api/v1/imports/", headers=auth, content_type="multipart/form-data",
                           data={"account": "Main", "file": (io.BytesIO(statement), "s.csv")})
    assert response.status_code == 200, response.get_data(as_text=True)
    response = client.post("/api/v1/imports/", headers=auth, content_type="multipart/form-data",
                           data={"account": "Main", "file": (io.BytesIO(statement * 20), "s.csv")})
    assert response.status_code == 413
