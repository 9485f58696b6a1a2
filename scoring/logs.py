"""Logging: key=value lines or JSON for the command line; no personal data in the service's."""

from __future__ import annotations

import logging
import re

import structlog
from pydantic import ValidationError


def configure(level: str = "INFO", json: bool = False) -> None:
    """Route stdlib and structlog records through one structlog renderer on stderr."""
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    shared: list[structlog.typing.Processor] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso"),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processor=renderer)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


# --- the service: no personal data in its logs ----------------------------------------------
# BentoML's access log writes each request's path (no route carries a client id, but a caller
# may invent paths with numbers in them), and it logs a rejected request's pydantic error with
# its traceback, whose text quotes the input values (``input_value='987654.321x'``). Neither
# is configurable in BentoML 1.4, so two filters rewrite those records before any handler
# sees them.
ACCESS_LOGGER = "bentoml.access"
EXCEPTION_LOGGER = "bentoml._internal.server.http_app"  # BentoML's log_exception
# The path runs to the next field of BentoML's access line: "path=/x,type=", "path=/x) (status=".
_PATH = re.compile(r"(path=)(.*?)(?=,type=|,length=|\) \(status=|\) - |$)")
_DIGITS = re.compile(r"\d+")


def keep_personal_data_out_of_service_logs() -> None:
    """Install the filters on BentoML's loggers (idempotent; call in every worker)."""
    logging.getLogger(ACCESS_LOGGER).addFilter(redact_paths)
    logging.getLogger(EXCEPTION_LOGGER).addFilter(summarise_validation_errors)


def redact_paths(record: logging.LogRecord) -> bool:
    """Replace the numbers of a logged ``path=`` by ``#``, so no number a caller sent is kept."""
    message = record.getMessage()
    redacted = _PATH.sub(lambda m: m.group(1) + _DIGITS.sub("#", m.group(2)), message)
    if redacted != message:
        record.msg, record.args = redacted, ()
    return True


def summarise_validation_errors(record: logging.LogRecord) -> bool:
    """A rejected input is the caller's error: a warning naming the fields, no values."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, ValidationError):
        fields = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'body'} ({item['type']})"
            for item in error.errors(include_input=False, include_context=False, include_url=False)
        )
        where = _DIGITS.sub("#", record.getMessage().removeprefix("Exception on "))
        record.msg, record.args = f"Invalid input rejected on {where}: {fields}", ()
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
    return True
