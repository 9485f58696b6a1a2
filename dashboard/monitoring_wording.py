"""Phrases of the supervisors' Monitoring view, in English and French.

Merged into :data:`dashboard.wording.WORDS` (same keys in both languages, checked by the same
tests); every key starts with ``mon_`` so none can shadow another view's. Written for a
supervisor, not a data scientist: the stability index is explained in one sentence, levels
read "to watch" / "à surveiller" (the monitor's report says the same, in
``training/monitoring/words.py``, which the dashboard may not import), features are named by
their labels. French sets a no-break space before ":" and ";".
"""

from __future__ import annotations

from scoring.wording import Language

MONITORING_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        "tab_monitoring": "Monitoring",
        "mon_title": "Is the model still seeing the clients it learnt from?",
        "mon_last_days": "Last {n} days",
        "mon_period": "{since} to {until}: {applications}, model {model}.",
        "mon_applications_one": "{n} application counted",
        "mon_applications_many": "{n} applications counted",
        # levels, as the monitor's report names them
        "mon_level_stable": "stable",
        "mon_level_watch": "to watch",
        "mon_level_act": "action needed",
        "mon_level_no_data": "no data",
        # the status in a sentence
        "mon_feature_one": "{n} feature",
        "mon_feature_many": "{n} features",
        "mon_the_score": "the score",
        "mon_score_and": "the score and {features}",
        "mon_verb_one": "moved",
        "mon_verb_many": "moved",
        "mon_status_act": "Action needed: {subjects} {verb} beyond the action threshold.",
        "mon_status_watch": "To watch: {subjects} {verb} past the watch threshold; nothing needs "
        "action yet.",
        "mon_status_stable": "Stable: neither the score nor any feature moved past the watch "
        "threshold.",
        "mon_status_no_data": "No data: no application was counted in this period.",
        "mon_more_watch_one": "{n} more feature is to watch.",
        "mon_more_watch_many": "{n} more features are to watch.",
        "mon_score": "The score itself: stability index {index}, {level}.",
        "mon_explained": "The stability index says how far this period's applications are from "
        "the clients the model learnt from: 0 means no change. From {watch} it is to watch; "
        "from {act} the model sees clients unlike those it learnt from and action is needed "
        "(check the data source, then consider retraining).",
        "mon_few": "Only {applications}: with fewer than {minimum}, chance alone moves the "
        "index, so read it with care.",
        # no application counted
        "mon_no_data_title": "No application was counted in this period",
        "mon_no_data_intro": "There is nothing to compare with the clients the model learnt "
        "from. The usual causes:",
        "mon_no_data_capture": "counting is switched off or failing in the scoring service;",
        "mon_no_data_bins": "the model in service has no reference to compare with (it was "
        "trained before monitoring existed): retrain it to monitor it;",
        "mon_no_data_traffic": "no real application reached the model in this period (looking "
        "at a client or trying a what-if is never counted).",
        # drift day by day
        "mon_drift_title": "Drift day by day",
        "mon_drift_caption": "The score's stability index each day, against the watch ({watch}) "
        "and action ({act}) thresholds. Point at a day to see the features that moved most.",
        "mon_index_axis": "Score stability",
        "mon_watch_line": "watch from {watch}",
        "mon_act_line": "action from {act}",
        "mon_counts_caption": "How many features were to watch or needed action, each day.",
        "mon_counts_axis": "Features",
        "mon_legend_watch": "to watch",
        "mon_legend_act": "action needed (hatched)",
        "mon_day": "Day",
        "mon_applications": "Applications",
        "mon_index": "Stability index",
        "mon_moved_most": "Moved most",
        "mon_no_windows": "No day was counted in this period.",
        # the features that moved most
        "mon_top_title": "The features that moved most",
        "mon_top_none": "None of the model's {total} features moved past a threshold. The "
        "{shown} that moved most:",
        "mon_top_one": "{flagged} of the model's {total} features moved past a threshold. The "
        "{shown} that moved most:",
        "mon_top_many": "{flagged} of the model's {total} features moved past a threshold. The "
        "{shown} that moved most:",
        "mon_col_feature": "Feature",
        "mon_col_group": "Group",
        "mon_col_index": "Stability index",
        "mon_col_level": "Level",
        "mon_col_missing_now": "Missing now",
        "mon_col_missing_training": "Missing in training",
        "mon_col_weight": "Weight in the model",
        "mon_weight_hint": "Weight in the model: the share of the model's decisions the feature "
        "accounts for; a feature that moved matters more when it weighs more.",
        # performance by month of decision
        "mon_vintage_title": "Performance by month of decision",
        "mon_vintage_intro": "Defaults become known months after a credit is granted. Until "
        "then, the default rate the model expects (its average estimated risk of the credits "
        "granted) is its own estimate; it is compared with the rate observed once repayments "
        "are recorded.",
        "mon_no_vintages": "No decision was recorded in this period.",
        "mon_no_outcomes": "No repayment is known yet for these months: only the default rate "
        "the model expects can be shown.",
        "mon_vintage_caption": "Default rate of the credits granted, by month of decision.",
        "mon_rate_axis": "Default rate (%)",
        "mon_legend_expected": "expected by the model",
        "mon_legend_observed": "observed (hatched)",
        "mon_col_month": "Month",
        "mon_col_decided": "Decisions",
        "mon_col_granted": "Granted",
        "mon_col_against": "Against the model",
        "mon_col_reviewed": "Close to the limit",
        "mon_col_expected": "Expected default rate",
        "mon_col_known": "Repayments known",
        "mon_col_observed": "Observed default rate",
        "mon_observed_cell": "{observed} (expected for the same credits: {expected})",
        "mon_pending": "not known yet",
        "mon_vintage_hint": "Against the model: the decision differs from the model's "
        "recommendation. Close to the limit: cases the model left to a person.",
        "mon_forbidden": "Model monitoring is for supervisors.",
    },
    "fr": {
        "tab_monitoring": "Suivi du modèle",
        "mon_title": "Le modèle voit-il encore les clients dont il a appris\u00a0?",
        "mon_last_days": "{n} derniers jours",
        "mon_period": "Du {since} au {until}\u00a0: {applications}, modèle {model}.",
        "mon_applications_one": "{n} demande comptée",
        "mon_applications_many": "{n} demandes comptées",
        "mon_level_stable": "stable",
        "mon_level_watch": "à surveiller",
        "mon_level_act": "action requise",
        "mon_level_no_data": "aucune donnée",
        "mon_feature_one": "{n} caractéristique",
        "mon_feature_many": "{n} caractéristiques",
        "mon_the_score": "le score",
        "mon_score_and": "le score et {features}",
        "mon_verb_one": "a dépassé",
        "mon_verb_many": "ont dépassé",
        "mon_status_act": "Action requise\u00a0: {subjects} {verb} le seuil d'action.",
        "mon_status_watch": "À surveiller\u00a0: {subjects} {verb} le seuil de surveillance\u00a0; "
        "aucune action n'est encore requise.",
        "mon_status_stable": "Stable\u00a0: ni le score ni aucune caractéristique n'a dépassé le "
        "seuil de surveillance.",
        "mon_status_no_data": "Aucune donnée\u00a0: aucune demande n'a été comptée sur la période.",
        "mon_more_watch_one": "{n} autre caractéristique est à surveiller.",
        "mon_more_watch_many": "{n} autres caractéristiques sont à surveiller.",
        "mon_score": "Le score lui-même\u00a0: indice de stabilité {index}, {level}.",
        "mon_explained": "L'indice de stabilité dit combien les demandes de la période "
        "s'écartent des clients dont le modèle a appris\u00a0: 0 signifie aucun changement. À "
        "partir de {watch}, c'est à surveiller\u00a0; à partir de {act}, le modèle voit des "
        "clients différents de ceux dont il a appris et une action est requise (vérifier la "
        "source des données, puis envisager un réentraînement).",
        "mon_few": "Seulement {applications}\u00a0: en dessous de {minimum}, le hasard seul fait "
        "bouger l'indice, lisez-le avec prudence.",
        "mon_no_data_title": "Aucune demande n'a été comptée sur la période",
        "mon_no_data_intro": "Rien ne peut être comparé aux clients dont le modèle a appris. "
        "Causes habituelles\u00a0:",
        "mon_no_data_capture": "le comptage est désactivé ou en échec dans le service de "
        "score\u00a0;",
        "mon_no_data_bins": "le modèle en service n'a pas de référence à laquelle comparer "
        "(entraîné avant la mise en place du suivi)\u00a0: le réentraîner pour pouvoir le "
        "suivre\u00a0;",
        "mon_no_data_traffic": "aucune demande réelle n'a atteint le modèle sur la période "
        "(consulter un client ou essayer un « et si » n'est jamais compté).",
        "mon_drift_title": "La dérive jour par jour",
        "mon_drift_caption": "L'indice de stabilité du score chaque jour, face aux seuils de "
        "surveillance ({watch}) et d'action ({act}). Pointez un jour pour voir les "
        "caractéristiques qui ont le plus bougé.",
        "mon_index_axis": "Stabilité du score",
        "mon_watch_line": "surveillance dès {watch}",
        "mon_act_line": "action dès {act}",
        "mon_counts_caption": "Combien de caractéristiques étaient à surveiller ou demandaient "
        "une action, chaque jour.",
        "mon_counts_axis": "Caractéristiques",
        "mon_legend_watch": "à surveiller",
        "mon_legend_act": "action requise (hachuré)",
        "mon_day": "Jour",
        "mon_applications": "Demandes",
        "mon_index": "Indice de stabilité",
        "mon_moved_most": "Les plus déplacées",
        "mon_no_windows": "Aucun jour n'a été compté sur la période.",
        "mon_top_title": "Les caractéristiques qui ont le plus bougé",
        "mon_top_none": "Aucune des {total} caractéristiques du modèle n'a dépassé de seuil. "
        "Les {shown} qui ont le plus bougé\u00a0:",
        "mon_top_one": "{flagged} des {total} caractéristiques du modèle a dépassé un seuil. "
        "Les {shown} qui ont le plus bougé\u00a0:",
        "mon_top_many": "{flagged} des {total} caractéristiques du modèle ont dépassé un "
        "seuil. Les {shown} qui ont le plus bougé\u00a0:",
        "mon_col_feature": "Caractéristique",
        "mon_col_group": "Groupe",
        "mon_col_index": "Indice de stabilité",
        "mon_col_level": "Niveau",
        "mon_col_missing_now": "Manquantes sur la période",
        "mon_col_missing_training": "Manquantes à l'entraînement",
        "mon_col_weight": "Poids dans le modèle",
        "mon_weight_hint": "Poids dans le modèle\u00a0: la part des décisions du modèle qui "
        "revient à la caractéristique\u00a0; une caractéristique qui a bougé compte d'autant "
        "plus qu'elle pèse lourd.",
        "mon_vintage_title": "Performance par mois de décision",
        "mon_vintage_intro": "Les défauts ne sont connus que des mois après l'octroi d'un "
        "crédit. D'ici là, le taux de défaut qu'attend le modèle (son risque estimé moyen des "
        "crédits accordés) est sa propre estimation\u00a0; il est comparé au taux observé dès "
        "que les remboursements sont enregistrés.",
        "mon_no_vintages": "Aucune décision n'a été enregistrée sur la période.",
        "mon_no_outcomes": "Aucun remboursement n'est encore connu pour ces mois\u00a0: seul le "
        "taux de défaut qu'attend le modèle peut être montré.",
        "mon_vintage_caption": "Taux de défaut des crédits accordés, par mois de décision.",
        "mon_rate_axis": "Taux de défaut (%)",
        "mon_legend_expected": "attendu par le modèle",
        "mon_legend_observed": "observé (hachuré)",
        "mon_col_month": "Mois",
        "mon_col_decided": "Décisions",
        "mon_col_granted": "Accordées",
        "mon_col_against": "Contre le modèle",
        "mon_col_reviewed": "Proches de la limite",
        "mon_col_expected": "Taux de défaut attendu",
        "mon_col_known": "Remboursements connus",
        "mon_col_observed": "Taux de défaut observé",
        "mon_observed_cell": "{observed} (attendu pour ces mêmes crédits\u00a0: {expected})",
        "mon_pending": "pas encore connu",
        "mon_vintage_hint": "Contre le modèle\u00a0: la décision diffère de la recommandation du "
        "modèle. Proches de la limite\u00a0: dossiers que le modèle a laissés à une personne.",
        "mon_forbidden": "Le suivi du modèle est réservé aux superviseurs.",
    },
}
