"""ihatemoney's web paths redirect to SpendSense's pages, and shadow none of SpendSense's
own URLs: every route still resolves to its own view, 404s and 405s stay what they were."""

import re

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from spendsense.services.bills import lookup
from spendsense.services.bills import projects as shared_bills

MOVED = [
    ("/raclette/", "/projects/raclette/bills"),
    ("/raclette/history", "/projects/raclette/history"),
    ("/raclette/settle_bills", "/projects/raclette/settle"),
    ("/raclette/statistics", "/projects/raclette/statistics"),
    ("/raclette/edit", "/projects/raclette/settings"),
    ("/raclette/invite", "/projects/raclette/invite"),
    ("/raclette/add", "/projects/raclette/bills/new"),
    ("/raclette/edit/7", "/projects/raclette/bills/7/edit"),
    ("/raclette/members/add", "/projects/raclette/members"),
    ("/raclette/members/3/edit", "/projects/raclette/members/3/edit"),
    ("/raclette/import", "/projects/raclette/import"),
    ("/raclette/export/bills.csv", "/projects/raclette/export/bills.csv"),
    ("/raclette/export/transactions.json", "/projects/raclette/export/settlement.json"),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_ihatemoney_project_paths_move_permanently(client, old, new):
    response = client.get(old)
    assert response.status_code == 308
    assert response.headers["Location"] == new


@pytest.mark.parametrize(("old", "new"), [
    ("/authenticate", "/projects/login"),
    ("/authenticate?project_id=raclette", "/projects/login?id=raclette"),
    ("/create", "/projects/new"),
    ("/exit", "/projects"),
])
def test_ihatemoney_site_paths_redirect(client, old, new):
    response = client.get(old)
    assert response.status_code == 302
    assert response.headers["Location"] == new


def test_an_old_style_invitation_link_joins(app, client):
    client.post("/projects/new", data={"name": "Raclette", "password": "code", "contact_email": "r@example.com",
                                       "default_currency": "EUR"})
    token = shared_bills.issue_token(lookup.get_project("raclette"))
    guest = app.test_client()
    response = guest.get(f"/authenticate?token={token}")
    assert response.headers["Location"] == f"/raclette/join/{token}"
    assert guest.get(response.headers["Location"]).headers["Location"] == "/projects/raclette/bills"
    assert guest.get("/projects/raclette/bills").status_code == 200
    # A token that names no project is only a login page.
    for garbage in ("garbage", "a.b.c", "é.ü", "WzFd.x"):  # WzFd: [1], a list without an id
        assert client.get("/authenticate", query_string={"token": garbage}).headers["Location"] == "/projects/login"


def test_the_pages_behind_still_check_access(app, client):
    client.post("/projects/new", data={"name": "Raclette", "password": "code", "contact_email": "r@example.com",
                                       "default_currency": "EUR"})
    stranger = app.test_client()
    landed = stranger.get("/raclette/history", follow_redirects=True)
    assert landed.request.path == "/projects/login"
    assert client.get("/raclette/history", follow_redirects=True).request.path == "/projects/raclette/history"


@pytest.mark.parametrize("path", ["/nope", "/api/history", "/static/", "/imports/history", "/v2/history",
                                  "/api/", "/raclette/export/other.csv"])
def test_what_was_not_found_still_is(client, path):
    assert client.get(path).status_code == 404


def test_an_api_url_that_looks_like_ihatemoneys_stays_a_json_404(client):
    response = client.get("/api/history")
    assert response.status_code == 404 and response.is_json


@pytest.mark.parametrize(("path", "endpoint"), [("/budgets/", "web.budgets_page"), ("/projects/", "web.projects.home")])
def test_a_site_page_with_a_slash_is_still_that_page(app, path, endpoint):
    """The map's slashes are loose ("/budgets/" is the budgets page): not a project."""
    assert app.url_map.bind("localhost").match(path, method="GET")[0] == endpoint


@pytest.mark.parametrize("path", ["/logout", "/quick", "/budgets/set"])
def test_a_post_only_url_still_answers_405_to_get(client, path):
    assert client.get(path).status_code == 405


def test_posting_to_an_ihatemoney_path_changes_nothing(client):
    assert client.post("/raclette/add", data={"what": "x"}).status_code == 405


def sample_url(rule):
    """A URL this rule matches: each variable filled in by its converter's kind."""
    def fill(match):
        converter = match.group(1) or "default"
        return {"int": "7", "path": "a/b"}.get(converter, "sample")
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


def own_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if not rule.endpoint.startswith("web.projects.ihm_") and rule.endpoint != "static"]


def test_every_spendsense_route_still_resolves_to_its_own_view(app):
    adapter = app.url_map.bind("localhost")
    checked = 0
    for rule in own_rules(app):
        url = sample_url(rule)
        for method in sorted((rule.methods or {"GET"}) - {"OPTIONS", "HEAD"}):
            try:
                endpoint, _values = adapter.match(url, method=method)
            except RequestRedirect:  # a slash redirect: the route itself is unchanged
                continue
            assert endpoint == rule.endpoint, (url, method, endpoint)
            checked += 1
    assert checked > 150


def test_no_spendsense_url_gains_a_get_redirect(app):
    """GET on a POST-only route is what it was (a 405, or another page of the site),
    never one of the ihatemoney redirects."""
    adapter = app.url_map.bind("localhost")
    for rule in own_rules(app):
        if "GET" in (rule.methods or ()):
            continue
        try:
            endpoint, _values = adapter.match(sample_url(rule), method="GET")
        except (MethodNotAllowed, NotFound, RequestRedirect):
            continue
        assert not endpoint.startswith("web.projects.ihm_"), (rule.rule, endpoint)

