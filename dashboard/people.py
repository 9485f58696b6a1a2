"""Who uses the dashboard and who the records name: roles, and people as colleagues say them.

The roles are the API's; the API decides each person's role and enforces it on every call.
The dashboard only uses it to offer what the person may do.
"""

from __future__ import annotations

from dashboard.wording import word
from scoring.wording import Language

ROLES = ("advisor", "supervisor")
LEAST = "advisor"  # a session whose role cannot be read gets the fewer rights


def role_name(role: str, language: Language) -> str:
    """ "advisor" / "conseiller"."""
    return word(f"role_{role}", language)


def person(actor: str, language: Language) -> str:
    """Who a record names, as a colleague says it: "marie" for ``user:marie via key:…``, the
    administrator for the bootstrap token, an automated system for an API key alone."""
    if actor.startswith("user:"):
        return actor.removeprefix("user:").split(" via ", 1)[0]
    if actor == "token:bootstrap":
        return word("by_admin", language)
    return word("by_system", language, api_key=actor.removeprefix("key:"))
