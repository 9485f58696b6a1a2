"""The API page served at ``/``: what a new caller needs first, then Swagger UI on local files.

BentoML's own page loads Google Tag Manager, shows Slack and Twitter badges and version
"None", says nothing of the token, and its ``/clients`` example is no known client. This one
names the product and the model it serves, says how to authenticate and where the demo's
token is, and gives examples that work on the demo portfolio. It loads nothing from another
host: Swagger UI comes from the files BentoML ships in ``static_content/``, its online
validator is off, and a Content-Security-Policy makes the browser refuse anything else.

The page is a Python string rather than a template file: the Bento packs ``scoring/**/*.py``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from string import Template
from typing import Any, NamedTuple

from starlette.responses import HTMLResponse

from scoring.schema import APPLICATION_TEST
from scoring.serving import openapi
from scoring.serving.auth import PUBLIC_PATHS
from scoring.serving.schemas import APPLICATION_EXAMPLE, CLIENT_KEY, DEMO_CLIENT_ID

DEFAULT_URL = "http://localhost:3000"  # make serve's
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?")
# The required columns only: the least a new application needs (the rest is unknown if left out).
NEW_APPLICATION = {
    c.name: APPLICATION_EXAMPLE[c.name]
    for c in APPLICATION_TEST.columns
    if c.required and c.name != CLIENT_KEY
}


class Example(NamedTuple):
    """One request of the page, shown as a curl command and run by the tests."""

    what: str
    method: str
    path: str
    body: dict[str, Any] | None = None


EXAMPLES = (
    Example("Score a known client of the portfolio", "POST", "/predict",
            {"client_id": DEMO_CLIENT_ID}),
    Example("Explain the score, in French", "POST", "/explain",
            {"client_id": DEMO_CLIENT_ID, "language": "fr"}),
    Example("Score a new application: these fields are required, the others are optional",
            "POST", "/predict", {"application": NEW_APPLICATION}),
    Example("Score up to 10,000 applications at once", "POST", "/predict_batch",
            {"applications": [{"application": NEW_APPLICATION}]}),
    Example("Record the credit decision (a reason is needed when it departs from the "
            "recommendation); the same key again returns the same record", "POST", "/decisions",
            {"client_id": DEMO_CLIENT_ID, "final_decision": "refused", "reason": "affordability",
             "idempotency_key": f"api-page-example-{DEMO_CLIENT_ID}"}),
    Example("A client's decisions: what, who, when, on which model, why", "POST",
            "/decisions/history", {"client_id": DEMO_CLIENT_ID}),
    Example("Read a known client's application and history", "POST", "/clients",
            {"client_id": DEMO_CLIENT_ID}),
    Example("The model: card, features, threshold, reason codes", "GET", "/model"),
)  # fmt: skip

SWAGGER = """
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "./docs.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    defaultModelsExpandDepth: -1,
    deepLinking: true
  });
});
"""
STYLE = """
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1b1b1b; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 0; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 28px 0 8px; font-size: 19px; }
.model { color: #444; margin: 0; }
code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
pre { background: #f0f0f0; padding: 10px 12px; border-radius: 4px; white-space: pre-wrap; }
dt { font-weight: 600; margin-top: 12px; }
dd { margin: 4px 0 0; }
ul { padding-left: 20px; }
#swagger-ui .information-container, #swagger-ui .servers-title, #swagger-ui .servers {
  display: none;
}
"""
PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$product</title>
<link rel="icon" type="image/png" href="./static_content/favicon-light-32x32.png">
<link rel="stylesheet" href="./static_content/swagger-ui.css">
<style>$style</style>
</head>
<body>
<main>
<h1>$product</h1>
<p class="model">Model served: <code id="model-version">$version</code></p>

<h2>Authentication</h2>
$authentication

<h2>Examples</h2>
<p>They work on the demo portfolio (<code>make demo</code>): client $client is one of its
clients.$token_note</p>
<dl>
$examples
</dl>
<p>In Python, with BentoML's client:</p>
<pre><code>import bentoml

with bentoml.SyncHTTPClient("$base", token=TOKEN) as client:
    result = client.explain(client_id=$client, language="fr")
    print(result["recommendation"], [reason["text"] for reason in result["reasons"]])</code></pre>

<h2>Errors</h2>
<p>Every error is JSON: <code>{"error": "what is wrong, in words", "detail": [...]}</code>.
<code>detail</code> comes with an invalid request: one item per field at fault, with its
<code>loc</code> (where), <code>msg</code> (what is wrong) and <code>type</code> (for
programs).</p>
<ul>
$statuses
</ul>

<h2>Every route, to try</h2>
<p>$try_it</p>
</main>
<div id="swagger-ui"></div>
<script src="./static_content/swagger-ui-bundle.js"></script>
<script>$swagger</script>
</body>
</html>
""")


