"""Peers: where the client stands among the portfolio's clients, group by group.

The advisor picks a reference group (all clients, clients sharing chosen traits, the
nearest neighbours, repaid vs defaulted, granted vs refused) and a characteristic; the view
overlays the group distributions with the client's value and says, in words, how the
client ranks ("higher than 72 % of similar clients"). A second map places every client by
two characteristics, coloured by risk. All of it is computed in process from the portfolio
snapshot (no model, no API call): see :mod:`dashboard.snapshot` for why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.config import SNAPSHOT_PATH_ENV
from dashboard.peer_groups import (
    FILTERS,
    MODES,
    client_row,
    histogram_edges,
    rank,
    reference_groups,
)
from dashboard.peer_plots import distribution, score_map
from dashboard.peer_wording import axis_label, group_name, peer_word, rank_text, value_text
from dashboard.snapshot import SnapshotMissing, load_snapshot
from dashboard.store import DashboardStore
from scoring.descriptors import label

NOT_FEATURES = ("SK_ID_CURR", "TARGET")
CONTROLS_WIDTH = 300


def numeric_columns(snapshot: pd.DataFrame | None) -> list[str]:
    """The snapshot's characteristics a distribution can show, the model's top ones first."""
    if snapshot is None:
        return []
    numeric = [
        c
        for c in snapshot.columns
        if c not in NOT_FEATURES and pd.api.types.is_numeric_dtype(snapshot[c])
    ]
    top = [c for c in snapshot.attrs.get("top_features", []) if c in numeric]
    return list(dict.fromkeys([*top, *numeric]))


class PeersView(Viewer):
    """The client against reference groups of the portfolio snapshot."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    mode = param.Selector(
        default="similar", objects=list(MODES), doc="Reference group the client is compared with."
    )
    filters = param.ListSelector(
        default=["gender", "age_band"],
        objects=list(FILTERS),
        doc="Traits that similar clients share with the client.",
    )
    neighbours = param.Integer(
        default=500, bounds=(10, 5000), doc="Size of the nearest-neighbour group."
    )
    feature = param.Selector(default=None, objects=[], doc="Characteristic compared.")
    feature_y = param.Selector(default=None, objects=[], doc="Vertical axis of the risk map.")
    missing = param.String(default="", doc="Where the snapshot was looked for, if it is missing.")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        if self.store.snapshot is None:
            try:
                self.store.snapshot = load_snapshot(self.store.snapshot_path)
            except SnapshotMissing:
                self.missing = self.store.snapshot_path

    @param.depends("store.snapshot", watch=True, on_init=True)
    def _choices(self) -> None:
        """Characteristics of the snapshot; the model's two most important by default."""
        columns = numeric_columns(self.store.snapshot)
        self.param.feature.objects = columns
        self.param.feature_y.objects = columns
        if columns:
            second = columns[1 % len(columns)]
            self.param.update(
                feature=self.feature if self.feature in columns else columns[0],
                feature_y=self.feature_y if self.feature_y in columns else second,
            )

    def client(self) -> pd.Series | None:
        """The client's characteristics: their snapshot row, or computed from their data."""
        if self.store.snapshot is None:
            return None
        return client_row(
            self.store.snapshot,
            self.store.client_id,
            self.store.client.get("application"),
            self.store.explanation or None,
            self.store.client.get("history"),
        )

    def _value(self, client: pd.Series, column: str) -> float:
        """The client's value at the snapshot's precision, so ties compare exactly."""
        value = client[column]
        if value is None or pd.isna(value):
            return float("nan")
        return float(self.store.snapshot[column].dtype.type(value))

    @param.depends("store.language", "store.snapshot")
    def _controls(self) -> pn.Column:
        language = self.store.language
        features = {label(c, language): c for c in self.param.feature.objects}
        similar, near = self.param.mode.rx() == "similar", self.param.mode.rx() == "neighbours"
        return pn.Column(
            pn.widgets.Select.from_param(
                self.param.mode,
                name=peer_word("mode", language),
                options={peer_word(f"mode_{m}", language): m for m in MODES},
                description=None,  # the parameter docs are for developers, in English
            ),
            pn.pane.Markdown(peer_word("filters", language), visible=similar, margin=(0, 10)),
            pn.widgets.CheckBoxGroup.from_param(
                self.param.filters,
                options={peer_word(f"filter_{f}", language): f for f in FILTERS},
                inline=False,
                visible=similar,
            ),
            pn.widgets.IntSlider.from_param(
                self.param.neighbours,
                name=peer_word("neighbours", language),
                step=10,
                visible=near,
            ),
            *(
                pn.widgets.Select.from_param(
                    self.param[name],
                    name=peer_word(name, language),
                    options=features,
                    description=None,
                )
                for name in ("feature", "feature_y")
            ),
            width=CONTROLS_WIDTH,
        )

    def _status(self) -> pn.viewable.Viewable | None:
        """Instead of figures: why there is no snapshot, or nothing when there is no client
        (the decision above already asks for one)."""
        if self.missing:
            text = peer_word("no_snapshot", self.store.language, path=self.missing,
                             variable=SNAPSHOT_PATH_ENV)  # fmt: skip
            return pn.pane.Alert(text, alert_type="warning")
        if self.store.client_id is None:
            return pn.Column()
        if self.client() is None:
            return pn.pane.Markdown(peer_word("no_client_row", self.store.language))
        return None

    @param.depends(
        "store.snapshot", "store.client", "store.explanation", "store.language",
        "mode", "filters", "neighbours", "feature", "missing",
    )  # fmt: skip
    def _distribution(self) -> pn.viewable.Viewable:
        status = self._status()
        if status is not None or self.feature is None:
            return status or pn.Column()
        snapshot, client, language = self.store.snapshot, self.client(), self.store.language
        currency = self.store.currency
        groups = reference_groups(snapshot, client, self.mode, self.filters, self.neighbours)
        values = snapshot[self.feature].to_numpy(np.float64)
        value = self._value(client, self.feature)
        ranks = [rank(values[g.mask], value) for g in groups]
        # The legend counts what is drawn and ranked: the group's clients with a known value.
        known = [int(np.count_nonzero(~np.isnan(values[g.mask]))) for g in groups]
        texts = [rank_text(g.key, r, value == value, language)
                 for g, r in zip(groups, ranks, strict=True)]  # fmt: skip
        names = [group_name(g.key, language, n) for g, n in zip(groups, known, strict=True)]
        shown = value_text(self.feature, value, language, currency)
        plot = distribution(
            values, groups, names, histogram_edges(values),
            (axis_label(self.feature, language, currency), peer_word("share", language)),
            value, peer_word("client", language, value=shown), language,
        )  # fmt: skip
        return pn.Column(
            pn.pane.Markdown("\n".join(f"- {text}" for text in texts)),
            pn.pane.HoloViews(plot, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    @param.depends(
        "store.snapshot", "store.client", "store.explanation", "store.language",
        "feature", "feature_y", "missing",
    )  # fmt: skip
    def _map(self) -> pn.viewable.Viewable:
        if self._status() is not None or None in (self.feature, self.feature_y):
            return pn.Column()
        snapshot, client, language = self.store.snapshot, self.client(), self.store.language
        x, y = self.feature, self.feature_y
        if x == y:
            return pn.pane.Markdown(peer_word("same_feature", language))
        x_edges, y_edges = histogram_edges(snapshot[x]), histogram_edges(snapshot[y])
        point = (self._value(client, x), self._value(client, y))
        currency = self.store.currency
        shown = " / ".join(value_text(c, v, language, currency)
                           for c, v in zip((x, y), point, strict=True))  # fmt: skip
        labels = (axis_label(x, language, currency), axis_label(y, language, currency),
                  peer_word("score", language))  # fmt: skip
        plot = score_map(
            snapshot, x, y, labels, (x_edges[0], x_edges[-1]), (y_edges[0], y_edges[-1]), point,
            peer_word("star", language), language,
        )  # fmt: skip
        return pn.Column(
            pn.pane.Markdown(peer_word("scatter", language, value=shown)),
            pn.pane.HoloViews(plot, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        # Beside the controls when there is room, under them otherwise (min-width 0 lets
        # the figures shrink to their box instead of overflowing it).
        figures = pn.Column(
            pn.param.ParamMethod(self._distribution, loading_indicator=True),
            pn.param.ParamMethod(self._map, loading_indicator=True),
            sizing_mode="stretch_width",
            styles={"flex": "1 1 440px", "min-width": "0"},
        )
        return pn.FlexBox(self._controls, figures, sizing_mode="stretch_width")
