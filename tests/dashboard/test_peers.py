"""Peer comparisons: groups, neighbours and ranks by hand, and the view without a browser."""

from __future__ import annotations

import os
import re

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import pytest

from dashboard import snapshot as snapshot_module
from dashboard.api import CreditApi
from dashboard.peer_groups import (
    AGE_EDGES,
    band,
    client_row,
    histogram_edges,
    neighbour_mask,
    rank,
    reference_groups,
    similar_mask,
)
from dashboard.peer_wording import PEER_WORDS, rank_text, value_text
from dashboard.peers import PeersView, numeric_columns
from dashboard.snapshot import load_snapshot
from dashboard.store import DashboardStore
from scoring.descriptors import describe

CLIENTS = 400


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    """A small portfolio built the way the snapshot is: raw columns through ``describe``."""
    rng = np.random.default_rng(0)
    raw = {
        "DAYS_BIRTH": -rng.uniform(20, 70, CLIENTS) * 365.25,
        "DAYS_EMPLOYED": np.where(rng.random(CLIENTS) < 0.2, 365243, -rng.random(CLIENTS) * 7e3),
        "AMT_INCOME_TOTAL": rng.lognormal(11.8, 0.5, CLIENTS),
        "AMT_CREDIT": rng.lognormal(13, 0.6, CLIENTS),
        "EXT_SOURCE_3": np.where(rng.random(CLIENTS) < 0.1, np.nan, rng.random(CLIENTS)),
        "CODE_GENDER": rng.choice(["F", "M"], CLIENTS),
        "NAME_CONTRACT_TYPE": rng.choice(["Cash loans", "Revolving loans"], CLIENTS),
        "CNT_CHILDREN": rng.integers(0, 3, CLIENTS).astype(float),
    }  # fmt: skip
    raw["AMT_ANNUITY"] = raw["AMT_CREDIT"] / rng.uniform(10, 40, CLIENTS)
    raw["PAYMENT_RATE"] = raw["AMT_ANNUITY"] / raw["AMT_CREDIT"]
    raw["INCOME_CREDIT_PERC"] = raw["AMT_INCOME_TOTAL"] / raw["AMT_CREDIT"]
    probability = rng.beta(1, 12, CLIENTS)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "SK_ID_CURR": np.arange(100_000, 100_000 + CLIENTS),
                    "TARGET": np.where(
                        np.arange(CLIENTS) % 5 == 0, np.nan, rng.random(CLIENTS) < probability
                    ),
                    "probability": probability,
                    "decision": pd.Categorical(
                        np.where(probability >= 0.08, "refused", "granted"), ["granted", "refused"]
                    ),
                }
            ),
            describe(raw),
            pd.DataFrame({"INSTAL_DBD_MEAN": rng.uniform(0, 20, CLIENTS).astype(np.float32)}),
        ],
        axis=1,
    )
    frame.attrs = {"top_features": ["ext_source_3", "INSTAL_DBD_MEAN"]}
    return frame


def test_bands_put_unknown_apart() -> None:
    assert band([20, 25, 40, 70, np.nan], AGE_EDGES).tolist() == [0, 1, 2, 5, -1]


def test_similar_clients_share_every_chosen_trait(snapshot: pd.DataFrame) -> None:
    client = snapshot.iloc[7]
    mask = similar_mask(snapshot, client, ["gender", "age_band"])
    peers = snapshot[mask]
    assert mask[7] and 0 < mask.sum() < len(snapshot)
    assert (peers["gender"] == client["gender"]).all()
    assert set(band(peers["age_years"], AGE_EDGES)) == {int(band(client["age_years"], AGE_EDGES))}
    outside = snapshot[~mask]
    other_band = band(outside["age_years"], AGE_EDGES) != band(client["age_years"], AGE_EDGES)
    assert ((outside["gender"] != client["gender"]) | other_band).all()
    assert similar_mask(snapshot, client, []).all()


def test_unknown_matches_unknown(snapshot: pd.DataFrame) -> None:
    client = snapshot.iloc[0].copy()
    client["gender"] = np.nan
    assert not similar_mask(snapshot, client, ["gender"]).any()


def test_neighbours_are_the_nearest_by_brute_force(snapshot: pd.DataFrame) -> None:
    columns = ("age_years", "ext_source_3", "children")
    client = snapshot.iloc[3]
    mask = neighbour_mask(snapshot, client, 25, columns)
    assert mask.sum() == 25 and not mask[3]
    matrix = snapshot[list(columns)].to_numpy(float)
    matrix = np.where(np.isnan(matrix), np.nanmedian(matrix, axis=0), matrix)
    scaled = (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)
    distance = np.linalg.norm(scaled - scaled[3], axis=1)
    distance[3] = np.inf
    assert distance[mask].max() <= distance[~mask].min()


