"""The identifier check reads every language it has a table for, and says which it cannot read.

The phrasings here were written for these tests as a speaker would ask, not
copied from the phrase tables: a table that misses a common phrasing fails them.
"""

from __future__ import annotations

import unicodedata

import pytest

from instruments import ErrorCode, load_instrument
from instruments._validate_identifiers import COVERED_LANGUAGES, identifier_in_label
from instruments.lint import lint_instrument
from tests.instruments.builders import in_languages, item, problems_of, to_yaml, with_items

NAME, PHONE, EMAIL, ADDRESS = "a name", "a phone number", "an email address", "an address"
BIRTH, PASSPORT = "a date of birth", "a passport number"

ASKING = {
    "fr": [
        ("Quel est votre nom de famille ?", NAME),
        ("Comment vous appelez-vous ?", NAME),
        ("Veuillez indiquer votre numéro de téléphone.", PHONE),
        ("Quelle est votre adresse ?", ADDRESS),
        ("Quel est le numéro de votre passeport ?", PASSPORT),
        ("Date de naissance :", BIRTH),
    ],
    "es": [
        ("¿Cuál es su nombre completo?", NAME),
        ("¿Cómo te llamas?", NAME),
        ("Por favor, escriba su número de teléfono.", PHONE),
        ("¿Cuál es el número de su pasaporte?", PASSPORT),
        ("¿Cuál es tu dirección?", ADDRESS),
        ("Correo electrónico", EMAIL),
    ],
    "pt": [
        ("Qual é o seu nome?", NAME),
        ("Como você se chama?", NAME),
        ("Escreva o seu número de telefone.", PHONE),
        ("Qual é a sua morada?", ADDRESS),
        ("Qual é o número do seu passaporte?", PASSPORT),
    ],
    "ro": [
        ("Care este numele dumneavoastră?", NAME),
        ("Cum vă numiți?", NAME),
        ("Vă rugăm să scrieți numărul dumneavoastră de telefon.", PHONE),
        ("Care este adresa ta?", ADDRESS),
        ("Numărul pașaportului", PASSPORT),
    ],
    "pl": [
        ("Jak masz na imię?", NAME),
        ("Jakie jest Pana imię i nazwisko?", NAME),
        ("Podaj swój numer telefonu.", PHONE),
        ("Jaki jest Twój adres zamieszkania?", ADDRESS),
        ("Numer paszportu", PASSPORT),
    ],
    "sq": [
        ("Si quheni?", NAME),
        ("Cili është emri juaj?", NAME),
        ("Ju lutem shkruani numrin tuaj të telefonit.", PHONE),
        ("Cila është adresa juaj?", ADDRESS),
        ("Numri i pasaportës", PASSPORT),
    ],
    "ru": [
        ("Как вас зовут?", NAME),
        ("Укажите ваш номер телефона.", PHONE),
        ("Какой ваш адрес?", ADDRESS),
        ("Номер паспорта", PASSPORT),
        ("Ваша дата рождения", BIRTH),
        ("Напишите, пожалуйста, ваш адрес электронной почты.", EMAIL),
    ],
    "uk": [
        ("Як вас звати?", NAME),
        ("Ваше ім’я та прізвище", NAME),
        ("Вкажіть ваш номер телефону.", PHONE),
        ("Яка ваша адреса?", ADDRESS),
        ("Номер паспорта", PASSPORT),
    ],
    "bg": [
        ("Как се казвате?", NAME),
        ("Моля, напишете телефонния си номер.", PHONE),
        ("Какъв е вашият адрес?", ADDRESS),
        ("Номер на паспорта", PASSPORT),
    ],
    "vi": [
        ("Tên của bạn là gì?", NAME),
        ("Xin chào. Bạn tên là gì?", NAME),
        ("Vui lòng ghi số điện thoại của bạn.", PHONE),
        ("Địa chỉ của bạn là gì?", ADDRESS),
        ("Số hộ chiếu", PASSPORT),
    ],
    "ar": [
        ("ما اسمك؟", NAME),
        ("ما هو رقم هاتفك؟", PHONE),
        ("يرجى كتابة عنوانك", ADDRESS),
        ("رقم جواز السفر", PASSPORT),
        ("تاريخ الميلاد", BIRTH),
    ],
    "fa": [
        ("اسم شما چیست؟", NAME),
        ("لطفاً شماره تلفن خود را بنویسید.", PHONE),
        ("آدرس شما چیست؟", ADDRESS),
        ("شماره پاسپورت", PASSPORT),
    ],
    "zh": [
        ("你叫什么名字？", NAME),
        ("请写下你的电话号码。", PHONE),
        ("您的地址是什么？", ADDRESS),
        ("护照号码", PASSPORT),
        ("出生日期", BIRTH),
    ],
}

