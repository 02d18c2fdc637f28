"""Security headers on every answer: every GET route of the web UI (from ``app.url_map``,
ids from a ledger and a project that have one of everything), logged in and logged out,
and every GET route of the four API dialects; HSTS in production only; ``no-store`` on
the pages that show a secret; and no template (nor any rendered page) with an inline
script, an ``on...=`` handler or a ``style=`` attribute, which the policy would refuse."""

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from spendsense.config import Config, ProductionConfig
from spendsense.extensions import db
from spendsense.models import Bill, Member
from spendsense.security_headers import NOTHING_POLICY, PAGE_POLICY
from spendsense.services.bills import lookup
from spendsense.services.bills import projects as shared_bills
from spendsense.services.ledger import categories, folders, rules, searches
from spendsense.services.planning import events, scenarios
from spendsense.services.planning.repeats import occurrence_id
from tests import factories, files
from tests.web.helpers import at, system_category, text
from tests.web.test_imports_pages import batch_of, confirm, to_preview
from tests.web.test_projects_pages import add_bill, create

TEMPLATES = Path(__file__).parents[2] / "spendsense" / "templates"
# The pages that show a secret: a new API key, the two-factor secret, an invitation link,
# the project's private-code form.
SECRET_PAGES = {"web.api_tokens", "web.projects.invite", "web.projects.settings", "web.two_factor_setup"}
EVERYWHERE = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
# What a page needs to answer 200 (the quick-entry preview reads the text to parse).
QUERIES = {"web.quick_preview": {"q": "coffee 3.50"}, "web.check_username": {"username": "carol"}}
CSV = "Date,Payee,Amount\n2024-01-02,Bakery,-3.50\n2024-01-03,Employer,1200.00\n"


@pytest.fixture
def world(app, logged_in, ledger, main, savings, attachment_folder, tmp_path):
    app.config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path / "imports")
    return build_world(logged_in, ledger, main, savings)


def build_world(logged_in, ledger, main, savings):
    """alice's ledger with one of everything a URL can name, and a project she created
    (through ``logged_in``, a test client with alice logged in): {URL argument: value},
    and {endpoint: value} where an endpoint's argument differs from the others'."""
    category = categories.create_category(ledger, "Lessons", "🎻", "spent")
    rule = rules.create_rule(ledger, category.id, "Violin")
    txn = factories.create_transaction(ledger, account_id=main, amount="-12.00", category_id=category.id,
                                       occurred_at=at("2024-02-02"))
    out_leg, _in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                 amount="30", occurred_at=at("2024-02-03"))
    event = events.create_event(ledger, scenarios.default_scenario(ledger).id,
                                category_id=system_category("home").id, amount="-950.00",
                                date=date(2026, 12, 15), repeat_type="monthly", note="Rent")
    search = searches.create_search(ledger, "Lessons", {"q": "violin"})
    folder = folders.create_report(ledger, "Trip")
    batch_token = to_preview(logged_in, CSV, main)
    assert confirm(logged_in, batch_token, [0, 1]).status_code == 302
    pending = to_preview(logged_in, CSV.replace("2024", "2023"), main)
    response = logged_in.post(f"/transactions/{txn.id}/attachments", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(files.png()), "receipt.png"), "title": ""})
    assert response.status_code == 302, text(response)
    file_token = re.search(r'/files/([^"?]+)', text(logged_in.get(f"/transactions/{txn.id}/edit"))).group(1)
    assert create(logged_in).status_code == 302
    for name in ("Ann", "Ben"):
        assert logged_in.post("/projects/flat-12/members", data={"name": name}).status_code == 302
    assert add_bill(logged_in, owers=("1", "2")).status_code == 302
    project = lookup.find_project("flat-12")
    bill = db.session.scalars(select(Bill).where(Bill.project_id == project.id)).one()
    member = db.session.scalars(select(Member).where(Member.project_id == project.id).order_by(Member.id)).first()
    return {
        "account_id": main, "category_id": category.id, "rule_id": rule.id, "txn_id": txn.id,
        "batch_id": batch_of(ledger).id, "occurrence_id": occurrence_id(event.id, date(2026, 12, 15)),
        "search_id": search.id, "folder": folder.id, "project_id": project.id,
        "bill_id": bill.id, "member_id": member.id, "what": "bills", "name": "bills", "fmt": "json",
        # a token is an import's, a file's or an invitation's, by endpoint
        "token": pending, "web.attachment_file": file_token,
        "web.projects.join": shared_bills.issue_token(project),
        "web.edit_transfer": out_leg.id,
    }


def path_of(rule, values):
    """The rule's URL with each argument from ``values`` (an endpoint's own entry first)."""
    def value(match):
        name = match.group(1)
        own = values.get(rule.endpoint)
        return str(own if own is not None and name in ("token", "txn_id") else values[name])

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule.rule)


def fill(rule, values):
    """(path, query string) of a GET of ``rule`` on the world's ids."""
    return path_of(rule, values), QUERIES.get(rule.endpoint)


