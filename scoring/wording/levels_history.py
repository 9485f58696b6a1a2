"""Level names of the history tables: credit bureau, previous applications, their loans.

Each name is read after the column's label ("Credit status: closed", "Statut du crédit :
clôturé"); see :mod:`scoring.wording.levels` for the conventions.
"""

from __future__ import annotations

from scoring.wording.levels_common import (
    ACCOMPANIED_BY,
    CONTRACT_TYPE,
    NOT_STATED,
    WEEKDAYS,
    YES_NO,
    LevelNames,
)

# --- Credit bureau ---------------------------------------------------------------------

BUREAU_CREDIT_STATUS: LevelNames = {
    "Active": ("ongoing", "en cours"),
    "Bad debt": ("bad debt", "créance irrécouvrable"),
    "Closed": ("closed", "clôturé"),
    "Sold": ("sold to a third party", "cédé à un tiers"),
}

CURRENCY: LevelNames = {
    f"currency {n}": (f"currency {n}", f"devise {n}") for n in (1, 2, 3, 4)
}  # anonymised in the source: the number is all we know

BUREAU_CREDIT_TYPE: LevelNames = {
    "Another type of loan": ("other loan", "autre prêt"),
    "Car loan": ("car loan", "crédit auto"),
    "Cash loan (non-earmarked)": ("personal loan", "prêt personnel"),
    "Consumer credit": ("consumer credit", "crédit à la consommation"),
    "Credit card": ("credit card", "carte de crédit"),
    "Interbank credit": ("interbank credit", "crédit interbancaire"),
    "Loan for business development": ("business development loan", "prêt professionnel"),
    "Loan for purchase of shares (margin lending)": (
        "margin loan for shares",
        "prêt pour achat d'actions",
    ),
    "Loan for the purchase of equipment": ("equipment loan", "prêt d'équipement"),
    "Loan for working capital replenishment": ("working capital loan", "crédit de trésorerie"),
    "Microloan": ("microloan", "microcrédit"),
    "Mobile operator loan": ("mobile operator loan", "crédit d'un opérateur mobile"),
    "Mortgage": ("mortgage", "prêt hypothécaire"),
    "Real estate loan": ("property loan", "crédit immobilier"),
    "Unknown type of loan": ("unknown loan type", "type de prêt inconnu"),
}


# The bureau's monthly bucket of days past due; 5 also holds debts sold or written off.
MONTHLY_STATUS: LevelNames = {
    "0": ("nothing overdue", "aucun retard"),
    "1": ("1 to 30 days overdue", "1 à 30 jours de retard"),
    "2": ("31 to 60 days overdue", "31 à 60 jours de retard"),
    "3": ("61 to 90 days overdue", "61 à 90 jours de retard"),
    "4": ("91 to 120 days overdue", "91 à 120 jours de retard"),
    "5": ("over 120 days overdue or written off", "plus de 120 jours de retard ou passé en perte"),
    "C": ("closed", "clôturé"),
    "X": ("status unknown", "statut inconnu"),
}

# --- Previous applications -------------------------------------------------------------

CASH_LOAN_PURPOSE: LevelNames = {
    "Building a house or an annex": (
        "building a house or annex",
        "construction d'une maison ou d'une annexe",
    ),
    "Business development": ("business development", "développement d'une activité"),
    "Buying a garage": ("buying a garage", "achat d'un garage"),
    "Buying a holiday home / land": (
        "buying a holiday home or land",
        "achat d'une résidence secondaire ou d'un terrain",
    ),
    "Buying a home": ("buying a home", "achat d'un logement"),
    "Buying a new car": ("buying a new car", "achat d'une voiture neuve"),
    "Buying a used car": ("buying a used car", "achat d'une voiture d'occasion"),
    "Car repairs": ("car repairs", "réparation automobile"),
    "Education": ("education", "études"),
    "Everyday expenses": ("everyday expenses", "dépenses courantes"),
    "Furniture": ("furniture", "ameublement"),
    "Gasification / water supply": ("gas or water connection", "raccordement au gaz ou à l'eau"),
    "Hobby": ("hobby", "loisirs"),
    "Journey": ("travel", "voyage"),
    "Medicine": ("medical expenses", "frais médicaux"),
    "Money for a third person": ("money for someone else", "argent pour un tiers"),
    "Other": ("other", "autre"),
    "Payments on other loans": ("repaying other loans", "remboursement d'autres crédits"),
    "Purchase of electronic equipment": (
        "buying electronic equipment",
        "achat d'équipement électronique",
    ),
    "Refusal to name the goal": ("purpose not disclosed", "objet non communiqué"),
    "Repairs": ("home renovation", "travaux dans le logement"),
    "Urgent needs": ("urgent needs", "besoins urgents"),
    "Wedding / gift / holiday": ("wedding, gift or celebration", "mariage, cadeau ou fête"),
    # Only a cash loan states a purpose: the other products have none to give.
    "XAP": ("not a cash loan", "hors prêt personnel"),
    "XNA": NOT_STATED,
}

