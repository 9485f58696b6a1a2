"""The holdout: a fixed function of the client's identifier, the same for every model.

A random split drawn per training run gives each model its own holdout, so a challenger and
the champion cannot be compared on rows neither has seen. Here a client is held out when a
keyed hash of its SK_ID_CURR falls in the first ``share`` of the hash range: every model
trained with the same rule leaves the same clients out, whatever data, subset or seed it was
trained on, and the promotion gate (:mod:`training.lifecycle.gate`) compares them there.
The default share holds out 20 % of clients; the default rate in the holdout differs from
the training rows' by sampling noise only (no stratification is needed at thousands of rows).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

# Changing the key or the resolution changes every holdout: models trained under different
# rules are not compared by the gate.
HASH_KEY = "pret-a-depenser1"  # pandas takes a 16-character key
RESOLUTION = 10_000


@dataclass(frozen=True)
class HoldoutRule:
    """Which clients are held out: their keyed hash below ``share`` of the range."""

    share: float = 0.2
    key: str = HASH_KEY

    def __post_init__(self) -> None:
        if not 0.0 < self.share < 1.0:
            raise ValueError(f"the holdout share must be between 0 and 1, got {self.share}")
        if len(self.key.encode()) != 16:
            raise ValueError("the holdout hash key must be 16 bytes long")

    def held_out(self, client_ids: Any) -> np.ndarray:
        """True for each client the rule holds out."""
        ids = pd.Series(np.asarray(client_ids, dtype=np.int64)).astype(str)
        hashes = pd.util.hash_pandas_object(ids, index=False, hash_key=self.key).to_numpy()
        return (hashes % RESOLUTION) < round(self.share * RESOLUTION)

    def split(self, client_ids: Any) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the training rows and of the holdout rows."""
        mask = self.held_out(client_ids)
        return np.flatnonzero(~mask), np.flatnonzero(mask)

    def to_dict(self) -> dict[str, Any]:
        return {"method": "keyed hash of SK_ID_CURR", **asdict(self)}