def test_neighbours_of_an_outside_client_are_exactly_k(snapshot: pd.DataFrame) -> None:
    client = snapshot.iloc[3].copy()
    client["SK_ID_CURR"] = -1
    assert neighbour_mask(snapshot, client, 30).sum() == 30
    client[["age_years", "income", "credit", "annuity"]] = np.nan
    assert neighbour_mask(snapshot, client, 30).sum() == 30


@pytest.mark.parametrize(
    ("values", "value", "expected"),
    [
        ([1, 2, 3, 4], 3, (50.0, 25.0, 4)),
        ([1, 2, np.nan, 4], 5, (100.0, 0.0, 3)),
        ([0, 0, 0, 1], 0, (0.0, 75.0, 4)),
    ],
)
def test_rank_counts_known_values_below_and_equal(values, value, expected) -> None:
    result = rank(values, value)
    assert (result.below, result.equal, result.size) == expected


def test_no_rank_without_a_value_or_a_group() -> None:
    assert rank([1, 2], np.nan) is None
    assert rank([np.nan], 1.0) is None
    assert "unknown" in rank_text("similar", None, False, "en")
    assert rank_text("similar", rank([1, 2, 3, 4], 3), True, "en") == (
        "Higher than 50% and equal to 25% of similar clients (4 clients with a known value)."
    )
    french = rank_text("all", rank([1, 2, 3, 4], 4.5), True, "fr")
    assert french.startswith("Supérieur à 100\u202f%")


@pytest.mark.parametrize(
    ("mode", "keys"),
    [
        ("all", ["all"]),
        ("similar", ["similar", "all"]),
        ("neighbours", ["neighbours", "all"]),
        ("outcome", ["repaid", "defaulted"]),
        ("decision", ["granted", "refused"]),
    ],
)
def test_reference_groups(snapshot: pd.DataFrame, mode: str, keys: list[str]) -> None:
    groups = reference_groups(snapshot, snapshot.iloc[0], mode, ["gender"], 50)
    assert [g.key for g in groups] == keys
    if mode == "outcome":
        assert groups[0].size + groups[1].size == snapshot["TARGET"].notna().sum()
    if mode == "decision":
        assert groups[1].size == (snapshot["probability"] >= 0.08).sum()


def test_histogram_edges_survive_constant_and_empty_values() -> None:
    assert np.ptp(histogram_edges([2.0] * 10)) > 0
    assert len(histogram_edges([np.nan], bins=5)) == 6
    edges = histogram_edges(np.r_[np.arange(1000.0), 1e9])
    assert edges[-1] < 1e9  # one absurd value does not flatten the others


def test_client_row_is_the_snapshot_row_while_the_score_matches(snapshot: pd.DataFrame) -> None:
    row = snapshot.iloc[5]
    found = client_row(snapshot, int(row["SK_ID_CURR"]), {}, {"probability": row["probability"]})
    assert found is not None and found.name == 5
    assert client_row(snapshot, 1, None, None) is None


def test_a_client_described_from_their_data_matches_their_snapshot_row(
    api: CreditApi, portfolio_snapshot: str, known_client: int
) -> None:
    """A client outside the snapshot (or scored by a newer model) is described from their
    application and history exactly as the snapshot describes the others."""
    snapshot = load_snapshot(portfolio_snapshot)
    client = api.client(known_client)
    other_score = {"probability": -1.0, "decision": "refused"}  # forces the computation
    computed = client_row(
        snapshot, known_client, client["application"], other_score, client["history"]
    )
    stored = snapshot.loc[snapshot["SK_ID_CURR"] == known_client].iloc[0]
    assert list(computed.index) == list(snapshot.columns)
    for column in snapshot.columns.drop(["TARGET", "probability", "decision"]):
        expected, actual = stored[column], computed[column]
        if isinstance(expected, str) or pd.isna(expected):
            assert actual == expected or (pd.isna(actual) and pd.isna(expected)), column
        else:
            assert float(actual) == pytest.approx(float(expected), rel=1e-6), column
    assert computed["probability"] == -1.0 and computed["decision"] == "refused"


def test_values_read_in_human_units() -> None:
    assert value_text("age_years", 36.54, "en") == "36.5 years"
    assert value_text("income", 135000.0, "fr") == "135\u202f000"
    assert value_text("annuity_income_ratio", 0.2, "en") == "20.0%"
    assert value_text("credit_income_ratio", 3.25, "en") == "3.2 ×"
    assert value_text("ext_source_3", np.nan, "fr") == "inconnu"
    assert value_text("probability", 0.125, "en") == "12.5%"


def test_both_languages_have_the_same_phrases() -> None:
    assert PEER_WORDS["en"].keys() == PEER_WORDS["fr"].keys()


def test_top_features_come_first(snapshot: pd.DataFrame) -> None:
    columns = numeric_columns(snapshot)
    assert columns[:2] == ["ext_source_3", "INSTAL_DBD_MEAN"]
    assert "gender" not in columns and "SK_ID_CURR" not in columns and "probability" in columns


