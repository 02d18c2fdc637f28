"""/users/{id}/labels and /users/{id}/saved_searches: the names a ledger files its
transactions under, and the filters its owner saved on the transactions page."""

from spendsense.api.v2 import lookup
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.searches import SavedSearch
from spendsense.services.ledger import labels, searches


@operation("GET", "/users/<int:id>/labels", summary="List labels in user", tag="Labels", response=list[str],
           description="The labels of the user's live transactions, sorted ignoring case.")
def list_labels(id):
    lookup.check_user(id)
    return labels.names_in_use(lookup.ledger_id())


@operation("GET", "/users/<int:id>/saved_searches", summary="List saved searches in user",
           tag="Saved Searches", response=list[SavedSearch],
           description="The searches saved on the transactions page, in title order (ignoring case).")
def list_saved_searches(id):
    lookup.check_user(id)
    return [SavedSearch.model_validate(search) for search in searches.list_searches(lookup.ledger_id())]