# Read after "Application outcome" / "Issue de la demande": French agrees with "demande".
APPLICATION_OUTCOME: LevelNames = {
    "Approved": ("approved", "acceptée"),
    "Canceled": ("cancelled", "annulée"),
    "Refused": ("refused", "refusée"),
    "Unused offer": ("offer not taken up", "offre non utilisée"),
}

PAYMENT_METHOD: LevelNames = {
    "Cash through the bank": ("cash at a bank", "espèces en agence bancaire"),
    "Cashless from the account of the employer": ("deducted from salary", "retenue sur salaire"),
    "Non-cash from your account": ("direct debit", "prélèvement sur compte"),
    "XNA": NOT_STATED,
}

REJECTION_REASON: LevelNames = {
    "CLIENT": ("client's decision", "décision du client"),
    "HC": ("lending policy", "politique d'octroi"),
    "LIMIT": ("credit limit", "plafond de crédit"),
    "SCO": ("credit score", "score de crédit"),
    "SCOFR": ("fraud check", "contrôle anti-fraude"),
    "SYSTEM": ("technical reason", "raison technique"),
    "VERIF": ("failed verification", "échec des vérifications"),
    # Only a refused application has a reason.
    "XAP": ("not refused", "pas de refus"),
    "XNA": NOT_STATED,
}

CLIENT_TYPE: LevelNames = {
    "New": ("first application", "première demande"),
    "Refreshed": ("returning client", "client(e) de retour"),
    "Repeater": ("repeat client", "déjà client(e)"),
    "XNA": NOT_STATED,
}

GOODS_CATEGORY: LevelNames = {
    "Additional Service": ("additional service", "service complémentaire"),
    "Animals": ("animals", "animaux"),
    "Audio/Video": ("audio and video", "audio et vidéo"),
    "Auto Accessories": ("car accessories", "accessoires auto"),
    "Clothing and Accessories": ("clothing and accessories", "vêtements et accessoires"),
    "Computers": ("computers", "informatique"),
    "Construction Materials": ("building materials", "matériaux de construction"),
    "Consumer Electronics": ("consumer electronics", "électronique grand public"),
    "Direct Sales": ("direct sales", "vente directe"),
    "Education": ("education and training", "formation"),
    "Fitness": ("fitness", "remise en forme"),
    "Furniture": ("furniture", "mobilier"),
    "Gardening": ("gardening", "jardinage"),
    "Homewares": ("homewares", "articles de maison"),
    "House Construction": ("house building", "construction de maison"),
    "Insurance": ("insurance", "assurance"),
    "Jewelry": ("jewellery", "bijouterie"),
    "Medical Supplies": ("medical supplies", "fournitures médicales"),
    "Medicine": ("medical care", "soins médicaux"),
    "Mobile": ("mobile phones", "téléphonie mobile"),
    "Office Appliances": ("office equipment", "équipement de bureau"),
    "Other": ("other", "autre"),
    "Photo / Cinema Equipment": ("photo and video equipment", "matériel photo et vidéo"),
    "Sport and Leisure": ("sport and leisure", "sport et loisirs"),
    "Tourism": ("tourism", "tourisme"),
    "Vehicles": ("vehicles", "véhicules"),
    "Weapon": ("weapons", "armes"),
    "XNA": NOT_STATED,
}

PORTFOLIO: LevelNames = {
    "Cards": ("credit card", "carte de crédit"),
    "Cars": ("car loan", "crédit auto"),
    "Cash": ("cash loan", "prêt personnel"),
    "POS": ("point-of-sale loan", "crédit affecté"),
    "XNA": NOT_STATED,
}

# "Walk-in": the client came and asked; "x-sell": the lender offered it to a client.
PRODUCT_TYPE: LevelNames = {
    "XNA": NOT_STATED,
    "walk-in": ("client's own request", "demande spontanée"),
    "x-sell": ("cross-sell offer", "offre de vente croisée"),
}

SALES_CHANNEL: LevelNames = {
    "AP+ (Cash loan)": ("cash loan outlet", "point de vente de prêts personnels"),
    "Car dealer": ("car dealer", "concessionnaire automobile"),
    "Channel of corporate sales": ("corporate sales", "ventes aux entreprises"),
    "Contact center": ("contact centre", "centre de relation client"),
    "Country-wide": ("national retail chain", "enseigne nationale"),
    "Credit and cash offices": ("credit office", "agence de crédit"),
    "Regional / Local": ("regional or local shop", "commerce régional ou local"),
    "Stone": ("partner shop", "magasin partenaire"),
}

SELLER_INDUSTRY: LevelNames = {
    "Auto technology": ("motor trade", "automobile"),
    "Clothing": ("clothing", "habillement"),
    "Connectivity": ("phones and connectivity", "téléphonie et connectivité"),
    "Construction": ("building trade", "bâtiment"),
    "Consumer electronics": ("consumer electronics", "électronique grand public"),
    "Furniture": ("furniture", "ameublement"),
    "Industry": ("industry", "industrie"),
    "Jewelry": ("jewellery", "bijouterie"),
    "MLM partners": ("network marketing", "vente en réseau"),
    "Tourism": ("tourism", "tourisme"),
    "XNA": NOT_STATED,
}