def get_rules(app, prefix):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint.startswith(prefix)), key=lambda rule: rule.rule)


class _InlineCode(HTMLParser):
    """What a page's policy would refuse: inline scripts, handlers, style attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style" or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")


def inline_code(html):
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def check(response, path):
    headers = response.headers
    assert response.status_code < 500, (path, response.status_code)
    for name, value in EVERYWHERE.items():
        assert headers.get(name) == value, (path, name, headers.get(name))
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
    assert "Strict-Transport-Security" not in headers, path
    if response.mimetype == "text/html":
        assert headers["Content-Security-Policy"] == PAGE_POLICY, path
        assert headers["Cache-Control"] == "no-store", path
        assert inline_code(text(response)) == [], path


@pytest.mark.parametrize("who", ["logged in", "logged out"])
def test_every_web_page_has_the_headers(app, client, world, who):
    browser = client if who == "logged in" else app.test_client()
    rules_ = get_rules(app, "web.")
    statuses = {}
    for rule in rules_:
        path, query = fill(rule, world)
        response = browser.get(path, query_string=query)
        check(response, path)
        response.close()  # a file's answer holds the file open
        statuses[path] = response.status_code
        if rule.endpoint in SECRET_PAGES and response.status_code == 200:
            assert response.headers["Cache-Control"] == "no-store"
    assert len(statuses) == len(rules_) > 60
    if who == "logged in":
        # Each page was reached (at most a redirect), not refused for a wrong id.
        refused = {path: status for path, status in statuses.items() if status >= 400}
        assert refused == {}, refused
    else:
        assert statuses["/dashboard"] == 302 and statuses["/login"] == 200


def test_every_page_that_shows_a_secret_is_marked(app):
    for endpoint in SECRET_PAGES:
        assert getattr(app.view_functions[endpoint], "no_store", False), endpoint


def test_a_secret_page_is_no_store_even_when_its_view_says_otherwise(app, logged_in):
    view = app.view_functions["web.api_tokens"]

    def cached(*args, **kwargs):
        response = app.make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "public, max-age=600"
        return response

    cached.no_store = True
    app.view_functions["web.api_tokens"] = cached
    assert logged_in.get("/link_api/").headers["Cache-Control"] == "no-store"


def test_error_pages_and_static_files_have_them_too(client, logged_in):
    for browser in (client, logged_in):
        check(browser.get("/no/such/page"), "/no/such/page")
        check(browser.delete("/dashboard"), "DELETE /dashboard")
    response = client.get("/static/js/app.js")
    check(response, "/static/js/app.js")
    assert response.headers["Content-Security-Policy"] == NOTHING_POLICY
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


@pytest.mark.parametrize("who", ["with a key", "without credentials"])
def test_every_api_answer_has_nosniff_and_a_policy_that_allows_nothing(app, world, auth, who):
    browser = app.test_client()
    headers = auth if who == "with a key" else {}
    values = {**world, "id": world["account_id"], "project_id": "flat-12"}
    api_rules = get_rules(app, "api.")
    assert len(api_rules) > 40
    for rule in api_rules:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values.get(m.group(1), 1)), rule.rule)
        response = browser.get(path, headers=headers)
        assert response.status_code < 500, (path, response.status_code)
        for name, value in EVERYWHERE.items():
            assert response.headers.get(name) == value, (path, name)
        assert response.headers["Content-Security-Policy"] == NOTHING_POLICY, path
        if getattr(app.view_functions[rule.endpoint], "no_store", False):  # a secret: a project's token
            assert response.headers["Cache-Control"] == "no-store", path
        else:  # the dialects' answers keep their own caching (none of them set one)
            assert "no-store" not in response.headers.get("Cache-Control", ""), path
    unknown = browser.get("/api/v1/nothing-here", headers=headers)
    assert unknown.status_code == 404 and unknown.headers["Content-Security-Policy"] == NOTHING_POLICY


def test_hsts_in_production_only(app, client):
    assert Config.HSTS_SECONDS == 0 and ProductionConfig.HSTS_SECONDS == 365 * 24 * 3600
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["HSTS_SECONDS"] = ProductionConfig.HSTS_SECONDS
    for path in ("/login", "/api/v1/token/check/", "/static/css/app.css", "/no/such/page"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        response.close()


def test_no_template_holds_inline_script_handlers_or_style_attributes():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    found = {}
    for template in templates:
        source = template.read_text()
        # Jinja statements and comments are neither tags nor attributes; an expression is a value.
        markup = re.sub(r"{{.*?}}", "x", re.sub(r"{%.*?%}|{#.*?#}", "", source, flags=re.S), flags=re.S)
        problems = inline_code(markup)
        if re.search(r"\son[a-z]+\s*=", markup):
            problems.append("on...= handler")
        if problems:
            found[str(template.relative_to(TEMPLATES))] = problems
    assert found == {}
