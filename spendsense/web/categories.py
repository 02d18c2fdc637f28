"""System and own categories; own ones can be created, edited and deleted."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import categories
from spendsense.web import bp
from spendsense.web.emoji_choices import EMOJI_CHOICES
from spendsense.web.forms import CategoryDeleteForm, CategoryForm
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form

GONE = "Choose a category from the list."


def _parent_choices(ledger_id, kind, exclude_id=None):
    rows = categories.list_categories(ledger_id, kind=kind)
    return [("", "— top level —")] + [(str(c.id), f"{c.icon} {c.name}") for c in rows if c.id != exclude_id]


@bp.route("/categories")
@login_required
def categories_page():
    rows = categories.list_categories(current_ledger())
    groups = {kind: {"system": [c for c in rows if c.kind == kind and c.is_system],
                     "own": [c for c in rows if c.kind == kind and not c.is_system]}
              for kind in ("spent", "earn")}
    return render_template("categories/list.html", groups=groups)


@bp.route("/categories/new", methods=["GET", "POST"])
@login_required
def new_category():
    ledger_id = current_ledger(write=True)
    form = CategoryForm()
    if request.method == "GET" and request.args.get("kind") in ("spent", "earn"):
        form.kind.data = request.args["kind"]
    form.parent_id.choices = _parent_choices(ledger_id, form.kind.data or "spent")
    if form.validate_on_submit():
        try:
            category = categories.create_category(ledger_id, form.name.data, form.icon.data, form.kind.data,
                                                  parent_id=form.parent_id.data or None,
                                                  refund_behaviour=_refunds(form, form.kind.data) or None)
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:  # the chosen parent was deleted meanwhile
            form.parent_id.errors.append(GONE)
        else:
            flash(f"Category {category.icon} {category.name} added.", "success")
            return redirect(url_for("web.categories_page"))
    return render_form("categories/form.html", form, category=None, emojis=EMOJI_CHOICES,
                       parents_by_kind=_parents_by_kind(ledger_id))


def _refunds(form, kind):
    """The refund behaviour the checkbox means for a category of ``kind`` ("" = none)."""
    if not form.refunds.data:
        return ""
    return "credits_are_refunds" if kind == "spent" else "debits_are_deductions"


def _parents_by_kind(ledger_id, exclude_id=None):
    return {kind: _parent_choices(ledger_id, kind, exclude_id) for kind in ("spent", "earn")}


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(category_id):
    ledger_id = current_ledger(write=True)
    category = or_404(categories.get_own, ledger_id, category_id)
    form = CategoryForm(obj=category)
    form.kind.data = category.kind  # the type of an existing category does not change
    if request.method == "GET":
        form.refunds.data = category.refund_behaviour is not None
    if form.parent_id.data is None:  # top level, from the row's NULL parent
        form.parent_id.data = ""
    form.parent_id.choices = _parent_choices(ledger_id, category.kind, exclude_id=category.id)
    if form.validate_on_submit():
        try:
            categories.update_category(ledger_id, category.id, name=form.name.data, icon=form.icon.data,
                                       parent_id=form.parent_id.data or None,
                                       clear_parent=not form.parent_id.data,
                                       refund_behaviour=_refunds(form, category.kind))
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:
            form.parent_id.errors.append(GONE)
        else:
            flash("Category saved.", "success")
            return redirect(url_for("web.categories_page"))
    return render_form("categories/form.html", form, category=category, emojis=EMOJI_CHOICES,
                       parents_by_kind=_parents_by_kind(ledger_id, category.id))


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
@login_required
def delete_category(category_id):
    ledger_id = current_ledger(write=True)
    category = or_404(categories.get_own, ledger_id, category_id)
    form = CategoryDeleteForm()
    form.move_to.choices = [("", "Leave them uncategorised")] + [
        (str(c.id), f"{c.icon} {c.name}") for c in categories.list_categories(ledger_id, kind=category.kind)
        if c.id != category.id]
    count = categories.count_transactions(ledger_id, category.id)
    if form.validate_on_submit():
        try:
            categories.delete_category(ledger_id, category.id, move_to_id=form.move_to.data or None)
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:  # the chosen target was deleted meanwhile
            form.move_to.errors.append(GONE)
        else:
            flash(f"Category {category.name} deleted.", "success")
            return redirect(url_for("web.categories_page"))
    return render_form("categories/delete.html", form, category=category, count=count)