BENIGN = {
    "fr": [
        "Quel est le nom de l’organisation qui vous a aidé ?",
        "De quel pays venez-vous ?",
        "Comment vous sentez-vous aujourd’hui ?",
        "Est-ce que quelqu’un a pris votre passeport ?",
        "La police a-t-elle bien noté votre nom ?",
        "Merci de ne pas écrire votre nom.",
    ],
    "es": [
        "¿Cómo se llama la organización que le ayudó?",
        "¿En qué país nació?",
        "¿Cómo se siente hoy?",
        "¿Alguien le quitó su pasaporte?",
        "Por favor, no escriba su nombre.",
    ],
    "pt": [
        "Qual é o nome da organização que o ajudou?",
        "De que país você é?",
        "Como se sente hoje?",
        "Alguém ficou com o seu passaporte?",
    ],
    "ro": [
        "Care este numele organizației care v-a ajutat?",
        "Din ce țară sunteți?",
        "Cum vă simțiți astăzi?",
        "V-a luat cineva pașaportul?",
    ],
    "pl": [
        "Jak nazywa się organizacja, która Ci pomogła?",
        "Z jakiego kraju pochodzisz?",
        "Jak się dziś czujesz?",
        "Czy ktoś zabrał Ci paszport?",
    ],
    "sq": [
        "Si quhet organizata që ju ndihmoi?",
        "Nga cili vend jeni?",
        "Si ndiheni sot?",
        "A jua mori dikush pasaportën?",
    ],
    "ru": [
        "Как называется организация, которая вам помогла?",
        "Из какой вы страны?",
        "Как вы себя сегодня чувствуете?",
        "Кто-нибудь забирал ваш паспорт?",
        "Не пишите ваше имя.",
    ],
    "uk": [
        "Як називається організація, яка вам допомогла?",
        "З якої ви країни?",
        "Як ви почуваєтеся сьогодні?",
        "Чи хтось забирав ваш паспорт?",
    ],
    "bg": [
        "Как се казва организацията, която ви помогна?",
        "От коя държава сте?",
        "Как се чувствате днес?",
        "Някой взе ли паспорта ви?",
    ],
    "vi": [
        "Tổ chức đã giúp bạn tên là gì?",
        "Tên của tổ chức đã giúp bạn là gì?",
        "Bạn đến từ nước nào?",
        "Hôm nay bạn cảm thấy thế nào?",
        "Có ai lấy hộ chiếu của bạn không?",
    ],
    "ar": [
        "ما اسم المنظمة التي ساعدتك؟",
        "من أي بلد أنت؟",
        "كيف تشعر اليوم؟",
        "هل أخذ أحد جواز سفرك؟",
        "هل شعرت بالأمان؟",
        "مدينة",
        "أين؟",
        "الرجاء عدم كتابة اسمك.",
    ],
    "fa": [
        "نام سازمانی که به شما کمک کرد چیست؟",
        "اهل کدام کشور هستید؟",
        "امروز چه احساسی دارید؟",
        "آیا کسی گذرنامه شما را گرفت؟",
        "آیا پلیس نام شما را درست نوشت؟",
    ],
    "zh": [
        "帮助你的组织叫什么名字？",
        "你来自哪个国家？",
        "你今天感觉怎么样？",
        "有人拿走了你的护照吗？",
        "请不要写你的名字。",
    ],
}

_ASKING = [(lang, label, what) for lang, cases in ASKING.items() for label, what in cases]
_BENIGN = [(lang, label) for lang, labels in BENIGN.items() for label in labels]


def _bilingual(language: str, label: str) -> dict:
    """Return an instrument in English and `language` whose one free-text item has `label`."""
    document = in_languages(with_items(item("q1", "short_text")), "en", language)
    document["sections"][0]["items"][0]["label"] = {"en": "Tell us more.", language: label}
    return document


def test_every_language_with_a_table_is_tested_both_ways() -> None:
    assert set(ASKING) == set(BENIGN) == COVERED_LANGUAGES - {"en"}


@pytest.mark.parametrize(("language", "label", "what"), _ASKING)
def test_a_translated_label_asking_for_your_own_identifier_is_refused(
    language: str, label: str, what: str
) -> None:
    problems = problems_of(_bilingual(language, label))

    assert [(p.code, p.path) for p in problems] == [
        (ErrorCode.IDENTIFIER_REQUESTED, f"sections[0].items[0].label.{language}")
    ]
    assert what in problems[0].message


@pytest.mark.parametrize(("language", "label"), _BENIGN)
def test_a_translated_label_about_something_else_is_accepted(language: str, label: str) -> None:
    instrument = load_instrument(to_yaml(_bilingual(language, label)))

    assert instrument.item("q1").label.get(language) == label


def test_the_error_names_the_file_and_line_of_the_translation() -> None:
    document = _bilingual("fr", "Quel est votre nom ?")
    source = to_yaml(document)
    (problem,) = problems_of(document)

    assert problem.file == "study.yaml"
    assert source.splitlines()[problem.line - 1].strip() == "fr: Quel est votre nom ?"


