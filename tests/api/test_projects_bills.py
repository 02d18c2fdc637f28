"""ihatemoney API: bills (form and JSON bodies, arithmetic amounts, every validation
message, list order) and statistics (COMPAT.md section 2)."""

import pytest

from spendsense.services.bills import lookup, splits
from tests.api import projects_helpers
from tests.api.projects_helpers import NOT_FOUND_BODY, REQUIRED, basic, body, create_project, raw

project = projects_helpers.project
trio = projects_helpers.trio
eur_project = projects_helpers.eur_project
TODAY = lookup.today().isoformat()


def raclette(**extra):
    return {"what": "raclette", "payer": "1", "payed_for": ["1", "2"], "amount": "20", "date": "2011-09-10", **extra}


def test_add_answers_the_bare_id(project, trio):
    response = project.post("/bills", data=raclette())
    assert response.status_code == 201
    assert raw(response) == "1\n"


def test_add_with_json_list(project, trio):
    response = project.post("/bills", json={"what": "vin", "payer": 2, "payed_for": [1, 2, 3], "amount": 12.5})
    assert raw(response) == "1\n"
    bill = body(project.get("/bills/1"))
    assert [o["id"] for o in bill["owers"]] == [1, 2, 3]
    assert bill["amount"] == 12.5
    assert bill["date"] == TODAY


def test_get_one_exact_body(project, trio):
    project.add_bill(**raclette(external_link="https://example.com/r.pdf"))
    response = project.get("/bills/1")
    assert response.status_code == 200
    assert raw(response) == (
        '{"id": 1, "payer_id": 1, "owers": [{"id": 1, "name": "alexis", "weight": 1.0, "activated": true}, '
        '{"id": 2, "name": "fred", "weight": 1.0, "activated": true}], "amount": 20.0, "date": "2011-09-10", '
        f'"creation_date": "{TODAY}", "what": "raclette", "bill_type": "Expense", '
        '"external_link": "https://example.com/r.pdf", "original_currency": "XXX", "converted_amount": 20.0}\n')


def test_list_order_is_date_then_creation_then_id_descending(project, trio):
    for what, day in (("a", "2020-01-02"), ("b", "2021-05-01"), ("c", "2020-01-02"), ("d", "2019-12-31")):
        project.add_bill(**raclette(what=what, date=day))
    assert [b["what"] for b in body(project.get("/bills"))] == ["b", "c", "a", "d"]


def test_list_empty(project):
    assert raw(project.get("/bills")) == "[]\n"


@pytest.mark.parametrize(("typed", "value"), [
    ("12.5+3*2", 18.5), ("1,5", 1.5), ("(10-4)/3", 2.0), ("10/3", 3.33), ("-5", -5.0), ("0", 0.0),
    ("2*(3+4)-1", 13.0), (" 7 ", 7.0),
])
def test_amount_accepts_arithmetic(project, trio, typed, value):
    project.add_bill(**raclette(amount=typed))
    assert body(project.get("/bills/1"))["amount"] == value


@pytest.mark.parametrize("typed", ["2**3", "1+", "abc", "__import__('os')", "1" * 201, "1/0", "", "1e3", "0x10"])
def test_unparseable_amount_reads_required(project, trio, typed):
    response = project.post("/bills", data=raclette(amount=typed))
    assert response.status_code == 400
    assert raw(response) == '{"amount": ["This field is required."]}\n'


@pytest.mark.parametrize("day", ["2011-13-01", "10/09/2011", "yesterday", ""])
def test_unparseable_date_reads_required(project, trio, day):
    response = project.post("/bills", data=raclette(date=day))
    assert response.status_code == 400
    assert body(response) == {"date": [REQUIRED]}


def test_missing_fields(project, trio):
    response = project.post("/bills", data={})
    assert response.status_code == 400
    assert body(response) == {"what": [REQUIRED], "payer": [REQUIRED], "amount": [REQUIRED],
                              "payed_for": [REQUIRED]}


@pytest.mark.parametrize(("extra", "errors"), [
    ({"payer": "99"}, {"payer": ["Not a valid choice."]}),
    ({"payed_for": ["1", "99"]}, {"payed_for": ["'99' is not a valid choice for this field."]}),
    ({"payed_for": ["98", "99"]}, {"payed_for": ["'98', '99' are not valid choices for this field."]}),
    ({"bill_type": "Gift"}, {"bill_type": ["Not a valid choice."]}),
    ({"original_currency": "ZZZ"}, {"original_currency": ["Not a valid choice."]}),
    ({"original_currency": "AED"}, {"original_currency": ["Failed to convert from AED currency"]}),
    ({"external_link": "javascript:alert(1)"}, {"external_link": ["Invalid URL."]}),
    ({"amount": "1" + "0" * 18}, {"amount": ["Amount is too large."]}),
    ({"amount": "1.234"}, {"amount": ["Amount has more decimals than the currency allows (2)."]}),
])
def test_validation_messages(project, trio, extra, errors):
    response = project.post("/bills", data=raclette(**extra))
    assert response.status_code == 400
    assert body(response) == errors


def test_deactivated_members_cannot_be_chosen(project, trio):
    project.put("/members/3", data={"name": "tata", "activated": "false"})
    response = project.post("/bills", data=raclette(payer="3"))
    assert body(response) == {"payer": ["Not a valid choice."]}


