"""Budgets, plan and forecast in a real browser: set a budget and watch its bar move as
expenses come in; add, change and delete planned events; the forecast chart drawn
with its table; every page on a desktop (1366x900) and a phone (390x844), light and
dark, none wider than the screen. Screenshots go to tests/browser/artifacts/.

"Today" is fixed at Thursday 10 December 2026 (the live server runs in this process).
"""

import io
import re
from datetime import date, datetime, time

import pytest
from PIL import Image
from playwright.sync_api import expect

from spendsense.services.auth import users
from spendsense.services.ledger import accounts
from spendsense.services.planning import analysis, category_budgets, events, scenarios
from tests import factories
from tests.browser import flows
from tests.browser.conftest import shot
from tests.web.helpers import system_category

pytestmark = pytest.mark.browser

TODAY = date(2026, 12, 10)
WIDE = {"width": 1366, "height": 900}
PAGES = (("dashboard", "/dashboard"), ("budgets", "/budgets"), ("budgets-week", "/budgets?period=week"),
         ("envelopes", "/budgets/envelopes"), ("plan", "/plan"), ("calendar", "/plan?view=calendar"),
         ("new-event", "/plan/new"), ("forecast", "/forecast"))
THEME_COLOUR = "(name) => { const probe = document.createElement('i'); probe.style.color = `var(${name})`;" \
               " document.body.append(probe); const found = getComputedStyle(probe).color; probe.remove();" \
               " return found; }"
# Form controls cut off by a scroll box are as unreachable as ones off the page.
CUT_OFF = """() => Array.from(document.querySelectorAll("main input:not([type=hidden]), main button, main select"))
  .filter((el) => el.getClientRects().length)
  .filter((el) => { const box = el.getBoundingClientRect(); return box.left < 0 || box.right > window.innerWidth; })
  .map((el) => el.name || el.textContent.trim())"""
