"""/docs: the four API dialects' OpenAPI documents, rendered by Swagger UI (vendored in
static/vendor/swagger-ui; nothing is fetched from elsewhere). Public, like the documents.

The page's Content-Security-Policy is every page's (security_headers.py): scripts, styles,
images and requests from this server only (Swagger UI sets its styles through the DOM, which
the policy allows, and draws with data: images), so a bundle that tried to reach another
host would be stopped by the browser.
"""

from dataclasses import dataclass

from flask import abort, render_template, request, url_for

from spendsense.web import bp


@dataclass(frozen=True)
class Document:
    key: str  # ?api=<key>
    title: str
    endpoint: str  # the view that serves it
    clients: str  # who speaks the dialect


DOCUMENTS = (
    Document("v2", "SpendSense v2", "api.v2.openapi_document", "PocketSmith clients, MCP servers"),
    Document("v1", "SpendSense v1", "api.v1.openapi_document", "the SpendSense command-line client"),
    Document("ihatemoney", "Shared bills", "api.projects_api.openapi_document",
             "ihatemoney, MoneyBuster, PayForMe"),
    Document("xpenser", "Quick entry & export", "api.xpenser.openapi_document", "Xpenser scripts, sync tools"),
)


@bp.route("/docs")
def api_docs():
    key = request.args.get("api", DOCUMENTS[0].key)
    chosen = next((document for document in DOCUMENTS if document.key == key), None)
    if chosen is None:
        abort(404)
    return render_template("docs.html", documents=DOCUMENTS, chosen=chosen, spec_url=url_for(chosen.endpoint))
