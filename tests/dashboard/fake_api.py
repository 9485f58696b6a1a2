"""A stand-in for the scoring API that answers like the real one (README, "Scoring service").

Fast dashboard tests run against it through ``httpx.MockTransport``: same routes, bodies,
bearer token and error shapes (``{"error"}``, 400 ``{"error", "detail": [{"loc", "msg"}]}``),
with a toy model whose risk grows with credit / income, so that what-if answers are known
in advance. The slow tests check the same client against the real service in process.
"""

from __future__ import annotations

import json
import math
from typing import Any

import httpx

from dashboard.api import CreditApi

BASE_URL = "http://scoring.test"
TOKEN = "t0ken"
THRESHOLD = 0.073
TAG = "credit_scoring:fake"
# logit(p) = A + B * credit / income: 500,000 / 150,000 gives 5.0 %; the limit is at 4.6.
A, B = -4.0, 0.3168
FEATURES = [
    {"name": "EXT_SOURCE_3", "label_en": "External score 3", "label_fr": "Score externe 3",
     "unit": "score", "source": "application"},
    {"name": "DAYS_BIRTH", "label_en": "Age (days before application)",
     "label_fr": "Âge (jours avant la demande)", "unit": "days", "source": "application"},
    {"name": "AMT_CREDIT", "label_en": "Credit amount", "label_fr": "Montant du crédit",
     "unit": "currency", "source": "application"},
    {"name": "CREDIT_INCOME_PERCENT", "label_en": "Credit amount / client income",
     "label_fr": "Montant du crédit / revenu du client", "unit": "ratio", "source": "application"},
    {"name": "FLAG_OWN_CAR", "label_en": "Owns a car = Y", "label_fr": "Possède une voiture = Y",
     "unit": "flag", "source": "application"},
    *({"name": f"OTHER_{i}", "label_en": f"Other factor {i}", "label_fr": f"Autre facteur {i}",
       "unit": None, "source": "bureau"} for i in range(15)),
]  # fmt: skip
CARD = {
    "top_features": [
        {"name": "EXT_SOURCE_3", "label_en": "External score 3", "mean_abs_shap": 0.41},
        {"name": "CREDIT_INCOME_PERCENT", "label_en": "Credit amount / client income",
         "mean_abs_shap": 0.12},
        {"name": "DAYS_BIRTH", "label_en": "Age (days before application)", "mean_abs_shap": 0.08},
    ]
}  # fmt: skip
APPLICATION = {
    "SK_ID_CURR": 100002,
    "NAME_CONTRACT_TYPE": "Cash loans",
    "CODE_GENDER": "F",
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
    "CNT_CHILDREN": 1,
    "AMT_INCOME_TOTAL": 150000.0,
    "AMT_CREDIT": 500000.0,
    "AMT_ANNUITY": 25000.0,
    "AMT_GOODS_PRICE": 450000.0,
    "NAME_INCOME_TYPE": "Pensioner",
    "NAME_EDUCATION_TYPE": "Higher education",
    "NAME_FAMILY_STATUS": "Married",
    "NAME_HOUSING_TYPE": "House / apartment",
    "DAYS_BIRTH": -13795,
    "DAYS_EMPLOYED": 365243,
    "OWN_CAR_AGE": None,
    "EXT_SOURCE_3": 0.26,
}
HISTORY = {
    "bureau": [{"SK_ID_CURR": 100002, "SK_ID_BUREAU": 5000001, "CREDIT_ACTIVE": "Closed"}],
    "bureau_balance": [{"SK_ID_BUREAU": 5000001, "MONTHS_BALANCE": -1, "STATUS": "C"}],
}
CLIENTS = {100002: {"application": APPLICATION, "target": 0, "history": HISTORY}}


def logit(application: dict[str, Any]) -> float:
    return A + B * application["AMT_CREDIT"] / application["AMT_INCOME_TOTAL"]


def probability(application: dict[str, Any]) -> float:
    return 1 / (1 + math.exp(-logit(application)))


