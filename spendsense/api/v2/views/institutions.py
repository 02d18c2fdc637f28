"""/institutions/{id} and /users/{id}/institutions: the banks a ledger's accounts are held with."""

from spendsense.api.v2 import lookup, present
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.accounts import (
    Institution,
    InstitutionChange,
    InstitutionDeletion,
    InstitutionNew,
)
from spendsense.models import Institution as InstitutionRow
from spendsense.services.ledger import accounts, institutions

TAG = "Institutions"


@operation("GET", "/institutions/<int:id>", summary="Get institution", tag=TAG, response=Institution)
def get_institution(id):
    return present.institution(lookup.owned(InstitutionRow, id, "Institution"))


@operation("PUT", "/institutions/<int:id>", summary="Update institution", tag=TAG, body=InstitutionChange,
           response=Institution)
def update_institution(id, body):
    institution = lookup.owned(InstitutionRow, id, "Institution")
    given = body.given()
    return present.institution(institutions.update_institution(
        lookup.ledger_id(write=True), institution.id, title=given.get("title"),
        currency=given.get("currency_code")))


@operation("DELETE", "/institutions/<int:id>", summary="Delete institution", tag=TAG,
           query=InstitutionDeletion, errors=(400, 401, 403, 404, 422),
           description="Deletes the institution and all data within: its accounts and their "
                       "transactions. With `merge_into_institution_id` (an institution of the caller's; "
                       "another is 422) its accounts move there instead and nothing else is lost.")
def delete_institution(id, query):
    institution = lookup.owned(InstitutionRow, id, "Institution")
    ledger_id = lookup.ledger_id(write=True)
    if query.merge_into_institution_id is None:
        accounts.delete_institution_and_accounts(ledger_id, institution.id)
        return
    lookup.in_body(lambda: institutions.delete_institution(
        ledger_id, institution.id, merge_into=query.merge_into_institution_id))


@operation("GET", "/users/<int:id>/institutions", summary="List institutions in user", tag=TAG,
           response=list[Institution])
def list_institutions(id):
    lookup.check_user(id)
    return [present.institution(row) for row in institutions.list_institutions(lookup.ledger_id())]


@operation("POST", "/users/<int:id>/institutions", summary="Create institution in user", tag=TAG,
           body=InstitutionNew, response=Institution, status=201)
def create_institution(id, body):
    lookup.check_user(id)
    return present.institution(institutions.create_institution(
        lookup.ledger_id(write=True), body.title, body.currency_code))
