"""Every v2 operation, walked from the route table: without a key it answers 401, and
with bob's key on alice's ids it answers 403 or 404, changes nothing and shows nothing
of hers. A route added later is covered without a line here, as long as its path
parameters name a resource this file knows how to make.
"""

import base64

import pytest
from sqlalchemy import func, select

from spendsense.api.v2.routes import registry
from spendsense.extensions import db
from spendsense.models import Account, Category, CategoryRule, Institution, Transaction
from spendsense.models.planning import BudgetEvent, EventOccurrence, Scenario
from tests.api.v2.helpers import error_of
from tests.files import png

PNG = base64.b64encode(png()).decode()

# A body each write would accept from alice, so that bob's 403/404 is about whose
# the row is, not about a malformed body.
BODIES = {
    ("PUT", "/users/{id}"): {"name": "Mallory"},
    ("PUT", "/institutions/{id}"): {"title": "Stolen"},
    ("POST", "/users/{id}/institutions"): {"title": "Mine", "currency_code": "eur"},
    ("PUT", "/accounts/{id}"): {"title": "Stolen"},
    ("POST", "/users/{id}/accounts"): {"institution_id": "{institution}", "title": "Mine", "currency_code": "eur",
                                       "type": "bank"},
    ("PUT", "/users/{id}/accounts"): {"accounts": [{"id": "{account}"}]},
    ("PUT", "/transaction_accounts/{id}"): {"starting_balance": 1},
    ("POST", "/transaction_accounts/{id}/transactions"): {"payee": "x", "amount": -1, "date": "2026-11-30"},
    ("PUT", "/transactions/{id}"): {"note": "stolen"},
    ("PUT", "/categories/{id}"): {"title": "Stolen"},
    ("POST", "/users/{id}/categories"): {"title": "Mine"},
    ("POST", "/categories/{id}/category_rules"): {"payee_matches": "x"},
    ("PUT", "/attachments/{id}"): {"title": "Stolen"},
    ("POST", "/users/{id}/attachments"): {"title": "x", "file_name": "x.png", "file_data": PNG},
    ("POST", "/transactions/{id}/attachments"): {"attachment_id": "{attachment}"},
    ("POST", "/users/{id}/events"): {"category_id": "{category}", "date": "2026-12-01", "amount": -5,
                                     "repeat_type": "weekly"},
    ("POST", "/scenarios/{id}/events"): {"category_id": "{category}", "date": "2026-12-01", "amount": -5,
                                         "repeat_type": "weekly"},
    ("PUT", "/events/{id}"): {"behaviour": "all", "amount": -1},
}
# A query each read would accept from alice, for the operations that require one.
WINDOW = {"start_date": "2026-11-01", "end_date": "2026-12-31"}
ANALYSIS = {"period": "months", "interval": "1", "start_date": "2026-11-01", "end_date": "2026-12-31"}
QUERIES = {
    ("GET", "/users/{id}/events"): WINDOW,
    ("GET", "/scenarios/{id}/events"): WINDOW,
    ("DELETE", "/events/{id}"): {"behaviour": "all"},
    ("GET", "/users/{id}/budget_summary"): ANALYSIS,
    ("GET", "/users/{id}/trend_analysis"): {**ANALYSIS, "categories": "{category}", "scenarios": "{scenario}"},
}

# Which of alice's rows a path's parameter names, by the segment before it.
RESOURCE = {"users": "user", "institutions": "institution", "accounts": "account",
            "transaction_accounts": "account", "transactions": "transaction", "categories": "category",
            "attachments": "attachment", "scenarios": "scenario", "events": "event"}
PUBLIC = {"/currencies", "/currencies/{id}", "/time_zones"}


@pytest.fixture
def alice(v2, user):
    """alice's ids, one row of each kind, made through the API."""
    institution = v2.post(f"/users/{user.id}/institutions", json={"title": "Bank", "currency_code": "eur"})
    assert institution.status_code == 201, institution.get_json()
    institution = institution.get_json()["id"]
    account = v2.post(f"/users/{user.id}/accounts", json={"institution_id": institution, "title": "Main",
                                                          "currency_code": "eur", "type": "bank"}).get_json()["id"]
    category = v2.post(f"/users/{user.id}/categories", json={"title": "Food"}).get_json()["id"]
    transaction = v2.post(f"/transaction_accounts/{account}/transactions",
                          json={"payee": "Shop", "amount": -5, "date": "2026-11-29",
                                "category_id": category}).get_json()["id"]
    attachment = v2.post(f"/users/{user.id}/attachments",
                         json={"title": "r", "file_name": "r.png", "file_data": PNG}).get_json()["id"]
    assert v2.post(f"/transactions/{transaction}/attachments", json={"attachment_id": attachment}).status_code == 201
    scenario = v2.get(f"/accounts/{account}").get_json()["primary_scenario"]["id"]
    event = v2.post(f"/scenarios/{scenario}/events", json={"category_id": category, "date": "2026-11-30",
                                                           "amount": -5, "repeat_type": "monthly"}).get_json()["id"]
    return {"user": user.id, "institution": institution, "account": account, "category": category,
            "transaction": transaction, "attachment": attachment, "scenario": scenario, "event": event}


