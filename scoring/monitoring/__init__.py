"""Watching the model in production without keeping anyone's data: each application's features
and score are counted into the training reference's bins (:mod:`.bins`), counts are kept per
time window (:mod:`.capture`, :mod:`scoring.records.drift`), and the population stability
index compares a period with the reference (:mod:`.stability`)."""
