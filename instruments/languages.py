"""What Heard knows about languages: their names, English and native, and their direction.

An instrument names its languages by BCP 47 code (``en``, ``ar``, ``pt-BR``).
People name them in words: a respondent picks "العربية" (the autonym, from
:data:`LANGUAGE_NAMES`), and a researcher's XLSForm header says "Arabic"
(the English name, read back to a code with :func:`language_code`).
"""

from __future__ import annotations

RTL_LANGUAGES = frozenset(
    {"ar", "fa", "he", "ur", "ps", "ku", "yi", "dv", "sd", "ug", "ckb", "prs"}
)
"""Languages written right to left, by primary subtag."""

LANGUAGE_NAMES = {
    "am": "አማርኛ",
    "ar": "العربية",
    "bg": "Български",
    "bn": "বাংলা",
    "cs": "Čeština",
    "cy": "Cymraeg",
    "en": "English",
    "es": "Español",
    "fa": "فارسی",
    "fr": "Français",
    "hi": "हिन्दी",
    "hu": "Magyar",
    "id": "Bahasa Indonesia",
    "it": "Italiano",
    "ku": "Kurdî",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "ms": "Bahasa Melayu",
    "ne": "नेपाली",
    "pa": "ਪੰਜਾਬੀ",
    "pl": "Polski",
    "ps": "پښتو",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "sk": "Slovenčina",
    "so": "Soomaali",
    "sq": "Shqip",
    "sw": "Kiswahili",
    "ta": "தமிழ்",
    "th": "ไทย",
    "ti": "ትግርኛ",
    "tl": "Tagalog",
    "tr": "Türkçe",
    "uk": "Українська",
    "ur": "اردو",
    "vi": "Tiếng Việt",
    "zh": "中文",
}
"""Each language's name in its own script, for the language picker."""

ENGLISH_NAMES: dict[str, tuple[str, ...]] = {
    "af": ("Afrikaans",), "am": ("Amharic",), "ar": ("Arabic",), "az": ("Azerbaijani",),
    "be": ("Belarusian",), "bg": ("Bulgarian",), "bn": ("Bengali", "Bangla"),
    "bs": ("Bosnian",), "ca": ("Catalan",), "ckb": ("Sorani", "Central Kurdish"),
    "cs": ("Czech",), "cy": ("Welsh",), "da": ("Danish",), "de": ("German",),
    "el": ("Greek",), "en": ("English",), "es": ("Spanish", "Castilian"),
    "et": ("Estonian",), "fa": ("Persian", "Farsi"), "ff": ("Fula", "Fulah", "Fulani"),
    "fi": ("Finnish",), "fil": ("Filipino",), "fr": ("French",), "ga": ("Irish",),
    "gu": ("Gujarati",), "ha": ("Hausa",), "he": ("Hebrew",), "hi": ("Hindi",),
    "hr": ("Croatian",), "ht": ("Haitian Creole", "Haitian"), "hu": ("Hungarian",),
    "hy": ("Armenian",), "id": ("Indonesian",), "ig": ("Igbo",), "it": ("Italian",),
    "ja": ("Japanese",), "ka": ("Georgian",), "kk": ("Kazakh",), "km": ("Khmer",),
    "kmr": ("Kurmanji",), "ko": ("Korean",), "kri": ("Krio",), "ku": ("Kurdish",),
    "ky": ("Kyrgyz",), "lg": ("Luganda", "Ganda"), "ln": ("Lingala",), "lo": ("Lao",),
    "lt": ("Lithuanian",), "lv": ("Latvian",), "mg": ("Malagasy",), "mk": ("Macedonian",),
    "ml": ("Malayalam",), "mn": ("Mongolian",), "mr": ("Marathi",), "ms": ("Malay",),
    "mt": ("Maltese",), "my": ("Burmese",), "ne": ("Nepali",), "nl": ("Dutch",),
    "no": ("Norwegian",), "ny": ("Chichewa", "Nyanja"), "om": ("Oromo",),
    "pa": ("Punjabi",), "pl": ("Polish",), "prs": ("Dari",), "ps": ("Pashto",),
    "pt": ("Portuguese",), "pt-BR": ("Brazilian Portuguese",), "rhg": ("Rohingya",),
    "ro": ("Romanian",), "rom": ("Romani",), "ru": ("Russian",), "rw": ("Kinyarwanda",),
    "sd": ("Sindhi",), "si": ("Sinhala", "Sinhalese"), "sk": ("Slovak",),
    "sl": ("Slovenian", "Slovene"), "sn": ("Shona",), "so": ("Somali",),
    "sq": ("Albanian",), "sr": ("Serbian",), "sv": ("Swedish",), "sw": ("Swahili",),
    "syl": ("Sylheti",), "ta": ("Tamil",), "te": ("Telugu",), "tg": ("Tajik",),
    "th": ("Thai",), "ti": ("Tigrinya",), "tk": ("Turkmen",), "tl": ("Tagalog",),
    "tr": ("Turkish",), "tw": ("Twi",), "uk": ("Ukrainian",), "ur": ("Urdu",),
    "uz": ("Uzbek",), "vi": ("Vietnamese",), "wo": ("Wolof",), "xh": ("Xhosa",),
    "yi": ("Yiddish",), "yo": ("Yoruba",), "yue": ("Cantonese",),
    "zh": ("Chinese", "Mandarin"), "zh-Hans": ("Simplified Chinese",),
    "zh-Hant": ("Traditional Chinese",), "zu": ("Zulu",),
}  # fmt: skip
"""Each language's names in English, the first the usual one, by code."""

_BY_ENGLISH_NAME = {
    name.casefold(): code for code, names in ENGLISH_NAMES.items() for name in names
}


def language_name(language: str) -> str:
    """Return `language`'s own name (its autonym), or the tag if it is not known."""
    return LANGUAGE_NAMES.get(
        language, LANGUAGE_NAMES.get(language.split("-")[0].lower(), language)
    )


def language_code(name: str) -> str | None:
    """Return the code of the language called `name` in English, or None if unknown.

    Parameters
    ----------
    name
        A language's name in English, in any case and spacing (``farsi``,
        ``Haitian  Creole``).

    Returns
    -------
    str or None
        Its BCP 47 code, or None when `name` is not a name Heard knows.

    Examples
    --------
    >>> language_code("Farsi"), language_code("PERSIAN"), language_code("Klingon")
    ('fa', 'fa', None)
    """
    return _BY_ENGLISH_NAME.get(" ".join(name.split()).casefold())


def english_name(language: str) -> str | None:
    """Return the usual English name of the language `language`, or None if unknown.

    Examples
    --------
    >>> english_name("fa"), english_name("xx")
    ('Persian', None)
    """
    names = ENGLISH_NAMES.get(language)
    return names[0] if names else None


def is_rtl(language: str) -> bool:
    """Return True when `language` (a BCP 47 tag) is written right to left."""
    return language.split("-")[0].lower() in RTL_LANGUAGES
