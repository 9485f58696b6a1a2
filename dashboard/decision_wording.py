"""Phrases of recommendations, decisions, people and the review queue, in English and French.

Merged into :data:`dashboard.wording.WORDS` (same keys in both languages, checked by the same
tests); kept apart so :mod:`dashboard.wording` stays readable. Outcome words and the reasons a
person gives come from :mod:`scoring.wording.decisions`, shared with the API and its letters.
"""

from __future__ import annotations

from scoring.wording import Language

DECISION_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        # the model's recommendation
        "verdict_granted": "The model recommends granting the credit: estimated risk {risk}, "
        "below the {limit} limit.",
        "verdict_refused": "The model recommends refusing the credit: estimated risk {risk}, "
        "at or above the {limit} limit.",
        "verdict_review": "Close to the limit: a person decides. Estimated risk {risk}, within "
        "{band} points of the {limit} limit.",
        "band_note": "± {band} points: a person decides",
        "reasons_review": "Main factors of the estimated risk",
        # who is signed in
        "role_advisor": "advisor",
        "role_supervisor": "supervisor",
        "signed_in": "{user}, {role}",
        "logout": "Log out",
        "by_system": "an automated system ({api_key})",
        "by_admin": "the service's administrator",
        "at_time": "{date} at {time}",
        # recording the decision
        "record_title": "Decision",
        "accept_granted": "Grant the credit, as recommended",
        "accept_refused": "Refuse the credit, as recommended",
        "accept_hint": "Recording the decision is an act of its own: the record names you, "
        "and only a supervisor can revise it.",
        "review_for_supervisor": "Close to the limit: a supervisor decides this case.",
        "advisor_cannot_revise": "Only a supervisor can revise a recorded decision.",
        "decide_otherwise": "Decide otherwise",
        "decide_review": "Decide this case",
        "revise": "Revise this decision",
        "final_decision": "Decision",
        "choose_final": "Grant or refuse?",
        "grant": "Grant",
        "refuse": "Refuse",
        "cancel": "Cancel",
        "reason": "Reason",
        "choose_reason": "Choose a reason",
        "note": "Note",
        "note_hint": "What the file shows (required for another reason)",
        "record": "Record this decision",
        "needs_reason": "A reason is needed: the decision departs from the recommendation, or "
        "the case is close to the limit.",
        "needs_note": "Say in the note what the other reason is.",
        "needs_final": "Choose whether to grant or refuse the credit.",
        "current_decision": "Decision recorded: credit {outcome}",
        "decided_by": "By {person}, {when}, with model {model}.",
        "recommended": "The model's recommendation: {outcome}.",
        "decision_reason": "Reason: {reason}",
        "decision_note": "Note: {note}",
        "revises_note": "This decision revises the one of {when}.",
        "replayed": "This decision had already been recorded: the same request, sent twice, "
        "was recorded once.",
        "letter": "Download the letter (PDF)",
        "reference": "Reference {id}",
        # a client's decisions
        "tab_history": "Decisions",
        "history_title": "Decisions about this client",
        "history_none": "No decision has been recorded for this client yet.",
        "col_when": "When",
        "col_decision": "Decision",
        "col_recommended": "Model's recommendation",
        "col_risk": "Estimated risk",
        "col_by": "By",
        "col_why": "Why",
        "recommended_cell": "{outcome} (risk {risk}, model {model})",
        "as_recommended": "as recommended",
        "current_mark": "{outcome} (current)",
        "revised_mark": "{outcome} (revised later)",
        # the supervisor's review queue
        "tab_review": "Review queue",
        "review_title": "Applications close to the limit, waiting for a decision",
        "review_hint": "Applications scored close to the limit for which no decision has been "
        "recorded yet, newest first. Open one to decide it.",
        "review_none": "No application is waiting.",
        "overrides_title": "Recent decisions that departed from the model",
        "overrides_none": "No recorded decision departs from the model.",
        "col_client": "Client ID",
        "col_asked_by": "Scored for",
        "open_client": "Open {client_id}",
        "refresh": "Refresh",
        # the API's refusals of an act
        "api_scope": "The dashboard's API token may not do this (it lacks the '{scope}' "
        "permission): check CREDIT_API_TOKEN.",
        "api_user_inactive": "The scoring service does not know your account as active "
        "(unknown or disabled): sign in again, or ask a supervisor.",
        "api_forbidden": "Your account may not do this.",
        "decision_forbidden": "Only a supervisor may record a decision that departs from the "
        "recommendation, or decide a case close to the limit.",
        "review_forbidden": "The review queue is for supervisors.",
        "decision_unknown": "This decision is not in the records.",
        "decision_conflict": "The decisions about this client changed in the meantime: check "
        "the current one before deciding again.",
        "letter_not_refusal": "Only a refusal has a letter.",
    },
    "fr": {
        "verdict_granted": "Le modèle recommande d'accorder le crédit : risque estimé {risk}, "
        "sous la limite de {limit}.",
        "verdict_refused": "Le modèle recommande de refuser le crédit : risque estimé {risk}, "
        "au niveau ou au-dessus de la limite de {limit}.",
        "verdict_review": "Proche de la limite : une personne décide. Risque estimé {risk}, à "
        "{band} points ou moins de la limite de {limit}.",
        "band_note": "± {band} points : une personne décide",
        "reasons_review": "Principaux facteurs du risque estimé",
        "role_advisor": "conseiller",
        "role_supervisor": "superviseur",
        "signed_in": "{user}, {role}",
        "logout": "Se déconnecter",
        "by_system": "un système automatisé ({api_key})",
        "by_admin": "l'administrateur du service",
        "at_time": "{date} à {time}",
        "record_title": "Décision",
        "accept_granted": "Accorder le crédit, comme recommandé",
        "accept_refused": "Refuser le crédit, comme recommandé",
        "accept_hint": "Enregistrer la décision est un acte à part : l'enregistrement vous "
        "nomme, et seul un superviseur peut la réviser.",
        "review_for_supervisor": "Proche de la limite : un superviseur décide de ce dossier.",
        "advisor_cannot_revise": "Seul un superviseur peut réviser une décision enregistrée.",
        "decide_otherwise": "Décider autrement",
        "decide_review": "Décider de ce dossier",
        "revise": "Réviser cette décision",
        "final_decision": "Décision",
        "choose_final": "Accorder ou refuser ?",
        "grant": "Accorder",
        "refuse": "Refuser",
        "cancel": "Annuler",
        "reason": "Motif",
        "choose_reason": "Choisissez un motif",
        "note": "Note",
        "note_hint": "Ce que montre le dossier (obligatoire pour un autre motif)",
        "record": "Enregistrer cette décision",
        "needs_reason": "Un motif est nécessaire : la décision s'écarte de la recommandation, "
        "ou le dossier est proche de la limite.",
        "needs_note": "Indiquez dans la note quel est l'autre motif.",
        "needs_final": "Choisissez d'accorder ou de refuser le crédit.",
        "current_decision": "Décision enregistrée : crédit {outcome}",
        "decided_by": "Par {person}, le {when}, avec le modèle {model}.",
        "recommended": "Recommandation du modèle : {outcome}.",
        "decision_reason": "Motif : {reason}",
        "decision_note": "Note : {note}",
        "revises_note": "Cette décision révise celle du {when}.",
        "replayed": "Cette décision était déjà enregistrée : la même demande, envoyée deux "
        "fois, n'a été enregistrée qu'une fois.",
        "letter": "Télécharger la lettre (PDF)",
        "reference": "Référence {id}",
        "tab_history": "Décisions",
        "history_title": "Décisions concernant ce client",
        "history_none": "Aucune décision n'a encore été enregistrée pour ce client.",
        "col_when": "Quand",
        "col_decision": "Décision",
        "col_recommended": "Recommandation du modèle",
        "col_risk": "Risque estimé",
        "col_by": "Par",
        "col_why": "Pourquoi",
        "recommended_cell": "{outcome} (risque {risk}, modèle {model})",
        "as_recommended": "comme recommandé",
        "current_mark": "{outcome} (actuelle)",
        "revised_mark": "{outcome} (révisée ensuite)",
        "tab_review": "File d'examen",
        "review_title": "Demandes proches de la limite, en attente de décision",
        "review_hint": "Demandes dont le score est proche de la limite et pour lesquelles "
        "aucune décision n'est encore enregistrée, les plus récentes d'abord. Ouvrez-en une "
        "pour en décider.",
        "review_none": "Aucune demande n'attend.",
        "overrides_title": "Décisions récentes qui se sont écartées du modèle",
        "overrides_none": "Aucune décision enregistrée ne s'écarte du modèle.",
        "col_client": "Identifiant client",
        "col_asked_by": "Score demandé pour",
        "open_client": "Ouvrir {client_id}",
        "refresh": "Actualiser",
        "api_scope": "Le jeton d'API du tableau de bord n'a pas ce droit (il lui manque la "
        "permission « {scope} ») : vérifiez CREDIT_API_TOKEN.",
        "api_user_inactive": "Le service de score ne reconnaît pas votre compte comme actif "
        "(inconnu ou désactivé) : reconnectez-vous, ou adressez-vous à un superviseur.",
        "api_forbidden": "Votre compte n'a pas ce droit.",
        "decision_forbidden": "Seul un superviseur peut enregistrer une décision qui s'écarte "
        "de la recommandation, ou décider d'un dossier proche de la limite.",
        "review_forbidden": "La file d'examen est réservée aux superviseurs.",
        "decision_unknown": "Cette décision ne figure pas dans les registres.",
        "decision_conflict": "Les décisions concernant ce client ont changé entre-temps : "
        "vérifiez la décision actuelle avant de décider à nouveau.",
        "letter_not_refusal": "Seul un refus donne lieu à une lettre.",
    },
}