FORECAST = """(currency) => {
  const canvas = document.querySelector(`canvas[data-forecast="${currency}"]`);
  const chart = canvas && window.Chart && Chart.getChart(canvas);
  if (!chart) return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) painted++;
  return {type: chart.config.type, labels: chart.data.labels.length, painted: painted, width: canvas.width,
          datasets: chart.data.datasets.map((set) => ({label: set.label, points: set.data.filter((v) => v !== null).length,
                                                       first: set.data.find((v) => v !== null)}))};
}"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(users, "local_now", lambda ledger_id: datetime.combine(TODAY, time(12)))


@pytest.fixture
def household(user, ledger):
    """Main (1,500.00) and Savings (800.00); rent, pay day and a subscription on Main's
    plan; a restaurants budget with rollover and a little spending this month."""
    main = accounts.create_account(ledger, "Main", currency="EUR", opening_balance="1500.00").id
    accounts.create_account(ledger, "Savings", currency="EUR", opening_balance="800.00")
    plan = scenarios.default_scenario(ledger).id
    restaurants = system_category("restaurants").id
    category_budgets.set_category_budget(ledger, restaurants, "100", today=date(2026, 11, 1))
    analysis.set_rollover(ledger, restaurants, True)
    for category, amount, day in ((restaurants, "-60.00", "2026-11-14"), (restaurants, "-42.50", "2026-12-05"),
                                  (system_category("technology").id, "-89.99", "2026-12-06")):
        factories.create_transaction(ledger, account_id=main, amount=amount, category_id=category,
                                     occurred_at=f"{day}T10:00:00", payee="Shop")
    for category, amount, day, note in ((system_category("home").id, "-1200.00", date(2026, 12, 15), "Rent"),
                                        (system_category("salary", "earn").id, "2300.00", date(2026, 12, 28),
                                         "Pay day"),
                                        (system_category("technology").id, "-12.99", date(2026, 12, 12), "Netflix")):
        events.create_event(ledger, plan, category_id=category, amount=amount, date=day, repeat_type="monthly",
                            note=note)
    return main


def painted(bar):
    """The colour of the bar's filled part: a pixel near its left end, mid-height."""
    image = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
    return image.getpixel((image.width // 20, image.height // 2))


def rgb(css):
    return tuple(int(part) for part in re.findall(r"\d+", css)[:3])


def menu(page, name, path):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(re.escape(path) + r"(\?|$)"))


def dark(page):
    page.locator("#theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def budget_row(page, category_id):
    return page.locator(f"#budget-{category_id}")


def expect_row(row, state, label, used, figures):
    expect(row).to_have_attribute("data-state", state)
    expect(row.locator("[data-state-label]")).to_have_text(label)
    expect(row.locator(".budget-percent")).to_have_text(used)
    expect(row.locator(".budget-figures")).to_contain_text(figures)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_set_a_budget_and_see_the_bar_move(page, live_server, user, household, request, theme):
    page.set_viewport_size(WIDE)
    supermarket = system_category("supermarket").id
    flows.log_in(page, live_server, user.username)
    if theme == "dark":
        dark(page)
    menu(page, "Budgets", "/budgets")
    expect(page.locator("#period-label")).to_have_text("December 2026")

    form = page.locator("#add-budget-form")
    form.locator("[name=category_id]").select_option(label="🛒 Supermarket")
    form.locator("[name=amount]").fill("200")
    form.get_by_role("button", name="Add budget").click()
    flows.flash(page, "Budget for 🛒 Supermarket: €200.00 a month, from December 2026 on.")
    row = budget_row(page, supermarket)
    bar = row.locator("progress")
    expect_row(row, "under", "Under budget", "0% used", "Spent €0.00 of €200.00")
    expect(bar).to_have_attribute("value", "0")
    shot(page, request, "set")

    # Each expense through the dashboard's quick-add dialog, then back to the budget.
    steps = (("150", "under", "Under budget", "75% used", "€50.00 left", "--in"),
             ("40", "near", "Nearly spent", "95% used", "€10.00 left", "--near"),
             ("20", "over", "Over budget", "105% used", "€10.00 over", "--out"))
    for amount, state, label, used, left, colour in steps:
        menu(page, "Dashboard", "/dashboard")
        flows.add_expense(page, amount, "Main (EUR)", "Supermarket")
        menu(page, "Budgets", "/budgets")
        expect_row(row, state, label, used, left)
        expect(bar).to_have_attribute("value", used.split("%")[0] if state != "over" else "100")
        # the colour follows the state (and the words say it too)
        assert painted(bar) == rgb(page.evaluate(THEME_COLOUR, colour))
        shot(page, request, state, row)

    # Changed in place: 300 a month, 210 spent.
    row.locator("[name=amount]").fill("300")
    row.get_by_role("button", name="Save the budget of Supermarket").click()
    flows.flash(page, "Budget for 🛒 Supermarket: €300.00 a month")
    expect_row(row, "under", "Under budget", "70% used", "€90.00 left")
    # A budget that cannot be: said beside its field, nothing changed.
    row.locator("[name=amount]").fill("lots")
    row.get_by_role("button", name="Save the budget of Supermarket").click()
    expect(row.locator(".error")).to_have_text("Amount must be a number.")
    expect(row).to_have_attribute("data-state", "under")

    # Restaurants carries November's 40.00 into December: 140.00, 42.50 spent.
    restaurants = budget_row(page, system_category("restaurants").id)
    expect(restaurants.locator(".budget-carry")).to_contain_text("€40.00 left over from the last month")
    expect_row(restaurants, "under", "Under budget", "30% used", "Spent €42.50 of €140.00")
    restaurants.locator(".rollover-toggle").click()
    flows.flash(page, "Rollover off")
    expect(restaurants.locator(".rollover-toggle")).to_have_attribute("aria-pressed", "false")
    expect_row(restaurants, "under", "Under budget", "43% used", "Spent €42.50 of €100.00")

    # A week and the month before step through the same page.
    page.locator(".period-nav").get_by_role("link", name="Week", exact=True).click()
    expect(page.locator("#period-label")).to_have_text("7 Dec – 13 Dec 2026")
    page.locator("#period-prev").click()
    expect(page.locator("#period-label")).to_have_text("30 Nov – 6 Dec 2026")
    shot(page, request, "week")


def test_the_forecast_chart_draws_with_its_table(page, live_server, user, household, request):
    page.set_viewport_size(WIDE)
    flows.log_in(page, live_server, user.username)
    menu(page, "Forecast", "/forecast")
    page.wait_for_function(f"(currency) => ({FORECAST})(currency)?.painted > 0", arg="EUR")
    chart = page.evaluate(FORECAST, "EUR")
    assert chart["type"] == "line" and chart["labels"] == 366 and chart["width"] > 0
    names = [d["label"] for d in chart["datasets"]]
    assert names == ["Main", "Lowest: Main", "Savings", "Lowest: Savings"]
    main_line, main_low = chart["datasets"][:2]
    # 1500.00 - 60.00 (November) - 42.50 - 89.99 = 1307.51 today
    assert main_line["points"] == 366 and main_line["first"] == 1307.51
    assert main_low["points"] == 1
    # Tomorrow what is left of the restaurants budget: 100.00 + 40.00 carried from
    # November (60.00 of 100.00 spent) - 42.50 = 97.50; then Netflix 12.99 on the 12th
    # and the rent 1200.00 on the 15th: 1307.51 - 97.50 - 12.99 - 1200.00 = -2.98, the
    # lowest before pay day and the first day below zero.
    table = page.locator("table[data-table=forecast-EUR]")
    expect(table.locator("tbody tr")).to_have_count(2)
    main_row = table.locator(f"tr[data-account-id='{household}']")
    expect(main_row.locator("[data-today]")).to_have_text("€1,307.51")
    expect(main_row.locator("[data-low]")).to_contain_text("−€2.98")
    expect(main_row.locator("[data-low-day]")).to_have_text("15 Dec 2026")
    expect(main_row.locator("[data-first-negative]")).to_contain_text("15 Dec 2026")
    shot(page, request, "chart", page.locator("#forecast-EUR"))
    # The theme redraws it in the other colours.
    dark(page)
    page.wait_for_function(f"(currency) => ({FORECAST})(currency)?.painted > 0", arg="EUR")
    shot(page, request, "dark", page.locator("#forecast-EUR"))


def test_plan_add_change_and_delete(page, live_server, user, household, request):
    page.set_viewport_size(WIDE)
    flows.log_in(page, live_server, user.username)
    menu(page, "Plan", "/plan")
    page.click("#add-event")
    form = page.locator("#event-form")
    form.locator("[name=category_id]").select_option(label="🚗 Transport")
    form.locator("[name=amount]").fill("35")
    form.locator("[name=date]").fill("2026-12-20")
    form.locator("[name=repeat_type]").select_option("weekly")
    form.locator("[name=note]").fill("Train pass")
    shot(page, request, "form")
    # A one-off has no interval or end date to fill in.
    form.locator("[name=repeat_type]").select_option("once")
    expect(form.locator("[name=repeat_interval]")).to_be_hidden()
    form.locator("[name=repeat_type]").select_option("weekly")
    expect(form.locator("[name=repeat_interval]")).to_be_visible()
    form.get_by_role("button", name="Add event").click()
    flows.flash(page, "Event added to the plan.")
    passes = page.locator(".plan-item", has_text="Train pass")
    # 20, 27 December and 3 January are in the next 30 days
    expect(passes).to_have_count(3)

    # Only the second one costs more.
    passes.nth(1).get_by_role("link", name=re.compile("^Change")).click()
    page.locator("input[name=behaviour][value=one]").check()
    page.locator("#event-form [name=amount]").fill("50")
    page.get_by_role("button", name="Save").click()
    flows.flash(page, "Event saved.")
    expect(passes.locator("[data-amount]")).to_have_text(["−€35.00", "−€50.00", "−€35.00"])

    # The calendar shows them on their days.
    page.locator(".page-tabs").get_by_role("link", name="Calendar").click()
    expect(page.locator("td[data-day='2026-12-27'] .cal-event")).to_have_count(1)
    shot(page, request, "calendar")

    # Delete the first one and all after it: the changed one (now a one-off of its own) stays.
    page.locator(".plan-item", has_text="Train pass").first.get_by_role("link", name=re.compile("^Delete")).click()
    page.locator("input[name=behaviour][value=forward]").check()
    page.click("#confirm-delete")
    flows.flash(page, "Events deleted.")
    expect(page.locator(".plan-item", has_text="Train pass").locator("[data-amount]")).to_have_text(["−€50.00"])


def test_the_pages_link_to_each_other(page, live_server, user, household, request):
    """From a budget to its transactions and to the bill it holds, from the plan's budget
    back to the budget, from the dashboard's bill to the bill."""
    page.set_viewport_size(WIDE)
    flows.log_in(page, live_server, user.username)
    menu(page, "Budgets", "/budgets")
    restaurants = budget_row(page, system_category("restaurants").id)
    restaurants.get_by_role("link", name="Restaurants").click()
    page.wait_for_url(re.compile(r"/transactions\?"))
    # December's 42.50, not November's 60.00
    expect(page.locator("li.txn [class*=txn-amount]")).to_have_text(["−€42.50"])
    shot(page, request, "transactions")

    page.go_back()
    home = budget_row(page, system_category("home").id)
    expect(home.locator("[data-planned]")).to_contain_text("From the plan: Rent €1,200.00 on 15 Dec 2026.")
    home.get_by_role("link", name="Rent").click()
    expect(page.locator("main h1")).to_have_text("Change event")
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(re.compile(r"/budgets\?period=month&date=2026-12-01$"))

    # The plan marks the budget (1 January's, within the next 30 days) and leads to it.
    menu(page, "Plan", "/plan")
    page.locator(".plan-item", has_text="Restaurants").get_by_role("link", name="Budget").click()
    page.wait_for_url(re.compile(r"/budgets\?period=month&date=2027-01-01#budget-"))
    expect(page.locator("#period-label")).to_have_text("January 2027")
    expect(page.locator(f"#budget-{system_category('restaurants').id}")).to_be_visible()

    # The dashboard's next bill opens it, and comes back.
    menu(page, "Dashboard", "/dashboard")
    page.locator("#next-bills").get_by_role("link", name="Netflix on 12 Dec 2026").click()
    expect(page.locator("#event-summary")).to_contain_text("this one on 12 Dec 2026")
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(re.compile(r"/dashboard$"))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_on_a_desktop(page, live_server, user, household, request, theme):
    page.set_viewport_size(WIDE)
    flows.log_in(page, live_server, user.username)
    if theme == "dark":
        dark(page)
    for name, path in PAGES:
        page.goto(live_server(path))
        expect(page.locator("main h1")).to_be_visible()
        # the menu stays on one line beside the brand
        assert page.locator(".topbar").bounding_box()["height"] < 70
        if name == "forecast":
            page.wait_for_function(f"(currency) => ({FORECAST})(currency)?.painted > 0", arg="EUR")
        shot(page, request, name)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_fits_a_phone(phone, live_server, user, household, request, theme):
    flows.log_in(phone, live_server, user.username)
    if theme == "dark":
        dark(phone)
    for name, path in PAGES:
        phone.goto(live_server(path))
        expect(phone.locator("main h1")).to_be_visible()
        if name == "forecast":
            phone.wait_for_function(f"(currency) => ({FORECAST})(currency)?.painted > 0", arg="EUR")
        flows.no_horizontal_overflow(phone)
        assert phone.evaluate(CUT_OFF) == [], name
        shot(phone, request, name)
    # a budget set by touch on the phone
    phone.goto(live_server("/budgets"))
    row = phone.locator(f"#budget-{system_category('restaurants').id}")
    row.locator("[name=amount]").fill("120")
    row.get_by_role("button", name="Save the budget of Restaurants").tap()
    flows.flash(phone, "Budget for 🍽️ Restaurants: €120.00 a month")
    flows.no_horizontal_overflow(phone)