def _path(template, ids):
    parts = template.split("/")
    for index, part in enumerate(parts):
        if part == "{id}":
            parts[index] = str(ids[RESOURCE[parts[index - 1]]])
        elif part == "{transaction_id}":
            parts[index] = str(ids["transaction"])
        elif part == "{attachment_id}":
            parts[index] = str(ids["attachment"])
    return "/".join(parts)


def _body(op, ids):
    body = BODIES.get((op.method, op.path))
    if body is None:
        return None
    return {key: _filled(value, ids) for key, value in body.items()}


def _query(op, ids):
    query = QUERIES.get((op.method, op.path), {})
    return {key: _filled(value, ids) for key, value in query.items()}


def _filled(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [{k: _filled(v, ids) for k, v in item.items()} for item in value]
    return value


def _snapshot():
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (Account, Category, CategoryRule, Institution, Transaction, Scenario, BudgetEvent,
                            EventOccurrence)]
    stamps = [db.session.scalar(select(func.max(model.updated_at)))
              for model in (Account, Category, Institution, Transaction, Scenario, BudgetEvent)]
    return counts, stamps


OPERATIONS = [op for op in registry.operations if op.path not in PUBLIC and op.secured]


def test_every_operation_is_walked():
    assert len(OPERATIONS) >= 55, [f"{op.method} {op.path}" for op in OPERATIONS]
    for op in OPERATIONS:
        if op.method in ("POST", "PUT") and op.body is not None:
            assert (op.method, op.path) in BODIES, f"no sample body for {op.method} {op.path}"
        if op.query is not None and op.query.model_json_schema().get("required"):
            assert (op.method, op.path) in QUERIES, f"no sample query for {op.method} {op.path}"


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_without_a_key_every_operation_is_401(v2_anonymous, alice, op):
    error_of(v2_anonymous._call(op.method, _path(op.path, alice), json=_body(op, alice),
                                query_string=_query(op, alice)), 401)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_bob_gets_403_or_404_on_every_operation_with_alices_ids(v2_bob, other_user, alice, op):
    if op.path == "/me":
        pytest.skip("/me names no id")
    db.session.expire_all()
    before = _snapshot()
    response = v2_bob._call(op.method, _path(op.path, alice), json=_body(op, alice), query_string=_query(op, alice))
    assert response.status_code in (403, 404), (response.status_code, response.get_data(as_text=True))
    error_of(response, response.status_code)
    db.session.expire_all()
    assert _snapshot() == before


def test_bob_cannot_reach_alices_rows_through_his_own_paths(v2_bob, other_user, alice):
    """Ids of alice's rows in the body of bob's own requests are refused too."""
    bob_account = v2_bob.post(f"/users/{other_user.id}/accounts", json={
        "institution_id": v2_bob.post(f"/users/{other_user.id}/institutions",
                                      json={"title": "B", "currency_code": "eur"}).get_json()["id"],
        "title": "Bob's", "currency_code": "eur", "type": "bank"}).get_json()["id"]
    bob_txn = v2_bob.post(f"/transaction_accounts/{bob_account}/transactions",
                          json={"payee": "x", "amount": -1, "date": "2026-11-30"}).get_json()["id"]
    db.session.expire_all()
    before = _snapshot()
    attempts = [
        ("POST", f"/users/{other_user.id}/accounts", {"institution_id": alice["institution"], "title": "Z",
                                                      "currency_code": "eur", "type": "bank"}),
        ("PUT", f"/users/{other_user.id}/accounts", {"accounts": [{"id": alice["account"]}]}),
        ("PUT", f"/transaction_accounts/{bob_account}", {"institution_id": alice["institution"]}),
        ("POST", f"/transaction_accounts/{bob_account}/transactions",
         {"payee": "x", "amount": -1, "date": "2026-11-30", "category_id": alice["category"]}),
        ("PUT", f"/transactions/{bob_txn}", {"category_id": alice["category"]}),
        ("POST", f"/transactions/{bob_txn}/attachments", {"attachment_id": alice["attachment"]}),
        ("POST", f"/users/{other_user.id}/categories", {"title": "Sub", "parent_id": alice["category"]}),
        ("POST", f"/users/{other_user.id}/events", {"category_id": alice["category"], "date": "2026-12-01",
                                                    "amount": -1, "repeat_type": "once"}),
        ("POST", f"/users/{other_user.id}/events", {"scenario_id": alice["scenario"], "category_id": 1,
                                                    "date": "2026-12-01", "amount": -1, "repeat_type": "once"}),
        ("GET", f"/users/{other_user.id}/trend_analysis?period=months&interval=1&start_date=2026-11-01"
                f"&end_date=2026-11-30&categories={alice['category']}&scenarios={alice['scenario']}", None),
    ]
    for method, path, body in attempts:
        response = v2_bob._call(method, path, json=body)
        assert response.status_code in (403, 404, 422), (method, path, response.status_code)
    listed = v2_bob.get(f"/users/{other_user.id}/transactions").get_json()
    assert [t["id"] for t in listed] == [bob_txn]
    db.session.expire_all()
    assert _snapshot() == before
