"""``POST /score_file``: a CSV or Parquet file of applications in, the scored file out.

For back offices that score a file rather than call the API per application. The request is
a form (``multipart/form-data``, as ``curl -F file=@applications.csv`` sends it) whose
``file`` field holds the applications in the Kaggle layout (``application_test``'s columns,
one row per application, ``SK_ID_CURR`` required), and whose optional fields are the options
of /predict_batch: ``purpose``, ``reasons``, ``language``. The file is read and checked by
:mod:`scoring.files` strictly (an unknown column is refused; no value is quoted back); every
row is scored and recorded as an inquiry exactly as a /predict_batch item is (endpoint
``score_file``, same purposes, same input hash). The answer is a file in the format sent,
or in the one ``Accept`` names: one row per application, in the file's order, with the
fields of a /predict_batch result (:meth:`ScoredBatch.to_frame`).

Bounds: at most :data:`MAX_FILE_ROWS` applications, and ``CREDIT_MAX_FILE_BYTES`` bytes
(refused with 413 before the body is read in full); one file at a time per worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from scoring.files import Format, format_of, read_table, write_table
from scoring.policy import Purpose
from scoring.schema import APPLICATION_TEST
from scoring.serving import errors
from scoring.serving.batches import batch_of_frame, collector_paused
from scoring.serving.callers import Caller
from scoring.serving.engine import ScoringEngine, ServiceError
from scoring.serving.schemas import PURPOSE_DESCRIPTION
from scoring.serving.scored import ScoredBatch
from scoring.validation import Problem, SchemaError
from scoring.wording import Language

MAX_FILE_ROWS = 100_000
FILE_FIELD = "file"
MEDIA_TYPES: dict[Format, str] = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
_MAX_LISTED = 3  # problems quoted in ``error``; ``detail`` has them all
_MAX_NAME = 100  # characters of the file's name quoted back
_limiter: anyio.CapacityLimiter | None = None


class FileOptions(BaseModel):
    """The form's fields besides the file: the options of /predict_batch."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    purpose: Purpose = Field(default="application", description=PURPOSE_DESCRIPTION)
    reasons: bool = Field(
        default=False,
        description="Add each row's principal reasons: columns reason_1_code, reason_1_text, "
        "... reason_4_text (back-office notices).",
    )
    language: Language = Field(default="en", description="Language of the reasons.")


# The route's request and answer in the OpenAPI document (FastAPI cannot infer them from a
# route that reads its own form).
OPENAPI_REQUEST: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The applications: CSV (UTF-8, comma-separated, a "
                            "header of application_test's column names) or Parquet, one row "
                            "per application, SK_ID_CURR required and unique; at most "
                            f"{MAX_FILE_ROWS:,} rows and CREDIT_MAX_FILE_BYTES bytes (128 MiB "
                            "by default).",
                        },
                        **FileOptions.model_json_schema()["properties"],
                    },
                    "additionalProperties": False,
                }
            }
        },
    }
}
OPENAPI_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The scored file, in the format sent (or the one Accept names): per "
        "application, in the file's order, SK_ID_CURR, probability, points, grade, "
        "grade_default_rate, recommendation, threshold, review_band, model, request_id (and "
        "the reasons' columns).",
        "content": {
            media_type: {"schema": {"type": "string", "format": "binary"}}
            for media_type in MEDIA_TYPES.values()
        },
    }
}


@dataclass(frozen=True)
class Upload:
    """A received file, its options and the format of the answer."""

    name: str
    data: bytes
    options: FileOptions
    answer: Format


