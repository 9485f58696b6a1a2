"""LightGBM → ONNX (onnxmltools, no ZipMap) with a parity check that fails loudly.

ONNX Runtime's tree ensembles compare float32 inputs with float32 thresholds, while
LightGBM keeps float64 thresholds. A float32 value lying between a threshold and its
float32 rounding would take different branches. Rounding each threshold *down* to the
largest float32 not above it removes the problem exactly: for a float32 input x,
``x <= t`` holds if and only if ``x <= round_down32(t)``. The model's decisions on
float32 inputs are unchanged. Leaf values are rounded to float32 too (a change below
1e-8 per leaf), so the LightGBM model, its TreeSHAP explanation and the ONNX graph all
hold the very same numbers.

onnxmltools writes float32 tree attributes, and ONNX Runtime then sums the trees in
float32, which leaves errors of about 2e-5 in log-odds after a few hundred trees. Moving
thresholds and leaf weights to the double-precision tensor attributes of ai.onnx.ml
opset 3 makes ONNX Runtime accumulate in float64: the sum then equals LightGBM's to about
1e-12, and only the final float32 probability is rounded.
"""

from __future__ import annotations

import re

import lightgbm as lgb
import numpy as np
import onnx
from onnx import numpy_helper
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from scoring.model.contract import INPUT_NAME, PROBABILITIES

TARGET_OPSET = 15
PARITY_TOLERANCE = 1e-5
_THRESHOLD_LINE = re.compile(r"^threshold=(.*)$", re.MULTILINE)
# Byte sizes of each tree, a parsing hint that rewritten thresholds invalidate; without
# it LightGBM parses the trees sequentially.
_LEAF_LINE = re.compile(r"^leaf_value=(.*)$", re.MULTILINE)
_TREE_SIZES_LINE = re.compile(r"^tree_sizes=.*\n", re.MULTILINE)


class ParityError(RuntimeError):
    """The exported model does not reproduce LightGBM's probabilities closely enough."""


def align_to_float32(booster: lgb.Booster) -> lgb.Booster:
    """The same model with thresholds rounded down, and leaf values rounded, to float32."""

    def round_down(match: re.Match[str]) -> str:
        thresholds = np.array(match.group(1).split(), dtype=np.float64)
        as_float32 = thresholds.astype(np.float32)
        too_high = as_float32.astype(np.float64) > thresholds
        as_float32[too_high] = np.nextafter(as_float32[too_high], np.float32(-np.inf))
        return "threshold=" + _format(as_float32)

    def round_leaves(match: re.Match[str]) -> str:
        return "leaf_value=" + _format(np.array(match.group(1).split(), dtype=np.float32))

    text = _THRESHOLD_LINE.sub(round_down, booster.model_to_string())
    text = _LEAF_LINE.sub(round_leaves, text)
    text = _TREE_SIZES_LINE.sub("", text)
    return lgb.Booster(model_str=text)


def _format(values: np.ndarray) -> str:
    return " ".join(repr(float(v)) for v in values)


def to_double_precision(model: onnx.ModelProto) -> onnx.ModelProto:
    """Float64 input, thresholds, leaf weights and output probabilities.

    Thresholds and leaf weights move to the tensor attributes of ai.onnx.ml 3; ONNX Runtime
    picks their precision from the input type. The classifier then emits the raw score
    (``post_transform=NONE``, float32 by the operator's spec), and a float64 sigmoid turns
    it into ``[1 - p, p]``, so the log-odds of the output stay within float32 rounding of
    the raw score (about 2e-7) even for p close to 0 or 1.
    """
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    graph.name = "credit_scoring"  # onnxmltools names it with a random UUID: same model, same bytes
    graph.input[0].type.tensor_type.elem_type = onnx.TensorProto.DOUBLE
    for opset in model.opset_import:
        if opset.domain == "ai.onnx.ml":
            opset.version = max(opset.version, 3)
    trees = next(n for n in graph.node if n.op_type == "TreeEnsembleClassifier")
    for name in ("nodes_values", "class_weights"):
        attribute = next(a for a in trees.attribute if a.name == name)
        values = np.array(attribute.floats, dtype=np.float64)
        trees.attribute.remove(attribute)
        trees.attribute.append(
            onnx.helper.make_attribute(
                f"{name}_as_tensor", numpy_helper.from_array(values, f"{name}_as_tensor")
            )
        )
    next(a for a in trees.attribute if a.name == "post_transform").s = b"NONE"
    raw_scores = trees.output[1]
    _drop_consumers(graph, raw_scores)
    graph.node.extend(
        [
            onnx.helper.make_node(
                "Cast", [raw_scores], ["raw_scores_f64"], to=onnx.TensorProto.DOUBLE
            ),
            onnx.helper.make_node("Sigmoid", ["raw_scores_f64"], [PROBABILITIES]),
        ]
    )
    output = next(o for o in graph.output if o.name == PROBABILITIES)
    output.type.tensor_type.elem_type = onnx.TensorProto.DOUBLE
    onnx.checker.check_model(model)
    return model


def _drop_consumers(graph: onnx.GraphProto, tensor: str) -> None:
    """Remove every node computed from ``tensor``, and initializers left unused."""
    derived = {tensor}
    dropped = []
    for node in graph.node:
        if derived.intersection(node.input):
            derived.update(node.output)
            dropped.append(node)
    for node in dropped:
        graph.node.remove(node)
    used = {name for node in graph.node for name in node.input}
    for initializer in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(initializer)


def to_onnx(booster: lgb.Booster, n_features: int) -> onnx.ModelProto:
    """ONNX graph with a float64 ``features`` input and a ``probabilities`` output (n × 2).

    ``booster`` must come from :func:`align_to_float32`.
    """
    converted = convert_lightgbm(
        booster,
        initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
        zipmap=False,
        target_opset=TARGET_OPSET,
    )
    return to_double_precision(converted)


def check_parity(
    expected: np.ndarray, actual: np.ndarray, tolerance: float = PARITY_TOLERANCE
) -> float:
    """Largest |Δp| between LightGBM and ONNX; raises :class:`ParityError` above tolerance."""
    worst = float(np.max(np.abs(expected - actual))) if len(expected) else 0.0
    if not worst <= tolerance:
        raise ParityError(
            f"ONNX probabilities differ from LightGBM by up to {worst:.3g} on "
            f"{len(expected)} held-out rows (tolerance {tolerance:g}); the export is not "
            "faithful and was not saved"
        )
    return worst
