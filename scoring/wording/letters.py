"""The sentences of the letter to a refused applicant, in English and French.

The letter's layout is a template (``scoring/letters/letter.html.j2``); every word a client
reads in it comes from here, so a change of wording is made once and reviewed in both
languages side by side. The ``{lender}`` placeholder is filled by :mod:`scoring.letters.render`.

Plain words first: the client is told that the credit is refused, why, that a score was
used, and what they may do about it. French follows its typography: a no-break space before
":" and ";", and "Madame, Monsieur" as the greeting of a letter to a person not named.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.wording import LANGUAGES, Language

_C = "\u00a0:"  # French colon: a no-break space before it
_S = "\u00a0;"  # French semicolon

LETTER: Mapping[Language, Mapping[str, str]] = {
    "en": {
        "title": "Decision on your credit application",
        "tagline": "Consumer credit",
        "date": "Date",
        "application": "Application number",
        "reference": "Decision reference",
        "subject": "Your credit application: our decision",
        "greeting": "Dear applicant,",
        "thanks": (
            "Thank you for applying for credit with {lender}. We have examined your "
            "application carefully."
        ),
        "refused": (
            "We regret to tell you that we cannot grant you this credit: your application "
            "has been refused."
        ),
        "reasons_title": "Why we refused your application",
        "reasons_intro": "These are the main reasons for our decision, the most important first:",
        "code": "Code",
        "person_also": "The member of our staff who made this decision also gave this reason:",
        "person_only": "The member of our staff who made this decision gave this reason:",
        "score_title": "How the decision was made",
        "score": (
            "To assess your application, we used an automated credit score: a statistical "
            "model that estimates, from the information in your application and your credit "
            "history, the risk that a credit will not be repaid."
        ),
        "model": "Model version",
        "score_followed": "Our decision follows the score's assessment.",
        "person_decided": (
            "A member of our staff then examined your application and made the final decision."
        ),
        "rights_title": "Your rights",
        "rights_intro": "You have the right to:",
        "right_review": (
            "ask for this decision to be reviewed by a person, not by the automated score alone;"
        ),
        "right_express": (
            "express your point of view and send us any information you think we should "
            "take into account;"
        ),
        "right_contest": "contest this decision.",
        "how": (
            "To do so, write to us, quoting your application number and the decision "
            "reference given above:"
        ),
        "by_post": "by post",
        "by_email": "by e-mail",
        "by_phone": "by telephone",
        "advisor": "You can also ask the advisor who handled your application.",
        "reply": "We will examine your request and reply to you in writing.",
        "authority": (
            "If you are not satisfied with our answer, you may also complain to the data "
            "protection authority (in France, the CNIL)."
        ),
        "closing": "Yours faithfully,",
        "colon": ":",
    },
    "fr": {
        "title": "Décision sur votre demande de crédit",
        "tagline": "Crédit à la consommation",
        "date": "Date",
        "application": "Numéro de demande",
        "reference": "Référence de la décision",
        "subject": f"Objet{_C} votre demande de crédit, notre décision",
        "greeting": "Madame, Monsieur,",
        "thanks": (
            "Nous vous remercions de votre demande de crédit auprès de {lender}, que nous "
            "avons examinée avec attention."
        ),
        "refused": (
            "Nous avons le regret de vous informer que nous ne pouvons pas vous accorder ce "
            f"crédit{_C} votre demande est refusée."
        ),
        "reasons_title": "Pourquoi nous avons refusé votre demande",
        "reasons_intro": (
            "Voici les principales raisons de notre décision, de la plus importante à la "
            f"moins importante{_C}"
        ),
        "code": "Code",
        "person_also": (
            "La personne de notre équipe qui a pris cette décision a également donné la "
            f"raison suivante{_C}"
        ),
        "person_only": (
            f"La personne de notre équipe qui a pris cette décision l'a motivée ainsi{_C}"
        ),
        "score_title": "Comment la décision a été prise",
        "score": (
            f"Pour étudier votre demande, nous avons utilisé un score de crédit automatisé{_C} "
            "un modèle statistique qui estime, à partir des informations de votre demande et "
            "de votre historique de crédit, le risque qu'un crédit ne soit pas remboursé."
        ),
        "model": "Version du modèle",
        "score_followed": "Notre décision suit l'évaluation du score.",
        "person_decided": (
            "Une personne de notre équipe a ensuite examiné votre demande et pris la décision "
            "finale."
        ),
        "rights_title": "Vos droits",
        "rights_intro": f"Vous avez le droit{_C}",
        "right_review": (
            "de demander que cette décision soit réexaminée par une personne, et non par le "
            f"seul score automatisé{_S}"
        ),
        "right_express": (
            "de faire connaître votre point de vue et de nous transmettre toute information "
            f"que vous jugez utile{_S}"
        ),
        "right_contest": "de contester cette décision.",
        "how": (
            "Pour cela, écrivez-nous en indiquant votre numéro de demande et la référence de "
            f"la décision figurant ci-dessus{_C}"
        ),
        "by_post": "par courrier",
        "by_email": "par courriel",
        "by_phone": "par téléphone",
        "advisor": "Vous pouvez aussi vous adresser au conseiller qui a traité votre demande.",
        "reply": "Nous examinerons votre demande et vous répondrons par écrit.",
        "authority": (
            "Si notre réponse ne vous satisfait pas, vous pouvez également saisir l'autorité "
            "de protection des données (en France, la CNIL)."
        ),
        "closing": (
            "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
        ),
        "colon": _C,
    },
}


def letter_words(language: Language) -> Mapping[str, str]:
    """The letter's sentences in ``language``; a ``ValueError`` names the languages offered."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return LETTER[language]
