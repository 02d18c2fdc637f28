"""/docs: the four API dialects' OpenAPI documents, rendered by Swagger UI (vendored in
static/vendor/swagger-ui; nothing is fetched from elsewhere). Public, like the documents.

The page answers with its own Content-Security-Policy: scripts, styles, images and
requests from this server only (Swagger UI sets inline styles, and draws with data:
images), so a bundle that tried to reach another host would be stopped by the browser.
"""

from dataclasses import dataclass

from flask import abort, make_response, render_template, request, url_for

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
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@bp.route("/docs")
def api_docs():
    key = request.args.get("api", DOCUMENTS[0].key)
    chosen = next((document for document in DOCUMENTS if document.key == key), None)
    if chosen is None:
        abort(404)
    response = make_response(render_template(
        "docs.html", documents=DOCUMENTS, chosen=chosen, spec_url=url_for(chosen.endpoint)))
    response.headers["Content-Security-Policy"] = POLICY
    return response