def test_a_plain_string_label_in_the_default_language_keeps_the_label_path() -> None:
    document = with_items(item("q1", "short_text", label="Quel est votre nom ?"))
    document["languages"] = ["fr"]
    (problem,) = problems_of(document)

    assert (problem.code, problem.path) == (
        ErrorCode.IDENTIFIER_REQUESTED,
        "sections[0].items[0].label",
    )


def test_a_regional_tag_is_read_with_its_language() -> None:
    assert identifier_in_label("Qual é o seu nome?", "pt-BR") == NAME


def test_english_left_untranslated_in_another_language_is_refused() -> None:
    assert identifier_in_label("What is your phone number?", "ti") == PHONE


def test_a_language_without_a_table_is_not_guessed_at() -> None:
    assert identifier_in_label("ስምካ መን እዩ?", "ti") is None


@pytest.mark.parametrize(
    ("label", "language"),
    [
        ("QUEL EST VOTRE NOM ?", "fr"),
        ("Cual es su numero de telefono?", "es"),
        (unicodedata.normalize("NFD", "Quelle est votre date de naissance ?"), "fr"),
        ("What is your na\u200bme?", "en"),
        ("Ｗｈａｔ ｉｓ ｙｏｕｒ ｎａｍｅ？", "en"),
        ("مَا اسْمُكَ؟", "ar"),
        ("اسم شما چيست؟", "fa"),
        ("Numer   paszportu", "pl"),
        ("Jak masz na imie?", "pl"),
    ],
)
def test_case_accents_width_and_hidden_characters_do_not_hide_a_request(
    label: str, language: str
) -> None:
    assert identifier_in_label(label, language) is not None


def test_vietnamese_keeps_its_tones() -> None:
    # without tones "có tên là gì" (is named what) would read as "cô tên là gì" (miss, your name?)
    assert identifier_in_label("Tổ chức đó có tên là gì?", "vi") is None


def test_a_translated_hint_asking_for_an_identifier_is_a_lint_error() -> None:
    document = in_languages(with_items(item("q1", "short_text", label="Tell us more.")), "en", "pl")
    document["sections"][0]["items"][0]["hint"] = {"en": "Anything.", "pl": "Podaj swój adres."}
    findings = lint_instrument(load_instrument(to_yaml(document)))

    assert [(f.path, f.language) for f in findings if f.code == "DIRECT_IDENTIFIER"] == [
        ("sections[0].items[0].hint", "pl")
    ]


@pytest.mark.parametrize(("prompt", "refused"), [("ما اسمك؟", True), ("كيف وصلت إلى هنا؟", False)])
def test_an_interview_prompt_in_arabic_asking_for_a_name_is_refused(
    prompt: str, refused: bool
) -> None:
    from tests.instruments.builders import minimal_guide

    document = minimal_guide()
    document["topics"][0]["prompts"] = [{"en": "How did you come here?", "ar": prompt}]
    document["languages"] = ["en", "ar"]
    found = [(p.code, p.path) for p in problems_of(document)]

    assert ((ErrorCode.IDENTIFIER_REQUESTED, "topics[0].prompts[0].ar") in found) is refused


@pytest.mark.parametrize("language", ["ti", "am", "pa", "so"])
def test_the_lint_warns_about_a_language_the_check_cannot_read(language: str) -> None:
    instrument = load_instrument(to_yaml(in_languages(with_items(item("q1")), "en", language)))
    (finding,) = [f for f in lint_instrument(instrument) if f.code == "IDENTIFIER_LANGUAGE_UNREAD"]

    assert finding.severity == "warning"
    assert finding.path == "languages[1]"
    assert f"does not read '{language}'" in finding.message
    assert "review its labels by hand" in finding.message


@pytest.mark.parametrize("language", ["fr", "pt-BR", "zh-Hans", "ar"])
def test_the_lint_is_quiet_about_a_language_the_check_reads(language: str) -> None:
    instrument = load_instrument(to_yaml(in_languages(with_items(item("q1")), "en", language)))

    assert "IDENTIFIER_LANGUAGE_UNREAD" not in {f.code for f in lint_instrument(instrument)}


def test_an_xlsform_translation_asking_for_a_name_is_refused_at_its_row() -> None:
    from tests.instruments.xlsform_builders import EN, complete_settings, load, survey

    french = "French (fr)"
    settings = dict(complete_settings())
    settings |= {key.replace(EN, french): value for key, value in settings.items() if EN in key}
    sheet = survey(
        ["text", "arrived", "When did you arrive?", "Quand êtes-vous arrivé ?"],
        ["text", "q2", "Tell us more.", "Quel est votre nom ?"],
        header=("type", "name", f"label::{EN}", f"label::{french}"),
    )
    result = load(sheet, settings=settings)

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.IDENTIFIER_REQUESTED, "survey row 3")
    ]