INTEREST_RATE_GROUP: LevelNames = {
    "XNA": NOT_STATED,
    "low_action": ("low promotional rate", "taux bas promotionnel"),
    "low_normal": ("low rate", "taux bas"),
    "middle": ("medium rate", "taux moyen"),
    "high": ("high rate", "taux élevé"),
}

# Product, how it was sold ("Street": asked for by the client; "X-Sell": offered to one)
# and its rate or the goods it paid for, as one phrase.
PRODUCT_COMBINATION: LevelNames = {
    "Card Street": ("credit card on request", "carte de crédit sur demande"),
    "Card X-Sell": ("cross-sold credit card", "carte de crédit en vente croisée"),
    "Cash": ("cash loan", "prêt personnel"),
    "Cash Street: high": (
        "cash loan on request, high rate",
        "prêt personnel sur demande, taux élevé",
    ),
    "Cash Street: low": ("cash loan on request, low rate", "prêt personnel sur demande, taux bas"),
    "Cash Street: middle": (
        "cash loan on request, medium rate",
        "prêt personnel sur demande, taux moyen",
    ),
    "Cash X-Sell: high": (
        "cross-sold cash loan, high rate",
        "prêt personnel en vente croisée, taux élevé",
    ),
    "Cash X-Sell: low": (
        "cross-sold cash loan, low rate",
        "prêt personnel en vente croisée, taux bas",
    ),
    "Cash X-Sell: middle": (
        "cross-sold cash loan, medium rate",
        "prêt personnel en vente croisée, taux moyen",
    ),
    "POS household with interest": (
        "household goods loan with interest",
        "crédit équipement de la maison avec intérêts",
    ),
    "POS household without interest": (
        "interest-free household goods loan",
        "crédit équipement de la maison sans intérêts",
    ),
    "POS industry with interest": (
        "industrial goods loan with interest",
        "crédit produits industriels avec intérêts",
    ),
    "POS industry without interest": (
        "interest-free industrial goods loan",
        "crédit produits industriels sans intérêts",
    ),
    "POS mobile with interest": (
        "mobile phone loan with interest",
        "crédit téléphone avec intérêts",
    ),
    "POS mobile without interest": (
        "interest-free mobile phone loan",
        "crédit téléphone sans intérêts",
    ),
    "POS other with interest": (
        "other goods loan with interest",
        "crédit autres biens avec intérêts",
    ),
    "POS others without interest": (
        "interest-free other goods loan",
        "crédit autres biens sans intérêts",
    ),
}

PREVIOUS_APPLICATION: dict[str, LevelNames] = {
    "NAME_CONTRACT_TYPE": CONTRACT_TYPE,
    "WEEKDAY_APPR_PROCESS_START": WEEKDAYS,
    "FLAG_LAST_APPL_PER_CONTRACT": YES_NO,
    "NAME_CASH_LOAN_PURPOSE": CASH_LOAN_PURPOSE,
    "NAME_CONTRACT_STATUS": APPLICATION_OUTCOME,
    "NAME_PAYMENT_TYPE": PAYMENT_METHOD,
    "CODE_REJECT_REASON": REJECTION_REASON,
    "NAME_TYPE_SUITE": ACCOMPANIED_BY,
    "NAME_CLIENT_TYPE": CLIENT_TYPE,
    "NAME_GOODS_CATEGORY": GOODS_CATEGORY,
    "NAME_PORTFOLIO": PORTFOLIO,
    "NAME_PRODUCT_TYPE": PRODUCT_TYPE,
    "CHANNEL_TYPE": SALES_CHANNEL,
    "NAME_SELLER_INDUSTRY": SELLER_INDUSTRY,
    "NAME_YIELD_GROUP": INTEREST_RATE_GROUP,
    "PRODUCT_COMBINATION": PRODUCT_COMBINATION,
}

# --- Monthly follow-up of the previous loans (POS/cash and credit cards) ----------------

# Read after "Contract status" / "Statut du contrat": French agrees with "contrat".
CONTRACT_STATUS: LevelNames = {
    "Active": ("ongoing", "en cours"),
    # Written off the books as a loss (too few rows to know more).
    "Amortized debt": ("debt written off", "créance passée en perte"),
    "Approved": ("approved", "accepté"),
    "Canceled": ("cancelled", "annulé"),
    "Completed": ("completed", "terminé"),
    # The lender has called in the whole balance.
    "Demand": ("full repayment demanded", "remboursement exigé"),
    "Refused": ("refused", "refusé"),
    "Returned to the store": ("goods returned to the shop", "bien rendu au magasin"),
    "Sent proposal": ("offer sent", "offre envoyée"),
    "Signed": ("signed", "signé"),
    "XNA": NOT_STATED,
}
