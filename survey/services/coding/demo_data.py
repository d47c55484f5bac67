"""The made-up material of the synthetic coding demo: a starter codebook and sentence templates.

Every sentence here was written for the demo. None comes from a real
person, and none holds a name, a place that could identify anyone, a phone
number or an email address. The themes follow the questions of the bundled
police-response instrument: not being believed, being treated as an
offender, interpreters, support, and fear of immigration enforcement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCode:
    """A code (or a category, `codable` False) of the starter codebook, keyed for the templates."""

    key: str
    name: str
    parent: str | None = None
    codable: bool = True
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    colour: str = "#5B6770"


def _category(key: str, name: str, definition: str) -> DemoCode:
    return DemoCode(key, name, codable=False, definition=definition)


CODEBOOK = (
    _category("treatment", "How the police treated them", "How officers behaved towards them."),
    DemoCode(
        "not_believed",
        "Not believed",
        "treatment",
        definition="The person says the police doubted or dismissed what they said.",
        when_to_use="Doubt, disbelief, mockery of their account.",
        when_not_to_use="Being rushed without doubt being voiced: use “Rushed or not listened to”.",
        example="They did not believe me because my story changed.",
        colour="#B2182B",
    ),
    DemoCode(
        "offender",
        "Treated as an offender",
        "treatment",
        definition="Arrested, held or spoken to as a criminal rather than as a victim.",
        when_to_use="Arrest, cells, charges, being called a criminal.",
        when_not_to_use="Fear of being deported: use “Fear of immigration enforcement”.",
        example="Being handcuffed and questioned as a suspect.",
        colour="#D6604D",
    ),
    DemoCode(
        "kindness",
        "Treated with kindness",
        "treatment",
        definition="Officers were kind, patient or made the person feel safe.",
        when_to_use="Warmth, care, feeling safe, being called a victim.",
        when_not_to_use="Practical help such as housing: use “Given support”.",
        example="The officer was kind to me and gave me water.",
        colour="#1B7837",
    ),
    DemoCode(
        "rushed",
        "Rushed or not listened to",
        "treatment",
        definition="The person felt hurried, interrupted or unheard.",
        when_to_use="Repeated questions, no time to explain, interruptions.",
        when_not_to_use="Open disbelief: use “Not believed”.",
        example="They rushed me and asked the same questions again and again.",
        colour="#8C510A",
    ),
    _category("language", "Language and understanding", "Interpreters and being understood."),
    DemoCode(
        "interpreter_problems",
        "Interpreter problems",
        "language",
        definition="No interpreter, a poor one, or one the person could not trust.",
        when_to_use="Missing, unsafe or unhelpful interpreting.",
        when_not_to_use="An interpreter who helped: use “Interpreter helped”.",
        example="There was no interpreter, so I could not explain.",
        colour="#762A83",
    ),
    DemoCode(
        "interpreter_helped",
        "Interpreter helped",
        "language",
        definition="An interpreter made it possible to explain or understand.",
        when_to_use="Praise for interpreting.",
        when_not_to_use="Problems with interpreting.",
        example="They found an interpreter who spoke my language.",
        colour="#9970AB",
    ),
    _category("support", "Support", "Help and referral after contact with the police."),
    DemoCode(
        "support_given",
        "Given support",
        "support",
        definition="Practical help: a safe place, a support worker, the NRM explained.",
        when_to_use="Housing, support workers, referral, information about help.",
        when_not_to_use="Kind words without practical help: use “Treated with kindness”.",
        example="They took me to a safe house the same night.",
        colour="#2166AC",
    ),
    DemoCode(
        "no_support",
        "No support or referral",
        "support",
        definition="The person was left without help, information or news.",
        when_to_use="Not told about help, not referred, no news.",
        when_not_to_use="Help that came late but came: use “Given support” and a memo.",
        example="Nobody told me where to get help.",
        colour="#4393C3",
    ),
    _category("fear", "Fear", "What the person was afraid of."),
    DemoCode(
        "immigration_fear",
        "Fear of immigration enforcement",
        "fear",
        definition="Fear of deportation, detention or of police passing details to immigration.",
        when_to_use="Papers, deportation, being sent back.",
        when_not_to_use="Fear of the people who exploited them: use “Fear of the exploiters”.",
        example="I was scared they would send me back.",
        colour="#E08214",
    ),
    DemoCode(
        "fear_exploiters",
        "Fear of the exploiters",
        "fear",
        definition="Fear of the people who exploited them, or for their family.",
        when_to_use="Threats, being found, family at risk.",
        when_not_to_use="Fear of the police or of immigration.",
        example="I was afraid they would find my family.",
        colour="#FDB863",
    ),
    _category("change", "What should change", "What the person asks the police to do differently."),
    DemoCode(
        "training",
        "Training and awareness",
        "change",
        definition="Officers should learn to recognise exploitation.",
        when_to_use="Calls for training, knowing the signs.",
        when_not_to_use="Asking for more time: use “Time and patience”.",
        example="Police need training to see the signs.",
        colour="#35978F",
    ),
    DemoCode(
        "time",
        "Time and patience",
        "change",
        definition="Officers should give people time to tell their story.",
        when_to_use="Asking for time, patience, more than one meeting.",
        when_not_to_use="Complaints about being rushed: use “Rushed or not listened to”.",
        example="Give people time.",
        colour="#80CDC1",
    ),
)

OFFICERS = ("The officer", "One officer", "A policewoman", "The detective", "The first officer")
CRIMES = ("the cannabis farm", "the false papers", "the shoplifting", "working without papers")

# (template, codes): {officer} and {crime} are filled in from the lists above.
WENT_WELL = (
    ("{officer} was kind to me and gave me water and a blanket.", ("kindness",)),
    ("{officer} listened to my whole story and did not rush me.", ("kindness",)),
    ("They said I was a victim, not a criminal, and that helped a lot.", ("kindness",)),
    ("I felt safe with them for the first time in a long while.", ("kindness",)),
    ("They found an interpreter who spoke my language.", ("interpreter_helped",)),
    ("The interpreter was patient and explained the questions again.", ("interpreter_helped",)),
    ("They took me to a safe house the same night.", ("support_given",)),
    ("A support worker came to the station and stayed with me.", ("support_given",)),
    ("They told me about the NRM and what it means for me.", ("support_given",)),
    ("Thank you to the officer who helped me 🙏", ("kindness",)),
    ("Nothing went well, they did not believe me.", ("not_believed",)),
)
SHOULD_CHANGE = (
    ("They did not believe me because my story changed.", ("not_believed",)),
    ("{officer} laughed when I said I was never paid.", ("not_believed",)),
    ("Believe us when we say we were forced.", ("not_believed",)),
    ("They arrested me for {crime} even though I was made to do it.", ("offender",)),
    ("I was put in a cell like a criminal.", ("offender",)),
    ("Nobody asked what happened to me 🙁 they asked for my papers.", ("offender",)),
    (
        "I was scared they would send me back, so I did not tell them everything.",
        ("immigration_fear",),
    ),
    ("Please do not call immigration when someone asks for help.", ("immigration_fear",)),
    ("There was no interpreter, so I could not explain what happened.", ("interpreter_problems",)),
    (
        "The interpreter knew the people who controlled me.",
        ("interpreter_problems", "fear_exploiters"),
    ),
    ("I was afraid the people who exploited me would find my family.", ("fear_exploiters",)),
    ("They should protect us from the people who hurt us.", ("fear_exploiters",)),
    ("Police need training to see the signs of exploitation.", ("training",)),
    ("Every officer should know what modern slavery looks like.", ("training",)),
    ("Give people time, we cannot tell everything on the first day.", ("time",)),
    ("Be patient and meet us more than once.", ("time",)),
    ("They rushed me and asked the same questions again and again.", ("rushed",)),
    ("Nobody told me where to get help after I left the station.", ("no_support",)),
    ("I waited months with no news and no support worker.", ("no_support",)),
)
# A few answers are not in English, as real answers would be (made up, with their meaning).
OTHER_LANGUAGES = (
    # Polish: "The police did not believe me and treated me like a criminal."
    ("Policja mi nie uwierzyła i traktowała mnie jak przestępcę.", ("not_believed", "offender")),
    # Romanian: "I had no interpreter and understood nothing."
    ("Nu am avut interpret și nu am înțeles nimic.", ("interpreter_problems",)),
    # Vietnamese: "I was afraid of being deported so I did not dare to speak."
    ("Tôi sợ bị trục xuất nên không dám nói.", ("immigration_fear",)),
    # Arabic: "The police did not believe me."
    ("الشرطة لم تصدقني.", ("not_believed",)),
    # Portuguese: "We need more time and an interpreter."
    ("Precisamos de mais tempo e de um intérprete.", ("time", "interpreter_problems")),
)
# What a second coder may read instead: the demo's disagreements.
CONFUSABLE = {
    "not_believed": "rushed",
    "rushed": "not_believed",
    "offender": "not_believed",
    "kindness": "support_given",
    "support_given": "kindness",
    "interpreter_problems": "rushed",
    "interpreter_helped": "kindness",
    "immigration_fear": "fear_exploiters",
    "fear_exploiters": "immigration_fear",
    "training": "time",
    "time": "training",
    "no_support": "rushed",
}
# The two codes the demo coders most often read differently, so that the
# agreement page has a code under Krippendorff's threshold to show.
HARD_CODES = frozenset({"training", "time"})
STUDY_MEMO = (
    "This study is a synthetic demo: every answer is a made-up answer generated for the demo, "
    "never a real person. Demo coder A and Demo coder B coded it so that the agreement and "
    "compare pages have something to show. Try coding, comparing and exporting here."
)
SEGMENT_MEMO = "Demo memo: is this about the first contact, or about what happened later?"
