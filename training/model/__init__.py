"""The model: LightGBM fit, decision threshold, evaluation, ONNX export, explainer, card."""
