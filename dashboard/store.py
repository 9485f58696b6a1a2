"""The state of one advisor's session: which client, in which language, and what the API said.

No UI code: views read these parameters and call :meth:`DashboardStore.select`. Every API
failure becomes the ``error`` message and empties the data it concerns, so no view ever
shows a decision next to an error about it, and the next action simply tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import panel as pn
import param

from dashboard.api import ApiError, CreditApi
from dashboard.config import DEFAULT_CURRENCY, DEFAULT_SNAPSHOT_PATH
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


@pn.cache(ttl=MODEL_INFO_TTL)
def fetch_model_info(api: CreditApi) -> dict[str, Any]:
    """GET /model once for every session of the process (failures are not cached)."""
    return api.model()


class DashboardStore(param.Parameterized):
    """The selected client, its data and explanation, the language, and the last error."""

    api = param.ClassSelector(class_=CreditApi, constant=True, doc="Client of the scoring API.")
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

    def select(self, client_id: int) -> bool:
        """Show ``client_id``; selecting the client already shown loads it again (a retry)."""
        if client_id == self.client_id:
            return self.load()
        self.client_id = client_id  # the watcher below loads it
        return bool(self.client)

    @param.depends("client_id", watch=True)
    def load(self) -> bool:
        """Load the client and its explanation; on failure set ``error`` and show nothing."""
        if self.client_id is None:
            self.param.update(client={}, explanation={}, error="")
            return False
        client_id = self.client_id
        loaded = self.attempt(
            lambda api: (
                fetch_model_info(api),
                api.client(client_id),
                api.explain(client_id, language=self.language),
            )
        )
        if loaded is None:
            self.param.update(client={}, explanation={})
            return False
        info, client, explanation = loaded
        recent = [client_id, *(c for c in self.recent if c != client_id)][:MAX_RECENT]
        self.param.update(model_info=info, client=client, explanation=explanation, recent=recent)
        return True

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
        explanation = self.attempt(lambda api: api.explain(client_id, language=self.language))
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
