"""Prêt à dépenser: the product's Python package (data, features, model, serving).

LightGBM runs on OpenMP, whose default is to spin waiting threads; when another process
holds a core, that spinning slowed cross-validation a hundredfold in our measurements.
Passive waiting costs nothing when the machine is idle, so it is the default here
(an explicit OMP_WAIT_POLICY in the environment still wins).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
