"""Signing in: the scoring API checks each person's name and password, Panel keeps the session.

The dashboard holds no password. Its login page posts to :class:`ApiLoginHandler`, which asks
the API's ``POST /users/login`` (off the event loop: the API's argon2 check takes ~0.1 s) and,
when the API accepts, sets Panel's signed cookies as Panel's own basic login does: ``user``,
which Panel checks on every page and on the websocket, and ``id_token``, which carries the
role (``pn.state.user_info``). A refusal is shown on the login page in French and English,
the English line being the API's own message (a lock after repeated failures says how long
to wait). The role only decides what the dashboard offers; the API enforces it on every call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import panel as pn
from panel.auth import BasicAuthProvider, BasicLoginHandler, _validate_next_url
from panel.config import config
from panel.io.resources import CDN_DIST
from panel.util import base64url_encode
from tornado.ioloop import IOLoop

from dashboard.api import ApiError, CreditApi
from dashboard.api_errors import SignInRefused
from dashboard.people import LEAST, ROLES

# French for each kind of refusal; the English line is the API's message.
REFUSALS_FR = {
    "wrong": "Identifiant ou mot de passe incorrect.",
    "wrong_locked": "Identifiant ou mot de passe incorrect ; trop d'échecs de connexion : "
    "réessayez dans {wait}.",
    "locked": "Trop d'échecs de connexion : réessayez dans {wait}.",
    "disabled": "Ce compte est désactivé : adressez-vous à un superviseur.",
    "other": "La connexion a été refusée.",
}
FALLBACK_EN = "Wrong username or password."


def wait_text(seconds: int) -> str:
    """ "30 s" or "5 minutes", as the API says it (the same in French)."""
    return f"{seconds} s" if seconds < 120 else f"{-(-seconds // 60)} minutes"


def refusal_lines(refused: SignInRefused) -> tuple[str, str]:
    """(French, English) sentences of a refused sign-in; the English one is the API's."""
    said = refused.message.strip().rstrip(".")
    english = f"{said[:1].upper()}{said[1:]}." if said else FALLBACK_EN
    lowered = said.lower()
    if refused.throttled:
        kind = "wrong_locked" if "wrong" in lowered else "locked"
    elif "disabled" in lowered:
        kind = "disabled"
    elif refused.status == 401:
        kind = "wrong"
    else:
        kind = "other"
    return REFUSALS_FR[kind].format(wait=wait_text(refused.retry_after)), english


def signed_in() -> tuple[str, str]:
    """(username, role) of the session's person, from Panel's signed cookies."""
    user = pn.state.user or ""
    role = (pn.state.user_info or {}).get("role")
    return user, role if role in ROLES else LEAST


class ApiLoginHandler(BasicLoginHandler):
    """Panel's login page and form, the password checked by the scoring API."""

    api: ClassVar[CreditApi]  # set by ApiAuthProvider on its own subclass

    def get(self) -> None:
        """The page, with no message: a refusal is shown by the POST that met it, never read
        from the URL (a link could otherwise put any text on the login page)."""
        next_url = _validate_next_url(self.get_argument("next", None))
        if next_url:
            self.set_cookie("next_url", next_url)
        self._page()

    async def post(self) -> None:
        username = self.get_argument("username", "").strip()
        password = self.get_argument("password", "")
        if not (username and password):
            self._page(401, refusal_lines(SignInRefused(401, "")), username)
            return
        try:
            answer = await IOLoop.current().run_in_executor(
                None, self.api.login, username, password
            )
        except SignInRefused as refused:
            self._page(429 if refused.throttled else 401, refusal_lines(refused), username)
            return
        except ApiError as error:  # the API is down, or refuses the dashboard's token
            self._page(503, (error.text("fr"), error.text("en")), username)
            return
        if answer.get("role") not in ROLES:
            said = (REFUSALS_FR["other"], "The scoring service gave no known role.")
            self._page(401, said, username)
            return
        self.sign_in(str(answer["username"]), str(answer["role"]))
        self.redirect(_validate_next_url(self.get_cookie("next_url", pn.state.base_url)))

    def sign_in(self, user: str, role: str) -> None:
        """Panel's session cookies, as its basic login sets them, the role in the id token."""
        options: dict[str, Any] = {
            "expires_days": config.oauth_expiry,
            "httponly": True,
            "path": config.cookie_path,
        }
        self.clear_cookie("is_guest")
        self.set_secure_cookie("user", user, **options)
        id_token: str | bytes = base64url_encode(json.dumps({"user": user, "role": role}))
        if pn.state.encryption:
            id_token = pn.state.encryption.encrypt(id_token.encode("utf-8"))
        self.set_secure_cookie("id_token", id_token, **options)

    def _page(
        self, status: int = 200, error: tuple[str, str] | None = None, username: str = ""
    ) -> None:
        """The sign-in page; after a refusal, with why and the name typed (never the password)."""
        self.set_status(status)
        french, english = error or ("", "")
        self.write(
            self._login_template.render(
                login_endpoint=self._login_endpoint,
                errormessage=bool(error),
                username=username,
                error_fr=french,
                error_en=english,
                PANEL_CDN=CDN_DIST,
            )
        )


class ApiAuthProvider(BasicAuthProvider):
    """Panel's basic auth provider (cookie session, login and logout pages), its login
    handler asking ``api`` whether the password is right."""

    def __init__(self, api: CreditApi, login_template: Path, logout_template: Path) -> None:
        self._api = api
        self._handler: type[ApiLoginHandler] | None = None
        super().__init__(login_template=str(login_template), logout_template=str(logout_template))

    @property
    def login_handler(self) -> type[ApiLoginHandler]:
        """A subclass bound to this provider's API and page (Panel's own handler keeps them
        as class attributes, which would be shared by every server of the process)."""
        if self._handler is None:
            attributes = {
                "api": self._api,
                "_login_template": self._login_template,
                "_login_endpoint": self._login_endpoint,
            }
            self._handler = type("BoundApiLoginHandler", (ApiLoginHandler,), attributes)
        return self._handler
