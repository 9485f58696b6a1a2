"""Check and type a table read from a file against the schema: :mod:`scoring.validation`.

The checks moved to the runtime package so that the scoring service validates an uploaded
file (``POST /score_file``) with the same code as the offline loader; this module keeps the
names the offline code imports.
"""

from scoring.validation import (
    APPLICATION_NAMES,
    MAX_EXAMPLES,
    Problem,
    SchemaError,
    check_references,
    validate_frame,
)

__all__ = [
    "APPLICATION_NAMES",
    "MAX_EXAMPLES",
    "Problem",
    "SchemaError",
    "check_references",
    "validate_frame",
]
