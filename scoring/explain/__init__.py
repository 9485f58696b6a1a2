"""Explanations people can read: group contributions, risk points and reason codes.

Model-free: it takes TreeSHAP contributions and feature values, so the API, file scoring
and the letters explain alike.
"""