class FileRejected(ServiceError):
    """A form or file that cannot be scored (400), with the problems as ``detail``."""

    def __init__(self, message: str, detail: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.detail = detail

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"error": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return JSONResponse(body, status_code=self.status)


async def score_file(
    engine: ScoringEngine,
    request: Request,
    caller: Caller,
    scored: Callable[[ScoredBatch], None] = lambda _: None,
) -> Response:
    """The answer to one upload: the scored file, or the error; ``scored`` sees the scores
    (the service counts them into its metrics)."""
    global _limiter
    try:
        upload = await read_upload(request)
        _limiter = _limiter or anyio.CapacityLimiter(1)  # one file at a time per worker
        scores, content = await anyio.to_thread.run_sync(
            lambda: score_upload(engine, upload, caller), limiter=_limiter
        )
    except FileRejected as rejected:
        return rejected.response()
    except ServiceError as error:
        return JSONResponse({"error": error.message}, status_code=error.status)
    scored(scores)
    headers = {
        "content-disposition": f'attachment; filename="scores.{upload.answer}"',
        "x-credit-model": scores.model,
        "x-credit-applications": str(len(scores)),
    }
    return Response(content, media_type=MEDIA_TYPES[upload.answer], headers=headers)


async def read_upload(request: Request) -> Upload:
    """The file and options of the request's form; :class:`FileRejected` names what is wrong."""
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=1 << 16)
    except (HTTPException, MultiPartException, ClientDisconnect, ValueError) as error:
        detail = getattr(error, "detail", None) or getattr(error, "message", None) or error
        raise FileRejected(f"the form cannot be read: {detail}") from None
    try:
        file = form.get(FILE_FIELD)
        if not isinstance(file, UploadFile):
            raise FileRejected(
                f"the form has no file in its {FILE_FIELD!r} field: send the applications as "
                f"a file (curl -F {FILE_FIELD}=@applications.csv)"
            )
        fields = {name: value for name, value in form.multi_items() if name != FILE_FIELD}
        options = _options(fields)
        data = await file.read()
        name = (file.filename or "the file")[:_MAX_NAME]  # the caller's: named, bounded
    finally:
        await form.close()
    sent = format_of(data)
    return Upload(name, data, options, _answer_format(request.headers.get("accept"), sent))


def score_upload(
    engine: ScoringEngine, upload: Upload, caller: Caller
) -> tuple[ScoredBatch, bytes]:
    """Read, check, score and record the upload; the scores and the answer's bytes."""
    try:
        frame = read_table(
            upload.data, APPLICATION_TEST, upload.name, strict=True, max_rows=MAX_FILE_ROWS
        )
    except SchemaError as error:
        raise _rejected(upload.name, error.problems) from None
    if frame.empty:
        raise FileRejected(f"{upload.name} holds no application: a header and no row")
    options = upload.options
    with collector_paused():
        batch = batch_of_frame(frame, options.purpose, options.language, options.reasons)
        scored = engine.score_batch(batch, caller, endpoint="score_file")
    return scored, write_table(scored.to_frame(), upload.answer)


def _options(fields: dict[str, Any]) -> FileOptions:
    if any(not isinstance(value, str) for value in fields.values()):
        raise FileRejected(f"only the {FILE_FIELD!r} field may hold a file")
    try:
        return FileOptions.model_validate(fields)
    except ValidationError as error:
        detail = error.errors(include_url=False, include_context=False, include_input=False)
        body = errors.reworded([dict(item) for item in detail], FileOptions)
        raise FileRejected(body["error"], body["detail"]) from None


def _answer_format(accept: str | None, sent: Format) -> Format:
    """The format ``Accept`` names first among ours, else the one sent."""
    for part in (accept or "").split(","):
        media_type = part.split(";")[0].strip().lower()
        for fmt, ours in MEDIA_TYPES.items():
            if media_type == ours:
                return fmt
    return sent


def _rejected(name: str, problems: list[Problem]) -> FileRejected:
    """The 400 of a file with problems: the first few in ``error``, all in ``detail``."""
    said = [f"column {p.column}: {p.message}" if p.column else p.message for p in problems]
    listed = "; ".join(said[:_MAX_LISTED])
    more = len(said) - _MAX_LISTED
    count = len(problems)
    message = (
        f"{count} problem{'' if count == 1 else 's'} in the file {name} (row 1 = the first "
        f"row below the header): {listed}" + (f"; and {more} more (see detail)" if more > 0 else "")
    )
    detail = [
        {
            "loc": ["file", p.column] if p.column else ["file"],
            "msg": p.message,
            "type": p.kind,
            "rows": list(p.example_rows),
            "count": p.count,
        }
        for p in problems
    ]
    return FileRejected(message, detail)
