"""Helpers for page tests: logging in, reading forms and numbers out of the HTML."""

import json
import re
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Account, Category, Transaction, User
from spendsense.services.ledger import balances

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def login(client, username, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url is not None else "")
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(url, data=data)


def text(response):
    return response.get_data(as_text=True)


def key_form(client, name, password=None):
    """The fields of the API key form as a browser posts them: the one-time nonce of a
    freshly rendered form (web/profile.py) and, when given, the password asked again."""
    html = text(client.get("/link_api/"))
    data = {"name": name, "nonce": re.search(r'name="nonce" type="hidden" value="([^"]+)"', html).group(1)}
    if password is not None:
        data["reauth_password"] = password
    return data


def csrf_token(html):
    """The CSRF token of the first form on the page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


class _FieldParser(HTMLParser):
    """Collects, for every <div class="field"> / <fieldset class="field">, the names of
    its inputs and the texts of its <small class="error"> messages; and every error."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, field record or None)
        self.fields = []
        self.errors = []
        self._error = None
        self.form_errors = []
        self._form_error_depth = None

    def _current_field(self):
        for _tag, record in reversed(self.stack):
            if record is not None:
                return record
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            record = self._current_field()
            if record is not None:
                record["names"].add(attrs["name"])
        if tag in VOID:
            return
        record = None
        if tag in ("div", "fieldset") and "field" in classes:
            record = {"names": set(), "errors": [], "has_error": "has-error" in classes}
            self.fields.append(record)
        if tag == "div" and "form-errors" in classes:
            self._form_error_depth = len(self.stack)
        self.stack.append((tag, record))
        if tag == "small" and "error" in classes:
            self._error = []

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == "small" and self._error is not None:
            message = "".join(self._error).strip()
            self.errors.append(message)
            record = self._current_field()
            if record is not None:
                record["errors"].append(message)
            self._error = None
        while self.stack:
            open_tag, _record = self.stack.pop()
            if open_tag == tag:
                break
        if self._form_error_depth is not None and len(self.stack) <= self._form_error_depth:
            self._form_error_depth = None

    def handle_data(self, data):
        if self._error is not None:
            self._error.append(data)
        if self._form_error_depth is not None and data.strip():
            self.form_errors.append(data.strip())


def parse_fields(html):
    parser = _FieldParser()
    parser.feed(html)
    return parser


def field_errors(html, name):
    """The error messages shown in the form field holding the input called ``name``."""
    parser = parse_fields(html)
    found = [record for record in parser.fields if name in record["names"]]
    assert found, f"no field {name!r} on the page"
    return [message for record in found for message in record["errors"]]


def all_errors(html):
    return parse_fields(html).errors


def form_errors(html):
    return parse_fields(html).form_errors


def chart_data(html):
    match = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert match, "no chart data on the page"
    return json.loads(unescape(match.group(1)), parse_float=Decimal)


def data_attr(html, attr, key=None):
    """Texts of the elements carrying ``attr`` (="key" when given)."""
    if key is None:
        pattern = rf'<[^>]*\b{attr}\b(?:="[^"]*")?[^>]*>([^<]*)<'
    else:
        pattern = rf'<[^>]*\b{attr}="{re.escape(key)}"[^>]*>([^<]*)<'
    return [unescape(m).strip() for m in re.findall(pattern, html)]


def day_sections(html):
    """[(iso day, section html)] of the transactions list, in page order."""
    parts = re.split(r'<section class="day" data-day="(\d{4}-\d{2}-\d{2})">', html)
    return [(parts[i], parts[i + 1].split("</section>")[0]) for i in range(1, len(parts), 2)]


def row_ids(html):
    """The transaction ids listed on the page, in order."""
    return [int(x) for x in re.findall(r'<li class="txn" data-id="(\d+)"', html)]


def fresh():
    """Forget what the test's session cached: the pages wrote through another one."""
    db.session.rollback()
    db.session.expire_all()


def balance(account_id):
    fresh()
    return db.session.scalar(select(Account.balance).where(Account.id == account_id))


def live_count(ledger_id):
    fresh()
    return db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.ledger_id == ledger_id, Transaction.deleted_at.is_(None)))


def user_count():
    fresh()
    return db.session.scalar(select(func.count()).select_from(User))


def account_count(ledger_id):
    fresh()
    return db.session.scalar(select(func.count()).select_from(Account).where(
        Account.ledger_id == ledger_id, Account.deleted_at.is_(None)))


def system_category(value, kind="spent"):
    return db.session.scalars(select(Category).where(
        Category.ledger_id.is_(None), Category.value == value, Category.kind == kind)).one()


def at(day, hour=12, minute=0):
    """A naive datetime on ``day`` (a date or ISO string) at the given time."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, time(hour, minute))


def assert_consistent():
    fresh()
    assert balances.recompute(db.session) == []


@contextmanager
def csrf_protected(database_url, username="alice", **overrides):
    """A browser logged in as ``username`` to a second app with CSRF protection on, as
    in production (the suite's app has it off); the app's connections close after."""
    from tests.conftest import PASSWORD, make_app

    protected = make_app(database_url, WTF_CSRF_ENABLED=True, **overrides)
    browser = protected.test_client()
    token = csrf_token(text(browser.get("/login")))
    response = browser.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, "the login failed"
    try:
        yield browser
    finally:
        with protected.app_context():
            db.session.remove()
            db.engine.dispose()
