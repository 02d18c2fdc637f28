"""A project's history of changes, worded as ihatemoney words it (its templates/history.html):
``Participant <em>zorglub</em> added``, ``Bill <em>fromage</em> renamed to <em>raclette</em>``,
``Bill <em>raclette</em>: Amount changed from <em>25.00</em> to <em>10.00</em>``,
``Project private code changed`` ... one line per changed field, the names HTML-escaped
inside their ``<em>``. No client address is shown: none is recorded (api/projects/views.py).
"""

import re

from flask import flash, g, redirect, render_template, url_for
from markupsafe import Markup

from spendsense.services import audit
from spendsense.services.bills import projects as shared_bills
from spendsense.web.forms import ConfirmForm
from spendsense.web.projects import bp
from spendsense.web.projects.access import needs, web_actor

HISTORY_LIMIT = 300
KINDS = {"project": "Project", "member": "Participant", "bill": "Bill"}
# Bill and participant fields ihatemoney reports as "<Label> changed from <em>a</em> to <em>b</em>".
PROPERTIES = {"amount": "Amount", "currency": "Currency", "date": "Date", "payer": "Payer",
              "bill_type": "Type", "weight": "Weight"}
PROJECT_LINES = {"name": "Project renamed to {new}", "contact_email": "Project contact email changed to {new}",
                 "password": "Project private code changed"}
# Events recorded before SpendSense stopped storing client addresses named the API
# caller "API (<address>)": they show as "API".
_LEGACY_ADDRESS = re.compile(r"^API \(.*\)$")


def em(value):
    return Markup("<em>{}</em>").format("" if value is None else value)


def names(values):
    """ihatemoney's list of names: <em>a</em>, <em>b</em> and <em>c</em>."""
    shown = [em(value) for value in values]
    if len(shown) < 2:
        return Markup("").join(shown)
    return Markup(", ").join(shown[:-1]) + Markup(" and ") + shown[-1]


def _project_lines(changes):
    lines = []
    for field in ("name", "contact_email", "password"):
        if field in changes:
            lines.append(Markup(PROJECT_LINES[field]).format(new=em(changes[field][1])))
    if "history_enabled" in changes:
        lines.append(Markup("Enabled Project History" if changes["history_enabled"][1]
                            else "Disabled Project History"))
    if set(changes) - {*PROJECT_LINES, "history_enabled"}:
        lines.append(Markup("Project settings modified"))
    return lines


def _row_lines(kind, changes):
    """A participant's or a bill's changes; ``name``/``what`` holds [old, new] always."""
    old, new = changes.get("what" if kind == "Bill" else "name") or [None, None]
    subject = Markup("{} {}").format(kind, em(old))
    lines = []
    if old != new:
        lines.append(Markup("{} renamed to {}").format(subject, em(new)))
    for field, values in changes.items():
        if field in ("name", "what") or values[0] == values[1]:
            continue
        if field in PROPERTIES:
            lines.append(Markup("{}: {} changed from {} to {}").format(
                subject, PROPERTIES[field], em(values[0]), em(values[1])))
        elif field == "activated":
            lines.append(Markup("{} {}").format(subject, "reactivated" if values[1] else "deactivated"))
        elif field == "owers":
            before, after = values[0] or [], values[1] or []
            added = [name for name in after if name not in before]
            removed = [name for name in before if name not in after]
            if added:
                lines.append(Markup("{}: Added {} to owers list").format(subject, names(added)))
            if removed:
                lines.append(Markup("{}: Removed {} from owers list").format(subject, names(removed)))
        elif field == "external_link":
            lines.append(Markup("{}: External link changed to {}").format(subject, em(values[1])))
        else:
            lines.append(Markup("{} modified").format(subject))
    return lines or [Markup("{} modified").format(subject)]


def describe(event, changes):
    """The lines that tell what ``event`` did, as safe HTML."""
    kind = KINDS.get(event.entity, event.entity.title())
    label = (changes.get("what") or changes.get("name") or [None, None])
    if event.action == "create":
        return [Markup("{} {} added").format(kind, em(label[1]))]
    if event.action == "delete":
        return [Markup("{} {} removed").format(kind, em(label[0]))]
    if event.entity == "project":
        return _project_lines(changes) or [Markup("Project settings modified")]
    return _row_lines(kind, changes)


def actor_label(event):
    return _LEGACY_ADDRESS.sub("API", event.actor or "")


@bp.route("/projects/<project_id>/history")
def history():
    events = [(event, describe(event, changes), actor_label(event))
              for event, changes in audit.project_history(g.project.id, limit=HISTORY_LIMIT)]
    return render_template("projects/history.html", events=events, form=ConfirmForm())


@bp.route("/projects/<project_id>/history/erase", methods=["POST"])
@needs(admin=True)
def history_erase():
    if ConfirmForm().validate_on_submit():
        shared_bills.erase_history(g.project.id)
        flash("History erased.", "success")
    return redirect(url_for("web.projects.history"))


@bp.route("/projects/<project_id>/history/toggle", methods=["POST"])
@needs(admin=True)
def history_toggle():
    if ConfirmForm().validate_on_submit():
        keep = not g.project.history_enabled
        shared_bills.set_history(g.project.id, keep, actor=web_actor())
        flash("History is now kept." if keep else "History is turned off.", "success")
    return redirect(url_for("web.projects.history"))