def _hash(source: str) -> str:
    """The CSP source of an inline script or style: its SHA-256, so nothing else inline runs."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Only this host: a request to any other is refused by the browser (the browser test checks
# that none is even tried). Swagger UI sets element styles from script, which CSP allows.
POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' {_hash(SWAGGER)}",
        f"style-src 'self' {_hash(STYLE)}",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def page(base_url: str, version: str, authenticated: bool) -> HTMLResponse:
    """The page for a caller who reached the service at ``base_url``.

    The URL comes from the request's Host header, which the caller writes: anything but a
    plain scheme, host and port is replaced by the default address rather than shown in a
    command to copy.
    """
    base = base_url.rstrip("/")
    base = base if _PLAIN_URL.fullmatch(base) else DEFAULT_URL
    text = PAGE.substitute(
        product=html.escape(openapi.TITLE),
        version=html.escape(version),
        authentication=_authentication(authenticated),
        client=DEMO_CLIENT_ID,
        token_note=" <code>$TOKEN</code> holds the token, as said above." if authenticated else "",
        examples="\n".join(_example(base, example, authenticated) for example in EXAMPLES),
        base=html.escape(base),
        statuses="\n".join(
            f"<li><b>{code}</b>: {html.escape(text)}</li>" for code, text in openapi.ERRORS.items()
        ),
        try_it=html.escape(
            "Below, each route with its fields and an example. Click Authorize and paste the "
            "token (without the word Bearer), then Try it out on a route."
            if authenticated
            else "Below, each route with its fields and an example: Try it out on a route."
        ),
        style=STYLE,
        swagger=SWAGGER,
    )
    return HTMLResponse(text, headers={"Content-Security-Policy": POLICY})


def _authentication(enabled: bool) -> str:
    public = ", ".join(f"<code>{path}</code>" for path in sorted(PUBLIC_PATHS - {"/"}))
    if not enabled:
        return (
            "<p>Authentication is <b>disabled</b> on this instance "
            "(<code>CREDIT_API_AUTH=disabled</code>): no token is needed. Never so in "
            "production.</p>"
        )
    return f"""<p>Every route needs the header <code>Authorization: Bearer &lt;token&gt;</code>,
except the health probes and metrics, this page and the OpenAPI document ({public}).
The token is the service's <code>CREDIT_API_TOKEN</code>. On the demo, <code>make demo</code>
and <code>make serve</code> write one to the git-ignored <code>.env</code> file at the root of
the checkout; in a shell there:</p>
<pre><code>TOKEN=$(grep CREDIT_API_TOKEN .env | cut -d= -f2)</code></pre>"""


def _example(base: str, example: Example, authenticated: bool) -> str:
    """A curl command, shell-quoted: the JSON body has no single quote."""
    lines = [f"curl -X {example.method} {base}{example.path}"]
    if authenticated:
        lines.append('-H "Authorization: Bearer $TOKEN"')
    if example.body is not None:
        lines.append("-H 'Content-Type: application/json'")
        lines.append(f"-d '{json.dumps(example.body)}'")
    command = html.escape(" \\\n  ".join(lines))
    return f"<dt>{html.escape(example.what)}</dt>\n<dd><pre><code>{command}</code></pre></dd>"
