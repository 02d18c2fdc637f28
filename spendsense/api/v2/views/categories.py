"""/users/{id}/categories, /categories/{id} and the category rules routes.

A user sees the system categories (shared by every ledger, readable, never changed:
403) and their own. Every answer that holds categories builds them from one SELECT of
the ledger's visible categories, nested by ``parent_id`` in Python, whatever the depth.
"""

from spendsense.api.v2 import lookup, present
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.categories import (
    Category,
    CategoryChange,
    CategoryNew,
    CategoryRule,
    CategoryRuleNew,
)
from spendsense.models import Category as CategoryRow
from spendsense.services.errors import NotFound
from spendsense.services.ledger import categories, rule_application, rules

TAG = "Categories"
RULES_TAG = "Category Rules"


def _forest(ledger_id):
    """(roots in list order, {id: model}) of the ledger's visible categories."""
    rows = categories.list_categories(ledger_id)
    nodes = {row.id: present.category(row) for row in rows}
    roots = []
    for row in rows:
        parent = nodes.get(row.parent_id)
        (parent.children if parent is not None else roots).append(nodes[row.id])
    return roots, nodes


def _node(ledger_id, category_id):
    """The visible category with its sub-categories; 403 for another user's, 404 for none."""
    return _nodes_with(ledger_id, category_id)[category_id]


def _nodes_with(ledger_id, category_id):
    """{id: model} of the visible categories, which must hold ``category_id`` (else 403/404)."""
    _roots, nodes = _forest(ledger_id)
    if category_id not in nodes:
        lookup.refuse(CategoryRow, category_id, "Category")
    return nodes


def _own(ledger_id, category_id):
    """The caller's own category: 403 for a system one or another user's, 404 for none."""
    try:
        return categories.get_own(ledger_id, category_id)
    except NotFound:
        lookup.refuse(CategoryRow, category_id, "Category")


@operation("GET", "/users/<int:id>/categories", summary="List categories in user", tag=TAG,
           response=list[Category],
           description="The top-level categories, each with its sub-categories nested in `children`.")
def list_categories(id):
    lookup.check_user(id)
    roots, _nodes = _forest(lookup.ledger_id())
    return roots


@operation("POST", "/users/<int:id>/categories", summary="Create category in user", tag=TAG, body=CategoryNew,
           response=Category, status=201)
def create_category(id, body):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id(write=True)
    category = lookup.in_body(lambda: categories.create_with_defaults(
        ledger_id, body.title, icon=body.icon, kind=body.kind, parent_id=body.parent_id, colour=body.colour,
        is_transfer=body.is_transfer, is_bill=body.is_bill, roll_up=body.roll_up,
        refund_behaviour=body.refund_behaviour))
    return _node(ledger_id, category.id)


@operation("GET", "/categories/<int:id>", summary="Get category", tag=TAG, response=Category)
def get_category(id):
    return _node(lookup.ledger_id(), id)


@operation("PUT", "/categories/<int:id>", summary="Update category", tag=TAG, body=CategoryChange,
           response=Category)
def update_category(id, body):
    ledger_id = lookup.ledger_id(write=True)
    category = _own(ledger_id, id)
    given = body.given()
    changes = {field: given[field] for field in ("is_transfer", "is_bill", "roll_up", "icon")
               if given.get(field) is not None}
    # null clears the colour and the refund behaviour (the service reads "" as "none").
    for field in ("colour", "refund_behaviour"):
        if field in given:
            changes[field] = given[field] or ""
    if "parent_id" in given:
        changes.update(parent_id=given["parent_id"], clear_parent=given["parent_id"] is None)
    lookup.in_body(lambda: categories.update_category(ledger_id, category.id, name=given.get("title"), **changes))
    return _node(ledger_id, category.id)


@operation("DELETE", "/categories/<int:id>", summary="Delete category", tag=TAG,
           description="Its transactions become uncategorised, its rules go with it, and its "
                       "sub-categories move up to its parent.")
def delete_category(id):
    ledger_id = lookup.ledger_id(write=True)
    categories.delete_category(ledger_id, _own(ledger_id, id).id)


def _rules(nodes, rows):
    return [CategoryRule(id=row.id, category=nodes[row.category_id], payee_matches=row.payee_pattern,
                         created_at=row.created_at, updated_at=row.updated_at) for row in rows]


@operation("GET", "/users/<int:id>/category_rules", summary="List category rules in user", tag=RULES_TAG,
           response=list[CategoryRule], description="In the order they are tried: the first that matches wins.")
def list_category_rules(id):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id()
    return _rules(_forest(ledger_id)[1], rules.list_rules(ledger_id))


@operation("GET", "/categories/<int:id>/category_rules", summary="List category rules in category",
           tag=RULES_TAG, response=list[CategoryRule],
           description="Not in PocketSmith's document, but called by its clients.")
def list_rules_of_category(id):
    ledger_id = lookup.ledger_id()
    nodes = _nodes_with(ledger_id, id)
    return _rules(nodes, rules.list_rules(ledger_id, category_id=id))


@operation("POST", "/categories/<int:id>/category_rules", summary="Create category rule in category",
           tag=RULES_TAG, body=CategoryRuleNew, response=CategoryRule,
           description="With `apply_to_uncategorised` or `apply_to_all` the rule also files the "
                       "transactions it matches now (only those whose sign the category takes: an "
                       "expense category files money out, an income one money in).")
def create_category_rule(id, body):
    ledger_id = lookup.ledger_id(write=True)
    nodes = _nodes_with(ledger_id, id)
    scope = (rule_application.EVERYTHING if body.apply_to_all
             else rule_application.UNCATEGORISED if body.apply_to_uncategorised else None)
    rule, _applied = rule_application.create_and_apply(ledger_id, id, body.payee_matches, match=body.match,
                                                       scope=scope)
    return _rules(nodes, [rule])[0]
