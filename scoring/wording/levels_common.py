"""Level names several tables share: yes/no, weekdays, who came along, contract types.

Kept apart so that the application and the history tables point at the same entry when a
level means the same thing in both, and a fix to one wording reaches every screen.
See :mod:`scoring.wording.levels` for the conventions every name follows.
"""

from __future__ import annotations

from collections.abc import Mapping

# (English, French) for one raw level.
Names = tuple[str, str]
# Raw level -> its names, for one column.
LevelNames = Mapping[str, Names]

NOT_STATED: Names = ("not stated", "non renseigné")

YES_NO: LevelNames = {
    "Y": ("yes", "oui"),
    "N": ("no", "non"),
}
# The building columns spell the same answer out in full.
YES_NO_WORDS: LevelNames = {
    "Yes": ("yes", "oui"),
    "No": ("no", "non"),
}

# English weekdays are proper nouns and keep their capital; French ones do not.
WEEKDAYS: LevelNames = {
    "MONDAY": ("Monday", "lundi"),
    "TUESDAY": ("Tuesday", "mardi"),
    "WEDNESDAY": ("Wednesday", "mercredi"),
    "THURSDAY": ("Thursday", "jeudi"),
    "FRIDAY": ("Friday", "vendredi"),
    "SATURDAY": ("Saturday", "samedi"),
    "SUNDAY": ("Sunday", "dimanche"),
}

# Read after "Accompanied by" / "Accompagné par".
ACCOMPANIED_BY: LevelNames = {
    "Children": ("children", "enfants"),
    "Family": ("family member", "membre de la famille"),
    "Group of people": ("group of people", "groupe de personnes"),
    # Two anonymised categories of the source data: nothing more is known of them.
    "Other_A": ("other person (A)", "autre personne (A)"),
    "Other_B": ("other person (B)", "autre personne (B)"),
    "Spouse, partner": ("spouse or partner", "conjoint(e)"),
    "Unaccompanied": ("no one", "aucun accompagnant"),
}

# The names French consumer-credit law and practice give these products: a non-earmarked
# loan is a "prêt personnel", a loan tied to a purchase in a shop a "crédit affecté".
CONTRACT_TYPE: LevelNames = {
    "Cash loans": ("cash loan", "prêt personnel"),
    "Consumer loans": ("point-of-sale loan", "crédit affecté"),
    "Revolving loans": ("revolving credit", "crédit renouvelable"),
    "XNA": NOT_STATED,
}
