"""Hypothesis sends generated bad input to every route of every dialect (v1, ihatemoney,
Xpenser, v2) and to the web forms (logged in, with the CSRF token): ids real, another
user's, huge or garbled; fields of every type (NUL and control characters, numbers past
BIGINT, NaN, lists, objects, JSON nested too deep) as query strings, forms and JSON.

After each case: no 5xx, and no half-written change: cached balances and totals equal
what the transactions say (balances.recompute, as `flask check-balances`), every
project's member totals equal the sums of its bills, and a refused request (4xx) wrote
no row. Run by ``make test-fuzz`` (not ``make test``); deterministic, so a failure in CI
fails again on a laptop.
"""

import json
import re

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Project
from spendsense.services.bills import splits
from spendsense.services.ledger import balances
from tests.conftest import PASSWORD, make_app

pytestmark = pytest.mark.fuzz_input

# Cases per dialect: the whole run stays within a few minutes on two shared cores. No
# shrinking: the failing case is printed as drawn (routes, fields, encoding).
EXAMPLES = 80
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# Routes that end the caller's session or account (the rest of the run would be anonymous)
# or whose only effect is the world's own undoing; everything else is fuzzed.
SKIPPED = {"static", "web.logout", "web.logout_everywhere", "web.delete_my_account", "web.change_password",
           "web.projects.logout", "web.projects.delete", "web.projects.ihm_exit", "web.reauthenticate"}
SKIPPED_PREFIXES = ("web.two_factor",)
# Tables a refused request may still write: the security log (failed logins) and the
# keys' "last used" stamp.
MAY_CHANGE_WHEN_REFUSED = {"security_events", "api_tokens"}

DOCUMENTS = make_app("sqlite://")

NASTY = ["", " ", "\x00", "a\x00b", "\x1f", "²", "١", "-1", "0", "1e400", "NaN", "-Infinity", "12.345", "1,5",
         "9223372036854775808", "-9223372036854775809", "9" * 400, "1" * 19, "2024-02-30", "0000-01-01",
         "9999-12-31T23:59:60", "2024-06-01", "01 Aug 2009", "true", "null", "[]", "{}", "*", "lt", "gt",
         "<script>alert(1)</script>", "'; DROP TABLE users; --", "%s%n", "🍪" * 50, "a" * 5000, "\u202e",
         "Main", "spent", "earn", "snacks", "zoe", "json", "csv", "qif", "EUR", "xxx", "#tag"]
DEEP = "[" * 5000 + "]" * 5000
scalars = st.one_of(st.sampled_from(NASTY), st.text(max_size=20),
                    st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.none(),
                    st.floats(allow_nan=True, allow_infinity=True))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["a", "name", "amount", "id"]), inner, max_size=3), max_leaves=6)


def _form_fields():
    """The names of every web form's fields, and what the APIs document or read."""
    from flask_wtf import FlaskForm

    import spendsense.web.forms  # noqa: F401  (defines the forms)
    import spendsense.web.projects.forms  # noqa: F401

    names = {"account", "amount", "currency", "type", "category", "description", "date", "icon", "notes",
             "report", "q", "r", "format", "what", "payer", "payed_for", "weight", "activated", "password",
             "current_password", "id", "name", "contact_email", "default_currency", "page", "per_page", "from",
             "to", "limit", "offset", "title", "payee", "memo", "note", "labels", "is_transfer", "parent_id",
             "colour", "repeat_type", "repeat_interval", "category_id", "account_id", "start_date", "end_date",
             "file_data", "file_name", "username", "email", "opening_balance", "bill_type", "external_link",
             "original_currency", "date_op", "amount_op", "modified", "modified_op", "created", "tags", "search",
             "uncategorised", "needs_review", "updated_since", "user", "balance", "currency_code", "value",
             "institution_id", "attachment_id", "transaction_account_id", "status", "cheque_number", "next"}
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        names.update(name for name in dir(form) if not name.startswith("_") and hasattr(
            getattr(form, name), "field_class"))
    return sorted(names)


FIELDS = _form_fields()


def _routes(dialect):
    found = []
    for rule in DOCUMENTS.url_map.iter_rules():
        if rule.endpoint in SKIPPED or rule.endpoint.startswith(SKIPPED_PREFIXES) or _dialect(rule.rule) != dialect:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.rule, method) != ("/api/projects/<project_id>", "DELETE"):  # the project itself
                found.append((rule, method))
    return found