class FakeScoringApi:
    """The routes of the scoring API over a toy model; records every call it gets."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.down = False  # every request fails to connect
        self.unavailable = ""  # every request answers 503 with this reason

    def api(self, token: str = TOKEN) -> CreditApi:
        """A :class:`CreditApi` whose HTTP client talks to this fake."""
        transport = httpx.MockTransport(self.handle)
        return CreditApi(
            BASE_URL, token, client=httpx.Client(base_url=BASE_URL, transport=transport)
        )

    def paths(self, method: str | None = None) -> list[str]:
        return [path for m, path, _ in self.calls if method in (None, m)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        self.calls.append((request.method, path, body))
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(401, "authentication required: invalid token")
        if self.unavailable:
            return _error(503, self.unavailable)
        if path == "/model":
            return httpx.Response(200, json=model_info())
        if path.startswith("/clients/"):
            client_id = int(path.rsplit("/", 1)[1])
            if client_id not in CLIENTS:
                return _error(404, f"client_id {client_id} is not a known client")
            return httpx.Response(200, json={"client_id": client_id, **CLIENTS[client_id]})
        if path == "/explain":
            return self._explain(body)
        if path == "/predict_batch":
            return self._batch(body)
        return _error(404, "not found")

    def _explain(self, body: dict[str, Any]) -> httpx.Response:
        if "client_id" in body:
            if body["client_id"] not in CLIENTS:
                return _error(404, f"client_id {body['client_id']} is not a known client")
            application = CLIENTS[body["client_id"]]["application"]
        else:
            application = body["application"]
            if application.get("AMT_CREDIT") is None or application["AMT_CREDIT"] < 0:
                return _bad_request(["application", "AMT_CREDIT"], "Input should be >= 0")
        return httpx.Response(200, json=explanation(application, body.get("language", "en")))

    def _batch(self, body: dict[str, Any]) -> httpx.Response:
        ids = [item["application"].get("SK_ID_CURR") for item in body["applications"]]
        if len({i for i in ids if i is not None}) < len([i for i in ids if i is not None]):
            return _bad_request(["applications"], "SK_ID_CURR must be unique in a batch")
        results = [prediction(item["application"]) for item in body["applications"]]
        return httpx.Response(
            200,
            json={"results": results, "model": TAG, "threshold": THRESHOLD, "count": len(results)},
        )


def model_info() -> dict[str, Any]:
    return {"tag": TAG, "threshold": THRESHOLD, "metadata": {}, "features": FEATURES, "card": CARD}


def prediction(application: dict[str, Any]) -> dict[str, Any]:
    p = probability(application)
    return {
        "client_id": application.get("SK_ID_CURR"),
        "probability": p,
        "decision": "refused" if p >= THRESHOLD else "granted",
        "threshold": THRESHOLD,
        "model": TAG,
        "request_id": "0" * 32,
    }


def explanation(application: dict[str, Any], language: str) -> dict[str, Any]:
    """Contributions that add up to the toy model's log-odds; reasons in ``language``."""
    ratio = application["AMT_CREDIT"] / application["AMT_INCOME_TOTAL"]
    shaps = [0.5, -0.2, 0.0, B * (ratio - 3.0), -0.05] + [0.01 * (i - 7) for i in range(15)]
    values = [application.get("EXT_SOURCE_3"), application["DAYS_BIRTH"],
              application["AMT_CREDIT"], ratio, 0.0] + [float(i) for i in range(15)]  # fmt: skip
    label = f"label_{language}"
    contributions = [
        {"feature": f["name"], "label": f[label], "value": v, "contribution": c}
        for f, v, c in zip(FEATURES, values, shaps, strict=True)
    ]
    return {
        **prediction(application),
        "base_value": logit(application) - sum(shaps),
        "contributions": contributions,
        "reasons": {
            "towards_refusal": _reasons(
                [c for c in contributions if c["contribution"] > 0], language
            ),
            "towards_acceptance": _reasons(
                [c for c in contributions if c["contribution"] < 0], language
            ),
        },
        "language": language,
    }


def _reasons(contributions: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """The four strongest, worded like the API: "…, which raises the risk." in EN or FR."""
    template = {"en": "{label}: {value}, which {effect} the risk.",
                "fr": "{label} : {value}, ce qui {effect} le risque."}[language]  # fmt: skip
    words = {"en": ("raises", "lowers"), "fr": ("augmente", "réduit")}[language]
    strongest = sorted(contributions, key=lambda c: -abs(c["contribution"]))[:4]
    return [
        {
            "feature": c["feature"],
            "label": c["label"],
            "value": str(c["value"]),
            "contribution": c["contribution"],
            "text": template.format(
                label=c["label"], value=c["value"], effect=words[c["contribution"] < 0]
            ),
        }
        for c in strongest
    ]


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": message})


def _bad_request(loc: list[str], message: str) -> httpx.Response:
    detail = [{"type": "value_error", "loc": loc, "msg": message}]
    return httpx.Response(400, json={"error": "1 validation error", "detail": detail})
