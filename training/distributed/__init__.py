"""Features, batch scoring and training data at scale, on a Dask cluster.

The data is Parquet partitioned by client (:mod:`~training.distributed.layout`), written
from the Kaggle layout (:mod:`~training.distributed.convert`) or generated partition by
partition (:mod:`~training.distributed.generate`). Each Dask task runs the single-machine
loader and feature code on one partition (:mod:`~training.distributed.partitions`), for
features (:mod:`~training.distributed.features`), batch scores
(:mod:`~training.distributed.score`) and the client sample a model trains on
(:mod:`~training.distributed.sample`). docs/scaling.md explains it.
"""