def _dialect(path):
    if path.startswith("/api/v1"):
        return "v1"
    if path.startswith(("/api/projects", "/api/currencies")):
        return "projects"
    if path.startswith("/v2"):
        return "v2"
    if path.startswith("/api"):
        return "xpenser"
    return "web"


def _path_value(data, converter_is_int, name, person, other):
    if name == "project_id":
        return data.draw(st.sampled_from([person.project_id, other.project_id, "\x00", "x" * 300, "²"]))
    if converter_is_int:
        real = [v for v in person.ids.values() if isinstance(v, int)]
        theirs = [v for v in other.ids.values() if isinstance(v, int)]
        return data.draw(st.sampled_from(real + theirs + [0, 2**63 - 1, 2**63, 10**30]))
    return data.draw(st.sampled_from(["json", "csv", "qif", "bills", "x", "\x00", "a" * 300, "²", "current"]))


def _request(data, routes, person, other):
    rule, method = data.draw(st.sampled_from(routes))
    args = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        args[name] = _path_value(data, converter is not None and converter.regex == r"[0-9]+", name, person, other)
    path = rule.build(args, append_unknown=False)[1]
    fields = data.draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=5))
    encoding = data.draw(st.sampled_from(["query", "form", "json", "deep", "raw"]))
    return method, path, fields, encoding


def _as_text(value):
    return value if isinstance(value, str) else "" if value is None else str(value)


def _send(client, method, path, fields, encoding, headers):
    options = {"headers": dict(headers)}
    if encoding == "query" or method == "GET":
        options["query_string"] = {k: [_as_text(v) for v in value] if isinstance(value, list) else _as_text(value)
                                   for k, value in fields.items()}
    elif encoding == "form":
        options["data"] = {k: [_as_text(v) for v in value] if isinstance(value, list) else _as_text(value)
                           for k, value in fields.items()}
    elif encoding == "json":
        options["data"] = json.dumps(fields)  # NaN and Infinity as Python writes them: not JSON
        options["content_type"] = "application/json"
    elif encoding == "deep":
        options["data"], options["content_type"] = DEEP, "application/json"
    else:
        options["data"], options["content_type"] = b"\xff\xfe{not json", "application/json"
    if "csrf_token" in headers:  # the web: the token goes in the form, as a browser sends it
        token = options["headers"].pop("csrf_token")
        if isinstance(options.get("data"), dict):
            options["data"]["csrf_token"] = token
        else:
            options["headers"]["X-CSRFToken"] = token
    return client.open(path, method=method, **options)


def _counts(app):
    with app.app_context():
        tables = [t for t in db.metadata.sorted_tables if t.name not in MAY_CHANGE_WHEN_REFUSED]
        # One statement: a column of counts per table.
        row = db.session.execute(select(*[select(func.count()).select_from(t).scalar_subquery().label(t.name)
                                          for t in tables])).one()
        counts = dict(row._mapping)
        db.session.remove()
        return counts


def _check_invariants(app):
    with app.app_context():
        assert balances.recompute(db.session) == []
        for project_id in db.session.scalars(select(Project.id)):
            assert splits.inconsistencies(project_id) == [], project_id
        db.session.remove()


def _case(app, client, world, data, dialect, headers):
    person, other = world.people["alice"], world.people["bob"]
    method, path, fields, encoding = _request(data, _routes(dialect), person, other)
    before = _counts(app)
    response = _send(client, method, path, fields, encoding, headers)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (method, path, fields, encoding, body[:500])
    _check_invariants(app)
    if 400 <= response.status_code < 500:
        after = _counts(app)
        assert after == before, (method, path, fields, encoding, response.status_code,
                                 {k: (before[k], after[k]) for k in before if before[k] != after[k]})


@pytest.mark.parametrize("dialect, headers", [("v1", "v1_headers"), ("projects", "project_headers"),
                                              ("xpenser", "xpenser_headers"), ("v2", "v2_headers")])
@FUZZ
@given(data=st.data())
def test_api_dialect(fuzz_app, world, data, dialect, headers):
    client = fuzz_app.test_client()
    _case(fuzz_app, client, world, data, dialect, getattr(world.people["alice"], headers))


@pytest.fixture
def browser(database_url, world):
    """alice logged in through the login form, CSRF protection on, and her form token."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    app.test_client_class = FlaskClient  # no app context stays pushed: each request gets its own
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return app, client, token


@FUZZ
@given(data=st.data())
def test_web_forms(browser, world, data):
    app, client, token = browser
    _case(app, client, world, data, "web", {"csrf_token": token})
