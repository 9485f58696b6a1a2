"""Who is calling: the key (or bootstrap token) that authenticated, its scopes, and the
dashboard user it acts for. Every inquiry and decision row names the caller's ``actor``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["score", "decide", "clients", "audit", "delegate", "admin"]
SCOPES: dict[Scope, str] = {
    "score": "score applications (/predict, /explain, /predict_batch, /score_file, /model)",
    "decide": "record credit decisions (POST /decisions)",
    "clients": "read known clients, their decisions and letters",
    "audit": "read the review queue and the records",
    "delegate": "act for a signed-in dashboard user (X-Acting-User) and check their logins",
    "admin": "every scope",
}
Role = Literal["advisor", "supervisor"]
ROLES: tuple[Role, ...] = ("advisor", "supervisor")
SUPERVISOR: Role = "supervisor"  # may depart from the model, reads the review queue and monitoring
BOOTSTRAP = "token:bootstrap"  # CREDIT_API_TOKEN, the demo's admin key
ANONYMOUS = "anonymous"  # CREDIT_API_AUTH=disabled: local trials only


@dataclass(frozen=True)
class Caller:
    """An authenticated caller; ``user``/``role`` are set when a key acts for a person."""

    key: str  # "key:<key_id>", BOOTSTRAP or ANONYMOUS
    scopes: frozenset[str]
    user: str | None = None
    role: Role | None = None

    @property
    def actor(self) -> str:
        """How the records name the caller."""
        return f"user:{self.user} via {self.key}" if self.user else self.key

    def allows(self, scope: Scope) -> bool:
        """Whether the caller holds ``scope`` (admin holds every scope)."""
        return scope in self.scopes or "admin" in self.scopes


ADMIN_SCOPES = frozenset({"admin"})
