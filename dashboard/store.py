"""The state of one person's session: who they are, which client, in which language, and what
the API said.

No UI code: views read these parameters and call :meth:`DashboardStore.select`. Every API
failure becomes the ``error`` message and empties the data it concerns, so no view ever
shows a recommendation next to an error about it, and the next action simply tries again.
Opening a client or switching language asks the API with the purpose ``view``: looking at a
file is recorded as an inquiry, never as a decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import panel as pn
import param

from dashboard.api import ApiError, CreditApi
from dashboard.config import DEFAULT_CURRENCY, DEFAULT_SNAPSHOT_PATH, DEFAULT_TIMEZONE
from dashboard.people import LEAST, ROLES
from dashboard.wording import word
from scoring.wording import LANGUAGES, Language

MAX_RECENT = 8
MODEL_INFO_TTL = 600  # seconds: a redeployed model shows up within ten minutes
T = TypeVar("T")


class Said(Protocol):
    """Something the dashboard can say in either language."""

    def text(self, language: Language) -> str: ...


@dataclass(frozen=True)
class Message:
    """A phrase of :mod:`dashboard.wording` with its fields."""

    key: str
    fields: dict[str, Any]

    def text(self, language: Language) -> str:
        return word(self.key, language, **self.fields)


# Every session's client shares one connection: one /model answer serves them all.
@pn.cache(ttl=MODEL_INFO_TTL, hash_funcs={CreditApi: lambda api: str(api.connection).encode()})
def fetch_model_info(api: CreditApi) -> dict[str, Any]:
    """GET /model once for every session of the process (failures are not cached)."""
    return api.model()


class DashboardStore(param.Parameterized):
    """Who is signed in, the selected client, its data, explanation and decisions, the
    language, and the last error."""

    api = param.ClassSelector(
        class_=CreditApi, constant=True, doc="Client of the scoring API, acting for ``user``."
    )
    role = param.Selector(
        default=LEAST,
        objects=list(ROLES),
        constant=True,
        doc="What the dashboard offers: a supervisor also overrides and sees the review queue.",
    )
    timezone = param.String(
        default=DEFAULT_TIMEZONE, constant=True, doc="Time zone of the times shown."
    )
    client_id = param.Integer(
        default=None, allow_None=True, bounds=(0, None), doc="SK_ID_CURR of the client shown."
    )
    language = param.Selector(
        default="en", objects=list(LANGUAGES), doc="Language of labels and reasons."
    )
    recent = param.List(
        default=[], item_type=int, doc=f"The last {MAX_RECENT} clients shown, newest first."
    )
    error = param.String(default="", doc="Why the last API call failed; empty when it worked.")
    client = param.Dict(
        default={}, doc="POST /clients: application, target and history of the client."
    )
    explanation = param.Dict(
        default={}, doc="POST /explain of the client, in the current language."
    )
    decisions = param.Dict(
        default={}, doc="POST /decisions/history of the client: its decisions and the current."
    )
    model_info = param.Dict(
        default={}, doc="GET /model: tag, threshold, features, groups and card."
    )
    currency = param.String(
        default=DEFAULT_CURRENCY, constant=True, doc="Shown after every amount (CREDIT_CURRENCY)."
    )
    snapshot_path = param.String(
        default=str(DEFAULT_SNAPSHOT_PATH), constant=True, doc="Where the snapshot is read."
    )
    snapshot = param.DataFrame(
        default=None,
        allow_None=True,
        doc="Portfolio snapshot for peer comparisons (filled by the peers view), or None.",
    )

    _failure: Said | None = None  # what ``error`` says, to say it again in another language

    @property
    def user(self) -> str:
        """The signed-in person the API calls are made for ("" outside a server session)."""
        return self.api.acting_user or "" if self.api is not None else ""

    @property
    def supervisor(self) -> bool:
        """Whether to offer overrides, review-band decisions and the review queue."""
        return self.role == "supervisor"

    def select(self, client_id: int) -> bool:
        """Show ``client_id``; selecting the client already shown loads it again (a retry)."""
        if client_id == self.client_id:
            return self.load()
        self.client_id = client_id  # the watcher below loads it
        return bool(self.client)

    @param.depends("client_id", watch=True)
    def load(self) -> bool:
        """Load the client, its explanation and its decisions; on failure set ``error`` and
        show nothing."""
        if self.client_id is None:
            self.param.update(client={}, explanation={}, decisions={}, error="")
            return False
        client_id = self.client_id
        loaded = self.attempt(
            lambda api: (
                fetch_model_info(api),
                api.client(client_id),
                api.explain(client_id, purpose="view", language=self.language),
                api.decision_history(client_id),
            )
        )
        if loaded is None:
            self.param.update(client={}, explanation={}, decisions={})
            return False
        info, client, explanation, decisions = loaded
        recent = [client_id, *(c for c in self.recent if c != client_id)][:MAX_RECENT]
        self.param.update(
            model_info=info,
            client=client,
            explanation=explanation,
            decisions=decisions,
            recent=recent,
        )
        return True

    def reload_decisions(self) -> bool:
        """Read the client's decisions again, e.g. after one was recorded."""
        if self.client_id is None:
            return False
        client_id = self.client_id
        decisions = self.attempt(lambda api: api.decision_history(client_id))
        if decisions is not None:
            self.decisions = decisions
        return decisions is not None

    def load_model_info(self) -> bool:
        """Fetch the model description (cached for the process), e.g. before any client."""
        info = self.attempt(fetch_model_info)
        if info is not None:
            self.model_info = info
        return info is not None

    @param.depends("language", watch=True)
    def _explain_again(self) -> None:
        """Reasons and labels come from the API in the chosen language."""
        if not self.explanation or self.client_id is None:
            return
        client_id = self.client_id
        explanation = self.attempt(
            lambda api: api.explain(client_id, purpose="view", language=self.language)
        )
        self.explanation = explanation or {}

    def attempt(self, call: Callable[[CreditApi], T]) -> T | None:
        """Run ``call(api)``; None and ``error`` set when the API fails, ``error`` cleared else.

        Views use it for their own calls (what-if), so one message shows what went wrong
        and any later successful call clears it: the app recovers when the API is back.
        """
        try:
            result = call(self.api)
        except ApiError as error:
            self._failure = error
            self.error = error.text(self.language)
            return None
        self._failure = None
        self.error = ""
        return result

    def complain(self, key: str, **fields: Any) -> None:
        """Show the phrase ``key`` of :mod:`dashboard.wording` as the error, e.g. a bad ID."""
        self._failure = Message(key, fields)
        self.error = self._failure.text(self.language)

    @param.depends("language", watch=True)
    def _reword(self) -> None:
        """The error shown, if any, in the new language."""
        if self.error and self._failure is not None:
            self.error = self._failure.text(self.language)
