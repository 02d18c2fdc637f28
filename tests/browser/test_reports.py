"""The reports page draws its charts with Chart.js, from the same numbers as its tables."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from tests import factories
from tests.browser import flows
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

CHART = """(name) => {
  const canvas = document.querySelector(`canvas[data-chart="${name}"]`);
  const chart = canvas && window.Chart && Chart.getChart(canvas);
  if (!chart) return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) painted++;
  return {type: chart.config.type, labels: chart.data.labels, data: chart.data.datasets[0].data,
          datasets: chart.data.datasets.map((set) => ({label: set.label, data: set.data})),
          elements: chart.getDatasetMeta(0).data.length, width: canvas.width, painted: painted};
}"""


def _category(ledger_id, kind, name):
    return next(c.id for c in categories.list_categories(ledger_id, kind=kind) if c.name == name)


@pytest.fixture
def spending(user, ledger):
    """This month: 20.00 at the supermarket (two rows), 45.50 in restaurants, 4.50
    uncategorised; plus income, a transfer and an old expense, none of which count."""
    bank = accounts.create_account(ledger, "Bank", opening_balance="500.00")
    cash = accounts.create_account(ledger, "Cash", type="cash", opening_balance="40.00")
    supermarket = _category(ledger, "spent", "Supermarket")
    restaurants = _category(ledger, "spent", "Restaurants")
    for account, amount, category in ((bank, "-12.34", supermarket), (cash, "-7.66", supermarket),
                                      (bank, "-45.50", restaurants), (cash, "-4.50", None),
                                      (bank, "1000.00", _category(ledger, "earn", "Salary"))):
        factories.create_transaction(ledger, account_id=account.id, amount=amount, category_id=category)
    factories.create_transfer(ledger, from_account_id=bank.id, to_account_id=cash.id, amount="25.00")
    long_ago = users.local_now(ledger) - timedelta(days=400)
    factories.create_transaction(ledger, account_id=bank.id, amount="-99.00", category_id=restaurants,
                                    occurred_at=long_ago.isoformat())
    return Decimal("70.00")


def test_reports_draw_the_category_chart_with_the_right_totals(page, live_server, user, spending, request):
    flows.log_in(page, live_server, user.username)
    flows.go(page, "Reports")

    # The table: one row per category, and the total.
    table = page.locator("table[data-table=categories-EUR]")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tfoot [data-total]")).to_have_attribute("data-total", "70.00")
    expect(table.locator("tfoot [data-total]")).to_have_text("€70.00")
    amounts = [Decimal(a) for a in table.locator("tbody [data-amount]").evaluate_all(
        "cells => cells.map(c => c.dataset.amount)")]
    assert sorted(amounts) == [Decimal("4.50"), Decimal("20.00"), Decimal("45.50")]
    assert sum(amounts) == spending

    # The doughnut is a real Chart.js chart, drawn, with the same numbers.
    page.wait_for_function(f"(name) => ({CHART})(name)?.painted > 0", arg="category-pie-EUR")
    pie = page.evaluate(CHART, "category-pie-EUR")
    assert pie["type"] == "doughnut"
    assert pie["elements"] == 3
    assert pie["width"] > 0
    assert round(sum(pie["data"]), 2) == float(spending)
    assert sorted(pie["data"]) == [4.5, 20.0, 45.5]
    assert sorted(pie["labels"]) == ["❔ Uncategorised", "🍽️ Restaurants", "🛒 Supermarket"]

    bar = page.evaluate(CHART, "category-bar-EUR")
    assert bar and bar["type"] == "bar" and round(sum(bar["data"]), 2) == float(spending)
    # The month chart ends with this month: its income and its spending.
    monthly = {s["label"]: s["data"][-1] for s in page.evaluate(CHART, "monthly-EUR")["datasets"]}
    assert monthly == {"Income": 1000.0, "Expenses": float(spending)}
    shot(page, request, "categories", page.locator("#report-categories"))
