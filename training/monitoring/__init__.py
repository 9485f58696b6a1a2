"""The monitor's offline side: one run over a period's records (:mod:`.run`) and its report
for people (:mod:`.html`)."""
