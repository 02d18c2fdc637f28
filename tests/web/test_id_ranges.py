"""Every route with an ``<int:...>`` part, logged in (web) or with credentials (each API
dialect), called with ids past BIGINT and at its edge: a 404 (or the dialect's refusal),
never a 500. 9223372036854775808 overflowed SQLite's INTEGER binding and PostgreSQL's
BIGINT before the int converter stopped at 2**63 - 1."""

import pytest

from tests.api.projects_helpers import basic as project_basic
from tests.api.projects_helpers import create_project
from tests.api.xpenser_client import basic as xpenser_basic

IDS = [2**63, 2**63 - 1, 10**40, 0]


def _routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if converter.regex == r"[0-9]+"]
        if ints:
            yield rule, ints


def _headers(path, token):
    if path.startswith("/api/projects"):
        return project_basic("trip", "secret")
    if path.startswith(("/api/expense", "/api/simple")):
        return xpenser_basic("alice@example.com")
    if path.startswith(("/api/", "/v2/")):
        return {"Authorization": f"Bearer {token}"}
    return {}


@pytest.mark.parametrize("number", IDS)
def test_an_id_out_of_range_is_not_found_on_every_route(app, logged_in, token, number):
    assert create_project(logged_in, name="Trip", project_id="trip").status_code == 201
    checked = 0
    for rule, names in _routes(app):
        values = {name: number for name in names}
        values.update({name: "trip" for name in rule.arguments if name == "project_id"})
        values.update({name: "x" for name in rule.arguments - set(values)})
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = logged_in.open(path, method=method, headers=_headers(path, token), json={}
                                      if method in ("POST", "PUT") and path.startswith(("/api/", "/v2/")) else None)
            assert response.status_code < 500, (method, path, response.get_data(as_text=True)[:300])
            if number >= 2**63 and path.startswith(("/api/", "/v2/")):
                # Refused: 404 mostly, or the dialect's 400/422 for the (empty) input it checks first.
                assert 400 <= response.status_code < 500, (method, path, response.status_code)
            elif number >= 2**63:  # a web form may first ask for the password again (reauth)
                assert response.status_code in (200, 301, 302, 303, 308, 404), (method, path, response.status_code)
                assert response.status_code != 200 or "password" in response.get_data(as_text=True).lower()
            checked += 1
    assert checked > 80  # every such route, each method
