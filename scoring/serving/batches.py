"""A batch of applications as the engine scores it, read from a /predict_batch body or a file.

A :class:`Batch` holds what scoring needs, validated: the applications (as column arrays, or
as records when some came with a history), each one's ``SK_ID_CURR`` and input hash, and the
options. :func:`read_batch` reads a body column-wise (:mod:`scoring.serving.columnar`) when it
can, and otherwise with the request model, so a bad value is refused in the model's words and
a history goes through the records path; both give the same features and hashes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd
from pydantic import Field
from pydantic.config import ExtraValues
from pydantic.json_schema import SkipJsonSchema

from scoring.columns import Columns, frame_to_columns
from scoring.features import build_features, build_online_batch
from scoring.policy import Purpose
from scoring.schema import APPLICATION_TEST
from scoring.serving.columnar import read_body
from scoring.serving.digests import application_digests, input_digest
from scoring.serving.schemas import CLIENT_KEY, BatchRequest, Online
from scoring.wording import Language


@dataclass(frozen=True)
class Batch:
    """Applications to score together, validated, in the order they were sent.

    Exactly one of ``applications`` (the application table as column arrays, without ids)
    and ``items`` (each application and its history as records) is set.
    """

    client_ids: list[int | None]
    digests: list[str]
    applications: Columns | None = None
    items: Sequence[Online] | None = None
    purpose: Purpose = "application"
    language: Language = "en"
    reasons: bool = False

    def __len__(self) -> int:
        return len(self.client_ids)

    def features(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The feature rows of applications ``start`` to ``stop``, as :func:`build_online`
        gives each one."""
        stop = len(self) if stop is None else stop
        if self.items is not None:
            return build_online_batch(self.items[start:stop])
        assert self.applications is not None
        # Rows are keyed by position, as build_online_batch keys them.
        part = {name: values[start:stop] for name, values in self.applications.items()}
        part[CLIENT_KEY] = np.arange(stop - start, dtype=np.int64)
        return build_features({"application": part}).values


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch is read, scored and answered.

    A batch allocates about a million objects (the parsed body), which trigger the collector
    over and over, and now and then a full pass over the whole heap: a tenth of a batch at
    the median, more at p99. Nothing a batch makes is a cycle, so reference counting frees it
    all the same. The pause is process-wide: it ends when the last thread in it leaves.
    """
    global _pausing, _was_enabled
    with _pause_lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


_pause_lock = threading.Lock()
_pausing = 0
_was_enabled = True


def read_batch(text: str | bytes) -> Batch:
    """The batch a /predict_batch body holds; pydantic's ValidationError when it is invalid."""
    batch = _read_columns(text)
    return batch if batch is not None else batch_of(BatchRequest.model_validate_json(text))


def batch_of(request: BatchRequest) -> Batch:
    """The batch of a validated request model (records path: histories, lax options)."""
    return Batch(
        client_ids=[item.application.SK_ID_CURR for item in request.applications],
        digests=[input_digest(item) for item in request.applications],
        items=[item.to_online() for item in request.applications],
        purpose=request.purpose,
        language=request.language,
        reasons=request.reasons,
    )


def batch_of_frame(
    frame: pd.DataFrame,
    purpose: Purpose = "application",
    language: Language = "en",
    reasons: bool = False,
) -> Batch:
    """The batch of a validated application table (a scored file: :mod:`scoring.files`)."""
    columns = frame_to_columns(frame, APPLICATION_TEST)
    keys: list[int | None] = columns.pop(CLIENT_KEY).tolist()
    return Batch(
        client_ids=keys,
        digests=application_digests(columns, keys),
        applications=columns,
        purpose=purpose,
        language=language,
        reasons=reasons,
    )


def _read_columns(text: str | bytes) -> Batch | None:
    """The batch read column-wise, or None to leave it to the request model: anything but
    applications alone with plain options, or any value not certainly valid as it is."""
    body = read_body(text)
    if body is None:
        return None
    return Batch(
        client_ids=body.keys,
        digests=body.digests,
        applications=body.columns,
        purpose=body.purpose,
        language=body.language,
        reasons=body.reasons,
    )


class BatchBody(BatchRequest):
    """/predict_batch's body as BentoML hands it to the endpoint: the JSON text, read by
    :func:`read_batch` in the endpoint's thread. BentoML would validate it with the request
    model, item by item, on the event loop. The API page documents :class:`BatchRequest`."""

    text: SkipJsonSchema[bytes] = Field(default=b"", exclude=True)

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Keep the text; :func:`read_batch` validates it."""
        text = json_data.encode() if isinstance(json_data, str) else bytes(json_data)
        return cls.model_construct(applications=[], text=text)


# Named as the model it documents, so that the API page's schema keeps its name
# (BentoML names an input spec's schema after the class).
BatchBody.__name__ = BatchBody.__qualname__ = BatchRequest.__name__
