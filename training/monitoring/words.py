"""The words of the monitor's report, in English and French, side by side.

The report is read by risk, compliance and operations people, not by data scientists: a
feature is named by its label, the population stability index is explained in one sentence,
and levels read "to watch" / "à surveiller", never a code. French follows its typography: a
no-break space before ":" and ";", written ``{c}`` and ``{s}`` here and set by :func:`words`;
the other placeholders in braces are filled by :mod:`training.monitoring.html`.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.monitoring.stability import Level
from scoring.wording import Language

LEVELS: Mapping[Language, Mapping[Level, str]] = {
    "en": {"stable": "stable", "watch": "to watch", "act": "action needed", "no data": "no data"},
    "fr": {
        "stable": "stable",
        "watch": "à surveiller",
        "act": "action requise",
        "no data": "aucune donnée",
    },
}

WORDS: Mapping[Language, Mapping[str, str]] = {
    "en": {
        "title": "Model monitoring report",
        "model": "Model",
        "period": "Period",
        "period_both": "{since} to {until}",
        "period_since": "from {since}",
        "period_until": "up to {until}",
        "period_all": "every day counted",
        "applications": "Applications counted",
        "status": "Status",
        "feature_one": "1 feature",
        "feature_many": "{n} features",
        "the_score": "the score",
        "score_and": "the score and {features}",
        "verb_one": "moved",
        "verb_many": "moved",
        "status_act": "Action needed{c} {subjects} {verb} beyond the action threshold.",
        "more_watch_one": "1 more feature is to watch.",
        "more_watch_many": "{n} more features are to watch.",
        "score_also": "The score itself is {level}.",
        "status_watch": (
            "To watch{c} {subjects} {verb} past the watch threshold{s} nothing needs action yet."
        ),
        "status_stable": (
            "Stable{c} neither the score nor any feature moved past the watch threshold."
        ),
        "status_no_data": "No data{c} no application was counted in this period.",
        "psi_explained": (
            "The stability index (PSI) measures how far this period's applications have moved "
            "from the data the model was trained on{c} 0 means no change. Below {watch} the "
            "population is stable; from {watch} it is to watch; from {act} the model sees people "
            "unlike those it learnt from, and action is needed (check the data source, then "
            "consider retraining)."
        ),
        "no_data_title": "No application was counted in this period",
        "no_data_intro": "There is nothing to compare with the training data. This may mean:",
        "no_data_capture": "drift capture is switched off or failing in the scoring service;",
        "no_data_bins": (
            "the model in service has no reference bins (trained before monitoring existed){c} "
            "retrain it to monitor it;"
        ),
        "no_data_traffic": "no application reached the model in this period.",
        "score_title": "Stability of the score",
        "score_sentence": "The score's stability index is {psi}{c} {level}.",
        "score_caption": "Share of applications per band of score, in training and now.",
        "top_title": "Features that moved most",
        "top_intro": (
            "Features beyond a threshold{c} {flagged} of {total}. The complete list, with a "
            "chart for each feature, is at the end of the report."
        ),
        "feature": "Feature",
        "group": "Group",
        "psi": "Stability index (PSI)",
        "level": "Level",
        "missing_now": "Missing now",
        "missing_training": "Missing in training",
        "unseen": "Never seen in training",
        "unseen_help": "Share of this period's values in ranges the training data never held.",
        "importance": "Weight in the model",
        "importance_help": "Share of the model's decisions this feature accounts for.",
        "drift_title": "Drift over time",
        "drift_caption": (
            "Stability index of the score for each day, with the watch ({watch}) and action "
            "({act}) thresholds."
        ),
        "watch_line": "watch",
        "act_line": "action",
        "day": "Day",
        "score_psi": "Score PSI",
        "features_watch": "Features to watch",
        "features_act": "Features needing action",
        "moved_most": "Moved most",
        "days_table": "Day by day",
        "no_windows": "No day was counted in this period.",
        "vintage_title": "Performance by month of decision",
        "vintage_intro": (
            "Defaults become known months after a credit is granted. Until then, the expected "
            "default rate, the model's average predicted probability of the granted "
            "applications, is its own estimate; it is compared with the observed rate once "
            "repayments are recorded."
        ),
        "no_vintages": "No decision was recorded in this period.",
        "no_outcomes": (
            "No repayment outcome is known yet for these months{c} only the expected default "
            "rate can be shown."
        ),
        "vintage_caption": (
            "Default rate by month of decision{c} expected by the model and observed."
        ),
        "month": "Month",
        "decided": "Decisions",
        "approval_rate": "Granted",
        "override_rate": "Against the model",
        "override_help": "Final decision other than the model's recommendation.",
        "reviewed": "Reviewed by a person",
        "expected": "Expected default rate",
        "outcomes_known": "Outcomes known",
        "expected_known": "Expected, where known",
        "observed": "Observed default rate",
        "auc": "Ranking power (AUC)",
        "auc_help": "0.5 is chance, 1 is a perfect ranking of defaulters above repayers.",
        "expected_legend": "expected",
        "pending": "no outcome yet",
        "observed_legend": "observed",
        "calibration_title": "Calibration",
        "calibration_caption": (
            "Granted applications with a known outcome, in bands of predicted default "
            "probability{c} a point on the diagonal means the prediction came true."
        ),
        "no_calibration": (
            "No outcome is known yet{c} calibration will show once repayments are recorded."
        ),
        "predicted_axis": "predicted",
        "observed_axis": "observed",
        "shadow_title": "Challenger in shadow",
        "shadow_intro": (
            "A challenger model scored the same applications as the served model, without "
            "its answers being used{s} this is how it would have decided."
        ),
        "challenger": "Challenger",
        "shadow_scored": "Applications scored by both",
        "shadow_flips": "Decisions it would change",
        "shadow_granted_to_refused": "Granted, it would refuse",
        "shadow_refused_to_granted": "Refused, it would grant",
        "shadow_rank": "Same order of risk",
        "shadow_rank_help": (
            "1 means both models rank applicants from safest to riskiest in exactly the same "
            "order{c} 0, no relation between the two orders."
        ),
        "shadow_mean": "Average probability of default (served / challenger)",
        "features_title": "All features, most moved first",
        "features_intro": "Open a feature to compare its values in training and in this period.",
        "training": "training",
        "this_period": "this period",
        "missing": "missing",
        "lower": "← lower values",
        "higher": "higher values →",
        "values_head": "Values",
        "any_value": "any value",
        "range": "{low} to {high}",
        "never_in_training": "never in training",
        "raw_name": "Column",
        "applications_day": "{date}{c} stability index {psi}, {applications} applications",
        "no_data_day": "{date}{c} no application",
        "colon": "{c}",
    },
    "fr": {
        "title": "Rapport de suivi du modèle",
        "model": "Modèle",
        "period": "Période",
        "period_both": "du {since} au {until}",
        "period_since": "depuis le {since}",
        "period_until": "jusqu'au {until}",
        "period_all": "tous les jours comptés",
        "applications": "Demandes comptées",
        "status": "État",
        "feature_one": "1 caractéristique",
        "feature_many": "{n} caractéristiques",
        "the_score": "le score",
        "score_and": "le score et {features}",
        "verb_one": "a dépassé",
        "verb_many": "ont dépassé",
        "status_act": "Action requise{c} {subjects} {verb} le seuil d'action.",
        "more_watch_one": "1 autre caractéristique est à surveiller.",
        "more_watch_many": "{n} autres caractéristiques sont à surveiller.",
        "score_also": "Le score lui-même est {level}.",
        "status_watch": (
            "À surveiller{c} {subjects} {verb} le seuil de surveillance{s} aucune action "
            "n'est encore requise."
        ),
        "status_stable": (
            "Stable{c} ni le score ni aucune caractéristique n'a dépassé le seuil de surveillance."
        ),
        "status_no_data": "Aucune donnée{c} aucune demande n'a été comptée sur la période.",
        "psi_explained": (
            "L'indice de stabilité (PSI) mesure combien les demandes de la période s'écartent "
            "des données sur lesquelles le modèle a été entraîné{c} 0 signifie aucun changement. "
            "Sous {watch}, la population est stable{s} à partir de {watch}, elle est à "
            "surveiller{s} à partir de {act}, le modèle voit des personnes différentes de celles "
            "dont il a appris, et une action est requise (vérifier la source des données, puis "
            "envisager un réentraînement)."
        ),
        "no_data_title": "Aucune demande n'a été comptée sur la période",
        "no_data_intro": (
            "Rien ne peut être comparé aux données d'entraînement. Causes possibles{c}"
        ),
        "no_data_capture": (
            "le comptage de la dérive est désactivé ou en échec dans le service de score{s}"
        ),
        "no_data_bins": (
            "le modèle en service n'a pas de classes de référence (entraîné avant la mise en "
            "place du suivi){c} le réentraîner pour pouvoir le suivre{s}"
        ),
        "no_data_traffic": "aucune demande n'a atteint le modèle sur la période.",
        "score_title": "Stabilité du score",
        "score_sentence": "L'indice de stabilité du score est de {psi}{c} {level}.",
        "score_caption": (
            "Part des demandes par tranche de score, à l'entraînement et sur la période."
        ),
        "top_title": "Caractéristiques qui ont le plus bougé",
        "top_intro": (
            "Caractéristiques au-delà d'un seuil{c} {flagged} sur {total}. La liste complète, "
            "avec un graphique par caractéristique, se trouve à la fin du rapport."
        ),
        "feature": "Caractéristique",
        "group": "Groupe",
        "psi": "Indice de stabilité (PSI)",
        "level": "Niveau",
        "missing_now": "Manquantes sur la période",
        "missing_training": "Manquantes à l'entraînement",
        "unseen": "Jamais vues à l'entraînement",
        "unseen_help": (
            "part des valeurs de la période dans des plages absentes des données d'entraînement."
        ),
        "importance": "Poids dans le modèle",
        "importance_help": "part des décisions du modèle qui revient à cette caractéristique.",
        "drift_title": "Évolution de la dérive",
        "drift_caption": (
            "Indice de stabilité du score par jour, avec les seuils de surveillance ({watch}) "
            "et d'action ({act})."
        ),
        "watch_line": "surveillance",
        "act_line": "action",
        "day": "Jour",
        "score_psi": "PSI du score",
        "features_watch": "Caractéristiques à surveiller",
        "features_act": "Caractéristiques avec action requise",
        "moved_most": "Les plus déplacées",
        "days_table": "Jour par jour",
        "no_windows": "Aucun jour n'a été compté sur la période.",
        "vintage_title": "Performance par mois de décision",
        "vintage_intro": (
            "Les défauts ne sont connus que des mois après l'octroi d'un crédit. D'ici là, le "
            "taux de défaut attendu, la probabilité moyenne prédite par le modèle pour les "
            "demandes accordées, est sa propre estimation{s} il est comparé au taux observé dès "
            "que les remboursements sont enregistrés."
        ),
        "no_vintages": "Aucune décision n'a été enregistrée sur la période.",
        "no_outcomes": (
            "Aucun résultat de remboursement n'est encore connu pour ces mois{c} seul le taux "
            "de défaut attendu peut être montré."
        ),
        "vintage_caption": (
            "Taux de défaut par mois de décision{c} attendu par le modèle et observé."
        ),
        "month": "Mois",
        "decided": "Décisions",
        "approval_rate": "Accordées",
        "override_rate": "Contre le modèle",
        "override_help": "décision finale différente de la recommandation du modèle.",
        "reviewed": "Examinées par une personne",
        "expected": "Taux de défaut attendu",
        "outcomes_known": "Résultats connus",
        "expected_known": "Attendu, là où il est connu",
        "observed": "Taux de défaut observé",
        "auc": "Pouvoir de classement (AUC)",
        "auc_help": (
            "0,5 correspond au hasard, 1 à un classement parfait des défaillants avant les "
            "bons payeurs."
        ),
        "expected_legend": "attendu",
        "pending": "pas encore de résultat",
        "observed_legend": "observé",
        "calibration_title": "Calibration",
        "calibration_caption": (
            "Demandes accordées dont le résultat est connu, par tranche de probabilité de "
            "défaut prédite{c} un point sur la diagonale signifie que la prédiction s'est "
            "réalisée."
        ),
        "no_calibration": (
            "Aucun résultat n'est encore connu{c} la calibration apparaîtra dès que des "
            "remboursements seront enregistrés."
        ),
        "predicted_axis": "prédit",
        "observed_axis": "observé",
        "shadow_title": "Modèle challenger en observation",
        "shadow_intro": (
            "Un modèle challenger a noté les mêmes demandes que le modèle en service, sans que "
            "ses réponses soient utilisées{s} voici comment il aurait décidé."
        ),
        "challenger": "Challenger",
        "shadow_scored": "Demandes notées par les deux",
        "shadow_flips": "Décisions qu'il changerait",
        "shadow_granted_to_refused": "Accordées, il refuserait",
        "shadow_refused_to_granted": "Refusées, il accorderait",
        "shadow_rank": "Même ordre de risque",
        "shadow_rank_help": (
            "1 signifie que les deux modèles classent les demandeurs du plus sûr au plus "
            "risqué exactement dans le même ordre{c} 0, aucun lien entre les deux ordres."
        ),
        "shadow_mean": "Probabilité de défaut moyenne (en service / challenger)",
        "features_title": "Toutes les caractéristiques, les plus déplacées d'abord",
        "features_intro": (
            "Ouvrez une caractéristique pour comparer ses valeurs à l'entraînement et sur la "
            "période."
        ),
        "training": "entraînement",
        "this_period": "période",
        "missing": "manquant",
        "lower": "← valeurs basses",
        "higher": "valeurs hautes →",
        "values_head": "Valeurs",
        "any_value": "toute valeur",
        "range": "{low} à {high}",
        "never_in_training": "jamais vu à l'entraînement",
        "raw_name": "Colonne",
        "applications_day": "{date}{c} indice de stabilité {psi}, {applications} demandes",
        "no_data_day": "{date}{c} aucune demande",
        "colon": "{c}",
    },
}
_MARKS: Mapping[Language, Mapping[str, str]] = {
    "en": {"{c}": ":", "{s}": ";"},
    "fr": {"{c}": "\u00a0:", "{s}": "\u00a0;"},  # a no-break space before them
}


def words(language: Language) -> dict[str, str]:
    """Every sentence of the report in ``language``, its punctuation typeset."""
    result = {}
    for key, text in WORDS[language].items():
        for mark, typeset in _MARKS[language].items():
            text = text.replace(mark, typeset)
        result[key] = text
    return result
