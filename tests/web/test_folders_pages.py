"""Folder (Xpenser report) pages given odd ids and page numbers: a 404 or the first
page, never a server error."""

import pytest

from spendsense.services.ledger import folders as xpense_reports
from tests.web.helpers import text


@pytest.mark.parametrize("folder", ["²", "١٢", "0", "-1", "1.0", "99999999999999999999", "abc"])
def test_a_folder_that_is_not_an_id_is_not_found(logged_in, ledger, folder):
    xpense_reports.create_report(ledger, "Trip")
    assert logged_in.get(f"/reports/folders/{folder}").status_code == 404


@pytest.mark.parametrize("page", ["²", "١", "0", "-3", "abc", "99999999999999999999"])
def test_an_odd_page_number_is_the_first_page(logged_in, ledger, page):
    trip = xpense_reports.create_report(ledger, "Trip")
    for path in (f"/reports/folders/{trip.id}", "/reports/folders/none"):
        response = logged_in.get(f"{path}?page={page}")
        assert response.status_code == 200, text(response)[:300]