def _texts(viewable) -> str:
    return " ".join(str(pane.object) for pane in viewable.select(pn.pane.Markdown))


@pytest.mark.parametrize("mode", ["all", "similar", "neighbours", "outcome", "decision"])
def test_view_renders_each_mode(snapshot: pd.DataFrame, mode: str) -> None:
    row = snapshot.iloc[11]
    store = DashboardStore(snapshot=snapshot, client_id=int(row["SK_ID_CURR"]),
                           explanation={"probability": float(row["probability"])})  # fmt: skip
    view = PeersView(store=store, mode=mode, neighbours=40)
    assert view.feature == "ext_source_3" and view.feature_y == "INSTAL_DBD_MEAN"
    distribution = view._distribution()
    assert "Higher than" in _texts(distribution) or "no comparison" in _texts(distribution)
    assert distribution.select(pn.pane.HoloViews)
    assert view._map().select(pn.pane.HoloViews)
    view.__panel__().get_root()


def test_view_follows_the_language(snapshot: pd.DataFrame) -> None:
    row = snapshot.iloc[2]
    store = DashboardStore(snapshot=snapshot, client_id=int(row["SK_ID_CURR"]))
    view = PeersView(store=store, feature="age_years")
    assert "Higher than" in _texts(view._distribution())
    store.language = "fr"  # no explanation to fetch again: no API call
    assert "Supérieur à" in _texts(view._distribution())
    assert next(w.name for w in view._controls() if hasattr(w, "options")) == "Comparer avec"


def test_view_waits_for_a_client_then_asks_for_two_features(snapshot: pd.DataFrame) -> None:
    view = PeersView(store=DashboardStore(snapshot=snapshot))
    assert not view._distribution().objects  # the decision above asks for a client, once
    assert not view._map().objects
    store = DashboardStore(snapshot=snapshot, client_id=100_001)
    view = PeersView(store=store, feature="age_years", feature_y="age_years")
    assert "two different" in _texts(view._map())


def test_the_legend_counts_the_clients_the_text_counts(snapshot: pd.DataFrame) -> None:
    """Both count the group's clients with a known value (ext_source_3 is often unknown)."""
    row = snapshot.iloc[11]
    store = DashboardStore(snapshot=snapshot, client_id=int(row["SK_ID_CURR"]))
    view = PeersView(store=store, mode="similar", feature="ext_source_3")
    distribution = view._distribution()
    plot = distribution.select(pn.pane.HoloViews)[0].object
    legend = [layer.label for layer in plot if isinstance(layer, hv.Histogram)]
    ranked = [
        int(n.replace(",", "")) for n in re.findall(r"\(([\d,]+) clients", _texts(distribution))
    ]
    counted = [int(re.search(r"\(([\d,]+)\)$", name)[1].replace(",", "")) for name in legend]
    assert counted == ranked
    similar = similar_mask(snapshot, row, view.filters)
    assert counted[0] == snapshot.loc[similar, "ext_source_3"].notna().sum() < similar.sum()


def test_the_bars_are_shares_of_each_group_in_percent(snapshot: pd.DataFrame) -> None:
    row = snapshot.iloc[11]
    store = DashboardStore(snapshot=snapshot, client_id=int(row["SK_ID_CURR"]))
    plot = PeersView(store=store, mode="all")._distribution().select(pn.pane.HoloViews)[0].object
    [bars] = [layer for layer in plot if isinstance(layer, hv.Histogram)]
    assert bars.vdims[0].name == "Clients of the group (%)"
    known = snapshot["ext_source_3"].dropna().to_numpy(np.float64)
    edges = histogram_edges(known)
    inside = 100 * np.mean((known >= edges[0]) & (known <= edges[-1]))  # the tails are cut
    assert bars.dimension_values(1).sum() == pytest.approx(inside)


def test_missing_snapshot_says_how_to_make_one(tmp_path) -> None:
    store = DashboardStore(snapshot_path=str(tmp_path / "absent.parquet"))
    view = PeersView(store=store)
    assert view._distribution().alert_type == "warning"
    assert "Run make snapshot" in view._distribution().object
    store.language = "fr"
    assert "Lancez make snapshot" in view._distribution().object
    view.__panel__().get_root()


def test_snapshot_is_loaded_once_and_again_when_rewritten(snapshot, tmp_path, monkeypatch) -> None:
    path = tmp_path / "snapshot.parquet"
    snapshot.to_parquet(path)
    first = snapshot_module.load_snapshot(path)
    assert snapshot_module.load_snapshot(path) is first
    assert first.attrs["top_features"] == snapshot.attrs["top_features"]
    snapshot.head(10).to_parquet(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert len(snapshot_module.load_snapshot(path)) == 10


def test_the_snapshot_is_declared_for_the_peers_view() -> None:
    store = DashboardStore()
    assert store.snapshot is None
    assert "peer" in store.param["snapshot"].doc