def test_reimbursement_and_project_currency(eur_project):
    eur_project.add_member("a")
    eur_project.add_member("b")
    eur_project.add_bill(what="back", payer="2", payed_for="1", amount="7.5", bill_type="Reimbursement",
                         original_currency="EUR")
    eur_project.add_bill(what="none", payer="1", payed_for="2", amount="1", original_currency="XXX")
    bills = body(eur_project.get("/bills"))
    assert {(b["what"], b["bill_type"], b["original_currency"], b["converted_amount"]) for b in bills} == {
        ("back", "Reimbursement", "EUR", 7.5), ("none", "Expense", "XXX", 1.0)}


def test_a_foreign_bill_is_converted_into_the_project_currency(eur_project):
    from datetime import date
    from decimal import Decimal

    from spendsense import money
    from spendsense.services import exchange

    eur_project.add_member("a")
    eur_project.add_member("b")
    response = eur_project.post("/bills", data={"what": "taxi", "payer": "1", "payed_for": ["1", "2"],
                                                "amount": "20", "date": "2024-03-01", "original_currency": "usd"})
    assert response.status_code == 201
    usd_per_eur, _published = exchange.rate("EUR", "USD", date(2024, 3, 1))
    expected = money.quantize(Decimal(20) / usd_per_eur, "EUR")
    bill = body(eur_project.get("/bills"))[0]
    assert (bill["amount"], bill["original_currency"]) == (20.0, "USD")
    assert Decimal(str(bill["converted_amount"])) == expected
    assert splits.inconsistencies("trip") == []


def test_put_replaces_the_bill(project, trio):
    project.add_bill(**raclette())
    response = project.put("/bills/1", data={"what": "fondue", "payer": "2", "payed_for": ["3"], "amount": "9",
                                             "date": "2012-01-01", "bill_type": "Reimbursement"})
    assert response.status_code == 200
    assert raw(response) == "1\n"
    bill = body(project.get("/bills/1"))
    assert (bill["what"], bill["payer_id"], [o["id"] for o in bill["owers"]], bill["amount"], bill["date"],
            bill["bill_type"]) == ("fondue", 2, [3], 9.0, "2012-01-01", "Reimbursement")
    assert splits.inconsistencies("raclette") == []


def test_put_validates(project, trio):
    project.add_bill(**raclette())
    response = project.put("/bills/1", data={"what": "x"})
    assert response.status_code == 400
    assert body(response) == {"payer": [REQUIRED], "amount": [REQUIRED], "payed_for": [REQUIRED]}


def test_delete_answers_ok(project, trio):
    project.add_bill(**raclette())
    response = project.delete("/bills/1")
    assert response.status_code == 200
    assert raw(response) == '"OK"\n'
    assert raw(project.get("/bills")) == "[]\n"
    assert {m["balance"] for m in body(project.get())["members"]} == {0.0}


@pytest.mark.parametrize("path", ["/bills/9", "/bills/x", "/bills/-1"])
def test_unknown_bill_is_not_found(project, trio, path):
    project.add_bill(**raclette())
    for response in (project.get(path), project.delete(path), project.put(path, data=raclette())):
        assert response.status_code == 404
        assert raw(response) == NOT_FOUND_BODY


def test_another_projects_bill_is_not_found(client, project, trio):
    project.add_bill(**raclette())
    create_project(client, name="Other", project_id="other")
    response = client.get("/api/projects/other/bills/1", headers=basic("other", "secret"))
    assert response.status_code == 404
    assert raw(response) == NOT_FOUND_BODY


def test_statistics_exact_body(project, trio):
    project.put("/members/3", data={"name": "tata", "weight": "2"})
    project.add_bill(what="courses", payer="1", payed_for=["1", "2", "3"], amount="40")
    project.add_bill(what="back", payer="2", payed_for=["1"], amount="5", bill_type="Reimbursement")
    response = project.get("/statistics")
    assert response.status_code == 200
    assert raw(response) == (
        '[{"member": {"id": 1, "name": "alexis", "weight": 1.0, "activated": true}, "paid": 40.0, "spent": -10.0, '
        '"transferred": 0.0, "received": -5.0, "balance": 25.0}, '
        '{"member": {"id": 2, "name": "fred", "weight": 1.0, "activated": true}, "paid": 0.0, "spent": -10.0, '
        '"transferred": 5.0, "received": 0.0, "balance": -5.0}, '
        '{"member": {"id": 3, "name": "tata", "weight": 2.0, "activated": true}, "paid": 0.0, "spent": -20.0, '
        '"transferred": 0.0, "received": 0.0, "balance": -20.0}]\n')


def test_statistics_split_to_the_cent(project, trio):
    project.add_bill(what="x", payer="1", payed_for=["1", "2", "3"], amount="10")
    stats = body(project.get("/statistics"))
    assert [s["spent"] for s in stats] == [-3.34, -3.33, -3.33]
    assert round(sum(s["balance"] for s in stats), 2) == 0


def test_bills_can_be_read_page_by_page(project, trio):
    for n in range(5):
        project.add_bill(**raclette(what=f"bill {n}", date=f"2011-09-1{n}"))
    whole = body(project.get("/bills"))
    assert [b["what"] for b in whole] == ["bill 4", "bill 3", "bill 2", "bill 1", "bill 0"]
    assert [b["what"] for b in body(project.get("/bills?page=2&per_page=2"))] == ["bill 2", "bill 1"]
    assert [b["what"] for b in body(project.get("/bills?page=3&per_page=2"))] == ["bill 0"]
    assert body(project.get("/bills?page=4&per_page=2")) == []
    bad = project.get("/bills?page=0&per_page=5000")
    assert bad.status_code == 400
    assert body(bad) == {"page": ["Must be a whole number from 1 to 1000000000."],
                         "per_page": ["Must be a whole number from 1 to 1000."]}
