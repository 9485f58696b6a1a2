"""The REST API's contract, written once and run at two depths: in process through
``to_asgi()`` (``tests/service/test_api.py``) and over a real `bentoml serve`
(``tests/serve/test_api.py``). Each check takes an :class:`Api` and asserts; ``CHECKS`` lists
them with their arguments, one pytest case each."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx
import numpy as np
import pytest

from scoring.records.database import RecordsDatabase
from scoring.records.decisions import DecisionBook
from scoring.records.inquiries import InquiryLog
from scoring.records.tables import INQUIRIES
from tests.support.inputs import APPLICATION, HISTORY
from tests.support.serving import AUTH


class Api(NamedTuple):
    """A client of the service (a TestClient is an httpx.Client) and what the checks read."""

    client: httpx.Client
    known_client: int
    records: RecordsDatabase

    @property
    def inquiries(self) -> InquiryLog:
        return InquiryLog(self.records)

    @property
    def decisions(self) -> DecisionBook:
        return DecisionBook(self.records)


def _post(api: Api, path: str, body: Any) -> httpx.Response:
    return api.client.post(path, json=body, headers=AUTH)


def predict_an_application_and_a_known_client(api: Api) -> None:
    for body, client_id in (
        ({"application": APPLICATION}, 900001),
        ({"client_id": api.known_client}, api.known_client),
    ):
        response = _post(api, "/predict", body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["client_id"] == client_id
        assert 0 < result["probability"] < 1
        p, threshold, band = result["probability"], result["threshold"], result["review_band"]
        expected = "refused" if p >= threshold else "granted"
        assert result["recommendation"] == ("review" if abs(p - threshold) <= band else expected)
        assert result["model"].startswith("credit_scoring:") and len(result["request_id"]) == 32


def explain_adds_up_to_the_log_odds_and_gives_reasons(api: Api, language: str) -> None:
    body = {"application": APPLICATION, "history": HISTORY, "language": language}
    response = _post(api, "/explain", body)
    assert response.status_code == 200, response.text
    assert len(response.content) <= 10_000, "the default answer stays small"
    result = response.json()
    p = result["probability"]
    groups = result["groups"]
    total = result["base_value"] + sum(g["contribution"] for g in groups)
    assert abs(total - math.log(p / (1 - p))) <= 1e-5
    points = 100 * result["base_probability"] + sum(g["points"] for g in groups)
    assert abs(points - 100 * p) <= 1e-6
    assert result["contributions"] is None
    assert all(fact["value"] is not None for g in groups for fact in g["facts"]), "no unknowns"
    reasons, refused = result["reasons"], p >= result["threshold"]
    assert 1 <= len(reasons) <= 4
    assert {r["direction"] for r in reasons} == {"raises" if refused else "lowers"}
    labels = {g["code"]: g["label"] for g in groups}
    assert labels.get("external_scores") == (
        "Scores de crédit externes" if language == "fr" else "External credit scores"
    )
    detailed = _post(api, "/explain", {**body, "detail": "features"}).json()
    ext3 = next(c for c in detailed["contributions"] if c["feature"] == "EXT_SOURCE_3")
    assert ext3["value"] == pytest.approx(0.3)
    total = detailed["base_value"] + sum(c["contribution"] for c in detailed["contributions"])
    assert abs(total - math.log(p / (1 - p))) <= 1e-5


def batch_reasons_equal_single_explanations(api: Api) -> None:
    applications = [
        {"application": {**APPLICATION, "SK_ID_CURR": 900200 + i, "AMT_CREDIT": 2e5 + 3e5 * i}}
        for i in range(4)
    ]
    batch = _post(api, "/predict_batch", {"applications": applications, "reasons": True,
                                          "language": "fr"})  # fmt: skip
    assert batch.status_code == 200, batch.text
    for item, result in zip(applications, batch.json()["results"], strict=True):
        single = _post(api, "/explain", {**item, "language": "fr"}).json()
        assert result["reasons"] == single["reasons"]
    plain = _post(api, "/predict_batch", {"applications": applications}).json()
    assert all(r["reasons"] is None for r in plain["results"])


def batch_results_equal_single_calls(api: Api) -> None:
    applications = [
        {"application": {**APPLICATION, "SK_ID_CURR": 900100 + i, "AMT_CREDIT": 2e5 + 1e5 * i},
         **({"history": HISTORY} if i % 2 else {})}
        for i in range(6)
    ]  # fmt: skip
    batch = _post(api, "/predict_batch", {"applications": applications})
    assert batch.status_code == 200, batch.text
    singles = [_post(api, "/predict", item).json() for item in applications]
    assert [r["client_id"] for r in batch.json()["results"]] == [s["client_id"] for s in singles]
    np.testing.assert_allclose(
        [r["probability"] for r in batch.json()["results"]],
        [s["probability"] for s in singles],
        rtol=0,
        atol=1e-12,
    )


def points_and_grade_follow_the_probability(api: Api) -> None:
    info = api.client.get("/model", headers=AUTH).json()
    settings, table = info["scale"]["settings"], info["scale"]["grades"]
    assert table == info["card"]["scale"]["grades"], "the API quotes the card's grades"
    grades = {row["grade"]: row for row in table}
    applications = [
        {
            "application": {
                **APPLICATION,
                "SK_ID_CURR": 900300 + i,
                "EXT_SOURCE_2": score,
                "EXT_SOURCE_3": score,
            }
        }
        for i, score in enumerate((0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99))
    ]
    batch = _post(api, "/predict_batch", {"applications": applications})
    assert batch.status_code == 200, batch.text
    results = batch.json()["results"]
    for item, result in zip(applications, results, strict=True):
        p = result["probability"]
        # The scorecard's definition, written apart from the code: base points at the base
        # odds (good:bad), pdo more for each doubling of the odds.
        odds = (1 - p) / p
        expected = settings["base_points"] + settings["pdo"] * math.log2(
            odds / settings["base_odds"]
        )
        assert result["points"] == round(expected)
        row = grades[result["grade"]]
        assert row["probability_from"] <= p < row["probability_to"]
        assert result["grade_default_rate"] == row["observed_rate"]
        for path in ("/predict", "/explain"):
            single = _post(api, path, item).json()
            assert (single["points"], single["grade"], single["grade_default_rate"]) == (
                result["points"], result["grade"], result["grade_default_rate"]
            )  # fmt: skip
    by_risk = sorted(results, key=lambda r: r["probability"])
    assert [r["points"] for r in by_risk] == sorted((r["points"] for r in by_risk), reverse=True)
    assert [r["grade"] for r in by_risk] == sorted(r["grade"] for r in by_risk)
    grades_seen = sorted({r["grade"] for r in results})
    assert len(grades_seen) >= 3, f"the applications span several grades, not {grades_seen}"


def model_card_and_client_lookup(api: Api) -> None:
    model = api.client.get("/model", headers=AUTH)
    assert model.status_code == 200
    info = model.json()
    assert info["threshold"] == pytest.approx(info["metadata"]["threshold"])
    assert 50 <= len(info["features"]) <= 200 and {"label_en", "label_fr", "unit"} <= set(
        info["features"][0]
    )
    codes = {entry["code"] for entry in info["reason_codes"]}
    assert {"external_scores.raises", "first_application", "no_bureau_record"} <= codes
    assert {g["code"] for g in info["groups"]} >= {"external_scores", "instalments"}
    client = _post(api, "/clients", {"client_id": api.known_client})
    assert client.status_code == 200
    assert client.json()["application"]["SK_ID_CURR"] == api.known_client


def bad_input_gets_a_4xx_naming_the_field(api: Api, body: dict, field: str) -> None:
    path = "/predict_batch" if "applications" in body else "/predict"
    response = _post(api, path, body)
    assert 400 <= response.status_code < 500, response.text
    assert field in response.text


def non_finite_numbers_and_malformed_json_are_rejected(api: Api) -> None:
    for raw in (
        '{"application": {"NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F", '
        '"AMT_INCOME_TOTAL": NaN, "AMT_CREDIT": 1, "DAYS_BIRTH": -12000}}',
        '{"application": {"AMT_CREDIT": Infinity}}',
        '{"application": ',
    ):
        response = api.client.post(
            "/predict", content=raw, headers={**AUTH, "Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500, response.text


def oversized_batch_and_unknown_client(api: Api) -> None:
    oversized = {"applications": [{"application": APPLICATION}] * 10_001}
    response = _post(api, "/predict_batch", oversized)
    assert response.status_code == 400 and "applications" in response.text
    unknown = _post(api, "/predict", {"client_id": 999_999_999})
    assert unknown.status_code == 404 and "999999999" in unknown.text


def every_data_endpoint_needs_the_token(api: Api, method: str, path: str, body: Any) -> None:
    kwargs = {"json": body} if body is not None else {}
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": AUTH["Authorization"] + "x"},
    ):
        response = getattr(api.client, method)(path, headers=headers, **kwargs)
        assert response.status_code == 401
        assert "SK_ID_CURR" not in response.text and "probability" not in response.text


def health_needs_no_token(api: Api) -> None:
    assert api.client.get("/livez").status_code == 200
    assert api.client.get("/readyz").status_code == 200


def scoring_records_inquiries_never_decisions(api: Api) -> None:
    before, decisions = api.inquiries.count(), api.decisions.count()
    ok = [_post(api, "/predict", {"application": APPLICATION}) for _ in range(3)]
    ok.append(_post(api, "/explain", {"application": APPLICATION, "purpose": "what-if"}))
    anonymous = {k: v for k, v in APPLICATION.items() if k != "SK_ID_CURR"}
    batch = _post(
        api,
        "/predict_batch",
        {"applications": [{"application": anonymous}] * 4, "purpose": "view", "language": "fr"},
    )
    failed = _post(api, "/predict", {"application": {**APPLICATION, "AMT_CREDIT": -1}})
    assert failed.status_code == 400
    ids = [r.json()["request_id"] for r in ok] + [r["request_id"] for r in batch.json()["results"]]
    assert api.inquiries.count() - before == len(ids) == 8
    assert api.decisions.count() == decisions, "a score is never recorded as a decision"
    with api.records.reading() as connection:
        rows = connection.execute(INQUIRIES.select().where(INQUIRIES.c.request_id.in_(ids)))
        found = {row.request_id: row for row in rows}
    assert sorted(found) == sorted(ids)
    assert [found[i].endpoint for i in ids] == ["predict"] * 3 + ["explain"] + ["predict_batch"] * 4
    assert [found[i].purpose for i in ids] == ["application"] * 3 + ["what-if"] + ["view"] * 4
    assert {found[i].language for i in ids[4:]} == {"fr"}
    assert {row.actor for row in found.values()} == {"token:bootstrap"}
    assert all(len(row.input_hash) == 64 for row in found.values())


def _decision(api: Api, client_id: int, **fields: Any) -> httpx.Response:
    body = {"application": {**APPLICATION, "SK_ID_CURR": client_id}, **fields}
    return _post(api, "/decisions", body)


def _fresh() -> tuple[int, str]:
    """An application id and key prefix no other run of the contract used: the in-process and
    the served runs may share one records database."""
    run = uuid.uuid4().hex[:12]
    return 910_000_000 + int(run[:6], 16) % 9_000_000, f"contract-{run}"


def a_decision_is_recorded_once_and_revised_by_a_new_record(api: Api) -> None:
    client_id, key = _fresh()
    score = _post(api, "/predict", {"application": {**APPLICATION, "SK_ID_CURR": client_id}})
    recommendation = score.json()["recommendation"]
    follows = recommendation if recommendation != "review" else "granted"
    reason = None if recommendation != "review" else "guarantee"
    first = _decision(api, client_id, final_decision=follows, idempotency_key=f"{key}-0001",
                      reason=reason)  # fmt: skip
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["probability"] == pytest.approx(score.json()["probability"], abs=1e-12)
    assert receipt["recommendation"] == recommendation and not receipt["replayed"]
    assert receipt["decided_by"] == "token:bootstrap" and receipt["reason_codes"]
    again = _decision(api, client_id, final_decision=follows, idempotency_key=f"{key}-0001",
                      reason=reason)  # fmt: skip
    assert again.status_code == 200 and again.json()["decision_id"] == receipt["decision_id"]
    assert again.json()["replayed"]
    other = "refused" if follows == "granted" else "granted"
    second = _decision(api, client_id, final_decision=other, idempotency_key=f"{key}-0002",
                       reason="guarantee")  # fmt: skip
    assert second.status_code == 409 and receipt["decision_id"] in second.text
    unexplained = _decision(api, client_id, final_decision=other, idempotency_key=f"{key}-0003",
                            revises=receipt["decision_id"])  # fmt: skip
    assert unexplained.status_code == 400 and "reason" in unexplained.json()["error"]
    revised = _decision(api, client_id, final_decision=other, idempotency_key=f"{key}-0004",
                        revises=receipt["decision_id"], reason="guarantee")  # fmt: skip
    assert revised.status_code == 201, revised.text
    history = _post(api, "/decisions/history", {"client_id": client_id}).json()
    assert [d["decision_id"] for d in history["decisions"]] == [
        receipt["decision_id"],
        revised.json()["decision_id"],
    ]
    assert history["current"] == revised.json()["decision_id"]
    assert api.decisions.verify() == []


def a_refusal_has_a_letter_in_each_language(api: Api) -> None:
    client_id, key = _fresh()
    refused = _decision(api, client_id, final_decision="refused", idempotency_key=f"{key}-0101",
                        reason="affordability")  # fmt: skip
    assert refused.status_code == 201, refused.text
    decision_id = refused.json()["decision_id"]
    for language in ("en", "fr"):
        letter = _post(api, "/decisions/letter", {"decision_id": decision_id, "language": language})
        assert letter.status_code == 200, letter.text
        assert letter.headers["content-type"] == "application/pdf"
        assert letter.content.startswith(b"%PDF")


REQUIRED_ONLY = {k: v for k, v in APPLICATION.items() if k != "DAYS_BIRTH"}
BAD_INPUTS = [
    ("wrong type", {"application": {**APPLICATION, "AMT_CREDIT": "lots"}}, "AMT_CREDIT"),
    ("string number", {"application": {**APPLICATION, "AMT_CREDIT": "1"}}, "AMT_CREDIT"),
    ("negative amount", {"application": {**APPLICATION, "AMT_CREDIT": -5}}, "AMT_CREDIT"),
    ("absurd amount", {"application": {**APPLICATION, "AMT_CREDIT": 1e15}}, "AMT_CREDIT"),
    ("unknown category", {"application": {**APPLICATION, "CODE_GENDER": "Z"}}, "CODE_GENDER"),
    ("unknown field", {"application": {**APPLICATION, "AMT_CREDITT": 1}}, "AMT_CREDITT"),
    ("missing required", {"application": REQUIRED_ONLY}, "DAYS_BIRTH"),
    ("both sources", {"application": APPLICATION, "client_id": 1}, "client_id"),
    ("empty batch", {"applications": []}, "applications"),
]  # fmt: skip
ONE_ITEM = {"applications": [{"application": APPLICATION}]}
PROTECTED = [
    {"method": "post", "path": "/predict", "body": {"client_id": 1}},
    {"method": "post", "path": "/explain", "body": {"application": APPLICATION}},
    {"method": "post", "path": "/predict_batch", "body": ONE_ITEM},
    {"method": "get", "path": "/model", "body": None},
    {"method": "post", "path": "/clients", "body": {"client_id": 100002}},
    {"method": "post", "path": "/decisions", "body": {"client_id": 100002}},
    {"method": "post", "path": "/decisions/history", "body": {"client_id": 100002}},
    {"method": "post", "path": "/decisions/review", "body": {}},
    {"method": "post", "path": "/decisions/letter", "body": {"decision_id": "0" * 32}},
]  # fmt: skip


def _case(check: Callable[..., None], name: str, **arguments: Any) -> Any:
    return pytest.param(check, arguments, id=name)


CHECKS = [
    _case(predict_an_application_and_a_known_client, "predict an application and a client"),
    *(
        _case(explain_adds_up_to_the_log_odds_and_gives_reasons, f"explain ({lang})", language=lang)
        for lang in ("en", "fr")
    ),
    _case(batch_results_equal_single_calls, "batch equals single calls"),
    _case(batch_reasons_equal_single_explanations, "batch reasons equal /explain's"),
    _case(model_card_and_client_lookup, "model card and client lookup"),
    _case(points_and_grade_follow_the_probability, "points and grade follow the probability"),
    *(
        _case(bad_input_gets_a_4xx_naming_the_field, f"bad input: {case}", body=body, field=field)
        for case, body, field in BAD_INPUTS
    ),
    _case(non_finite_numbers_and_malformed_json_are_rejected, "non-finite and malformed JSON"),
    _case(oversized_batch_and_unknown_client, "oversized batch and unknown client"),
    *(
        _case(every_data_endpoint_needs_the_token, f"token: {r['method']} {r['path']}", **r)
        for r in PROTECTED
    ),
    _case(health_needs_no_token, "health needs no token"),
    _case(scoring_records_inquiries_never_decisions, "scoring records inquiries, not decisions"),
    _case(a_decision_is_recorded_once_and_revised_by_a_new_record, "decisions: once, revised"),
    _case(a_refusal_has_a_letter_in_each_language, "letter of a refusal"),
]
