"""Phrase tables for the identifier check: French, Spanish, Portuguese, Romanian, Polish, Albanian.

Each table says how the language asks for a person's own name, phone number,
email, address, date of birth, and passport, visa, residence permit or
National Insurance number (see :class:`instruments._identifier_phrases.Phrasing`).
Sources and review: ``docs/identifier-check.md``. Written with accents; the
check strips them from both sides, so text typed without accents matches too.
"""

# ruff: noqa: E501  (phrase tables: one phrasing per line reads better than a wrapped one)
from __future__ import annotations

from instruments._identifier_phrases import Phrasing

_FR = "(?:votre|ton|ta|vos|tes)"
_FR_NUMBER = r"(?:(?:votre|ton) (?:numéro|n°|no\.?) (?:de |d')|(?:le )?numéro de (?:votre|ton) )"
FRENCH = Phrasing(
    yours={
        "a name": f"{_FR} (?:nom(?: complet| de famille)?|prénoms?|noms?)(?: et (?:prénoms?|nom))?",
        "a phone number": (
            f"{_FR_NUMBER}(?:téléphone|portable|mobile|whatsapp|tél\\.?)"
            "|(?:votre|ton) (?:téléphone|portable)"
        ),
        "an email address": (
            "(?:votre|ton) (?:adresse (?:e-?mail|mail|électronique|courriel)|e-?mail|courriel|mail)"
        ),
        "an address": (
            "(?:votre|ton) (?:adresse(?: postale| personnelle| actuelle| du domicile)?"
            "|code postal|domicile)"
        ),
        "a date of birth": "(?:votre|ta) date de naissance",
        "a passport number": f"{_FR_NUMBER}passeport",
        "a visa number": f"{_FR_NUMBER}visa",
        "a residence permit number": f"{_FR_NUMBER}(?:titre|carte|permis) de séjour|{_FR_NUMBER}brp",
        "a National Insurance number": (
            f"{_FR_NUMBER}(?:national insurance|assurance nationale|sécurité sociale)"
        ),
    },
    bare={
        "a name": "(?:nom(?: complet| de famille)?|prénoms?)(?:(?: et|,) (?:prénoms?|nom))?",
        "a phone number": "(?:numéro|n°) de (?:téléphone|portable|mobile)|téléphone|portable|tél\\.?",
        "an email address": "adresse (?:e-?mail|mail|électronique|courriel)|e-?mail|courriel",
        "an address": "adresse(?: postale| personnelle| actuelle| du domicile)?|code postal",
        "a date of birth": "date de naissance|date et lieu de naissance",
        "a passport number": "(?:numéro|n°|no\\.?) de passeport",
        "a visa number": "(?:numéro|n°) de visa",
        "a residence permit number": "(?:numéro|n°) de (?:titre|carte|permis) de séjour",
        "a National Insurance number": (
            "(?:numéro|n°) (?:de |d')(?:national insurance|assurance nationale|sécurité sociale)"
        ),
    },
    before=(
        "quel(?:le)?s? (?:est|était|sont)|c'est quoi"
        "|pouvez-vous (?:nous |me )?(?:donner|indiquer|communiquer|dire|écrire)"
        "|peux-tu (?:nous |me )?(?:donner|indiquer|dire|écrire)"
    ),
    start=(
        "écrivez|écris|indiquez|indique|donnez(?:-nous)?|donne(?:-nous)?|entrez|saisissez|saisis"
        "|inscrivez|inscris|notez|renseignez|précisez|communiquez(?:-nous)?|fournissez"
        "|(?:veuillez|merci de|merci d') ?(?:nous )?(?:écrire|indiquer|donner|entrer|saisir"
        "|inscrire|noter|renseigner|préciser|communiquer|fournir)"
    ),
    please="s'il vous plaît|s'il te plaît|svp",
    idioms={
        "a name": "comment (?:vous appelez-vous|tu t'appelles|t'appelles-tu|vous vous appelez)"
    },
)

_ES_NUMBER = "(?:(?:su|tu) número de|(?:el )?número de (?:su|tu))"
SPANISH = Phrasing(
    yours={
        "a name": (
            "(?:su|tu) (?:nombre(?: completo)?|apellidos?|primer apellido)(?: y apellidos?)?"
            "|(?:sus|tus) (?:nombres?|apellidos)(?: y apellidos)?"
        ),
        "a phone number": (
            f"{_ES_NUMBER} (?:teléfono(?: móvil)?|móvil|celular|whatsapp)"
            "|(?:su|tu) (?:teléfono(?: móvil)?|móvil|celular)"
        ),
        "an email address": (
            "(?:su|tu) (?:dirección de )?(?:correo(?: electrónico)?|e-?mail|email)"
        ),
        "an address": (
            "(?:su|tu) (?:dirección(?: postal| actual| de (?:casa|domicilio))?|domicilio"
            "|código postal)"
        ),
        "a date of birth": "(?:su|tu) fecha de nacimiento",
        "a passport number": f"{_ES_NUMBER} pasaporte",
        "a visa number": f"{_ES_NUMBER} (?:visa|visado)",
        "a residence permit number": (
            f"{_ES_NUMBER} (?:permiso|tarjeta|tarjeta de) (?:de )?(?:residencia|residente)"
            f"|{_ES_NUMBER} brp"
        ),
        "a National Insurance number": (
            f"{_ES_NUMBER} (?:national insurance|seguro nacional|(?:la )?seguridad social)"
        ),
    },
    bare={
        "a name": "nombres?(?: completo)?(?: y apellidos?)?|apellidos?|cómo se llama|cómo te llamas",
        "a phone number": "(?:número de )?(?:teléfono(?: móvil)?|móvil|celular)|tel\\.?",
        "an email address": "(?:dirección de )?(?:correo electrónico|e-?mail)",
        "an address": "dirección(?: postal| actual| de (?:casa|domicilio))?|domicilio|código postal",
        "a date of birth": "fecha de nacimiento",
        "a passport number": "(?:número|n\\.?º|no\\.?) de pasaporte",
        "a visa number": "número de (?:visa|visado)",
        "a residence permit number": "número de (?:permiso|tarjeta) de residencia",
        "a National Insurance number": "número de (?:national insurance|seguro nacional)",
    },
    before=(
        "cuál (?:es|era)|cuáles son|(?:nos |me )?(?:puede|podría|puedes|podrías)"
        " (?:dar|decir|indicar|escribir)(?:nos|me)?"
    ),
    start=(
        "escriba|escribe|indique|indica|denos|danos|introduzca|introduce|ingrese|ingresa|anote"
        "|anota|proporcione|proporciona|facilítenos|díganos|dinos|rellene|ponga"
    ),
    please="por favor|le rogamos|te rogamos",
    idioms={"a name": "cómo (?:se llama usted|te llamas|se apellida usted|te apellidas)"},
)

_PT_MINE = "(?:o )?(?:seu|teu)"
_PT_NUMBER = f"(?:{_PT_MINE} número (?:de|do|da)|(?:o )?número (?:do|da) (?:seu|teu|sua|tua))"
PORTUGUESE = Phrasing(
    yours={
        "a name": f"{_PT_MINE} (?:nome(?: completo)?|apelido|sobrenome)(?: e (?:apelido|sobrenome))?",
        "a phone number": (
            f"{_PT_NUMBER} (?:telefone|telemóvel|celular|whatsapp)"
            f"|{_PT_MINE} (?:telefone|telemóvel|celular)"
        ),
        "an email address": (
            f"{_PT_MINE} (?:endereço de )?(?:e-?mail|correio eletrónico|correio electrónico)"
        ),
        "an address": (
            f"{_PT_MINE} (?:endereço(?: residencial| postal| atual)?|código postal|cep)"
            "|(?:a )?(?:sua|tua) (?:morada|residência)"
        ),
        "a date of birth": "(?:a )?(?:sua|tua) data de nascimento",
        "a passport number": f"{_PT_NUMBER} passaporte",
        "a visa number": f"{_PT_NUMBER} visto",
        "a residence permit number": (
            f"{_PT_NUMBER} (?:autorização|título|cartão|permissão) de residência|{_PT_NUMBER} brp"
        ),
        "a National Insurance number": (
            f"{_PT_NUMBER} (?:national insurance|seguro nacional|segurança social)"
        ),
    },
    bare={
        "a name": "nome(?: completo)?(?: e (?:apelido|sobrenome))?|apelido|sobrenome",
        "a phone number": "(?:número de )?(?:telefone|telemóvel|celular)|tel\\.?",
        "an email address": "(?:endereço de )?(?:e-?mail|correio eletrónico)",
        "an address": "endereço(?: residencial| postal| atual)?|morada|código postal|cep",
        "a date of birth": "data de nascimento",
        "a passport number": "número (?:de|do) passaporte",
        "a visa number": "número (?:de|do) visto",
        "a residence permit number": "número (?:de|do|da) (?:autorização|título) de residência",
        "a National Insurance number": "número (?:de|do|da) (?:national insurance|seguro nacional)",
    },
    before=(
        "qual (?:é|era)|quais (?:são|eram)"
        "|(?:pode|poderia|podes) (?:nos |me )?(?:dar|dizer|indicar|informar|escrever)"
    ),
    start=(
        "escreva|escreve|indique|indica|dê-nos|dá-nos|diga-nos|diz-nos|insira|insere|introduza"
        "|informe|forneça|preencha|coloque|digite|deixe"
    ),
    please="por favor",
    idioms={
        "a name": "como (?:você se chama|te chamas|se chama você|o senhor se chama|a senhora se chama)"
    },
)

_RO_YOUR = r"(?:tău|ta|tale|dumneavoastră|dvs\.?|voastră|vostru)"
_RO_NUMBER = rf"numărul {_RO_YOUR} de"
ROMANIAN = Phrasing(
    yours={
        "a name": (
            rf"(?:numele(?: complet| de familie)?|prenumele|numele și prenumele) {_RO_YOUR}"
        ),
        "a phone number": (
            f"{_RO_NUMBER} (?:telefon|mobil|whatsapp)|numărul de telefon al {_RO_YOUR}"
            f"|telefonul {_RO_YOUR}"
        ),
        "an email address": (
            f"adresa {_RO_YOUR} de (?:e-?mail|poștă electronică)|e-?mailul {_RO_YOUR}"
        ),
        "an address": f"adresa {_RO_YOUR}|adresa de (?:domiciliu|acasă) a {_RO_YOUR}"
        f"|codul {_RO_YOUR} poștal|domiciliul {_RO_YOUR}",
        "a date of birth": f"data {_RO_YOUR} (?:de naștere|nașterii)|data nașterii {_RO_YOUR}",
        "a passport number": f"{_RO_NUMBER} pașaport|numărul pașaportului {_RO_YOUR}",
        "a visa number": f"{_RO_NUMBER} viză|numărul vizei {_RO_YOUR}",
        "a residence permit number": (
            f"{_RO_NUMBER} (?:permis de (?:ședere|rezidență)|brp)"
            f"|numărul permisului {_RO_YOUR} de (?:ședere|rezidență)"
        ),
        "a National Insurance number": (
            f"{_RO_NUMBER} (?:national insurance|asigurări sociale|asigurare națională)"
        ),
    },
    bare={
        "a name": "nume(?:le)?(?: complet| de familie)?|prenume(?:le)?|nume(?:le)? și prenume(?:le)?",
        "a phone number": "(?:număr(?:ul)? de )?(?:telefon|mobil)|tel\\.?",
        "an email address": "(?:adresa de )?(?:e-?mail|poștă electronică)",
        "an address": "adres[aă](?: de domiciliu| de acasă| poștală)?|cod(?:ul)? poștal|domiciliu(?:l)?",
        "a date of birth": "data (?:de )?nașterii|data de naștere",
        "a passport number": "număr(?:ul)? (?:de )?pașaport(?:ului)?|numărul pașaportului",
        "a visa number": "număr(?:ul)? (?:de )?viz[aăe]i?",
        "a residence permit number": "număr(?:ul)? (?:de )?permis(?:ului)? de (?:ședere|rezidență)",
        "a National Insurance number": "număr(?:ul)? de (?:national insurance|asigurări sociale)",
    },
    before=(
        "care (?:este|e|era|sunt)|ne (?:puteți|poți) (?:da|spune|comunica|scrie)"
        "|(?:puteți|poți) să ne (?:dați|dai|spuneți|spui|scrieți|scrii)"
    ),
    start=(
        "scrie(?:ți)?|introdu(?:ceți)?|indică|indicați|dă-ne|dați-ne|spune-ne|spuneți-ne"
        "|completează|completați|notează|notați|furnizează|furnizați|oferă-ne|oferiți-ne"
        "|(?:să )?(?:ne )?(?:scrieți|introduceți|indicați|completați|dați|spuneți|furnizați)"
    ),
    please="vă rugăm(?: să)?|vă rog(?: să)?|te rog(?: să)?",
    idioms={"a name": "cum (?:te numești|te cheamă|vă numiți|vă cheamă)"},
)

_PL_MY = "(?:twój|twoje|twoja|twoją|swój|swoje|swoja|swoją|pana|pani|wasz|wasze|wasza|waszą)"
_PL_OF = "(?:twojego|swojego|pana|pani|waszego)"
POLISH = Phrasing(
    yours={
        "a name": (
            f"{_PL_MY} (?:pełne )?(?:imię(?: i nazwisko)?|nazwisko)"
            f"|{_PL_OF} (?:imienia(?: i nazwiska)?|nazwiska)"
        ),
        "a phone number": (
            f"{_PL_MY} (?:numer (?:telefonu|komórki|komórkowy|kontaktowy|whatsapp)|telefon)"
            f"|{_PL_OF} numeru (?:telefonu|komórki)"
        ),
        "an email address": (
            f"{_PL_MY} (?:adres (?:e-?mail|poczty elektronicznej)|e-?mail)"
            f"|{_PL_OF} (?:adresu (?:e-?mail|poczty elektronicznej)|e-?maila)"
        ),
        "an address": (
            f"{_PL_MY} (?:adres(?: zamieszkania| domowy| pocztowy)?|kod pocztowy)"
            f"|{_PL_OF} (?:adresu(?: zamieszkania| domowego)?|kodu pocztowego)"
        ),
        "a date of birth": f"{_PL_MY} (?:data|datę) urodzenia|(?:twojej|swojej|pana|pani) daty urodzenia",
        "a passport number": f"{_PL_MY} numer paszportu|{_PL_OF} numeru paszportu",
        "a visa number": f"{_PL_MY} numer wizy|{_PL_OF} numeru wizy",
        "a residence permit number": (
            f"{_PL_MY} numer (?:karty pobytu|zezwolenia na pobyt)"
            f"|{_PL_OF} numeru (?:karty pobytu|zezwolenia na pobyt)"
        ),
        "a National Insurance number": (
            f"{_PL_MY} numer (?:national insurance|ubezpieczenia (?:społecznego|krajowego))"
        ),
    },
    bare={
        "a name": "(?:pełne )?imię(?: i nazwisko)?|nazwisko(?: i imię)?|imię/nazwisko",
        "a phone number": "(?:numer|nr) (?:telefonu|komórki|tel\\.?)|telefon(?: komórkowy| kontaktowy)?|tel\\.?",
        "an email address": "(?:adres )?e-?mail|adres poczty elektronicznej",
        "an address": "adres(?: zamieszkania| domowy| pocztowy)?|kod pocztowy|miejsce zamieszkania",
        "a date of birth": "data urodzenia|data i miejsce urodzenia",
        "a passport number": "(?:numer|nr) paszportu",
        "a visa number": "(?:numer|nr) wizy",
        "a residence permit number": "(?:numer|nr) (?:karty pobytu|zezwolenia na pobyt)",
        "a National Insurance number": "(?:numer|nr) (?:national insurance|ubezpieczenia społecznego)",
    },
    before=(
        "(?:jaki|jakie|jaka) (?:jest|był|było|była)"
        "|(?:czy )?(?:możesz|może pan|może pani|możecie) (?:nam |mi )?(?:podać|napisać|powiedzieć)"
        "|(?:prosimy|proszę) o (?:podanie|wpisanie)"
    ),
    start="podaj(?:cie)?(?: nam)?|wpisz(?:cie)?|napisz(?:cie)?|wprowadź|zapisz|uzupełnij|poda(?:ć|j)",
    please="proszę|prosimy",
    idioms={
        "a name": "jak (?:masz na imię|się nazywasz|pan się nazywa|pani się nazywa|ma pan na imię"
        "|ma pani na imię|brzmi (?:twoje|pana|pani) (?:imię|nazwisko))"
    },
)

_SQ_YOUR = "(?:juaj|tuaj|yt|tënd|jote|tënde)"
_SQ_NUMBER = f"(?:numri|numrin) {_SQ_YOUR} (?:i|të)"
ALBANIAN = Phrasing(
    yours={
        "a name": (
            f"(?:emri|emrin|mbiemri|mbiemrin)(?: (?:i|e) plotë)? {_SQ_YOUR}(?: (?:i|e) plotë)?"
            f"|(?:emri dhe mbiemri|emrin dhe mbiemrin) {_SQ_YOUR}"
        ),
        "a phone number": (
            f"{_SQ_NUMBER} (?:telefonit|celularit|whatsapp-it|whatsapp)"
            f"|(?:telefoni|telefonin|celulari|celularin) {_SQ_YOUR}"
        ),
        "an email address": (
            f"(?:adresa|adresën) {_SQ_YOUR} (?:e|të) (?:e-?mail-?it|postës elektronike)"
            f"|(?:e-?mail-?i|e-?mail-?in) {_SQ_YOUR}"
        ),
        "an address": (
            f"(?:adresa|adresën) {_SQ_YOUR}(?: e (?:shtëpisë|banimit))?|(?:kodi|kodin) {_SQ_YOUR} postar"
            f"|(?:vendbanimi|vendbanimin) {_SQ_YOUR}"
        ),
        "a date of birth": (
            f"(?:data|datën) {_SQ_YOUR} e lindjes|(?:datëlindja|datëlindjen) {_SQ_YOUR}"
        ),
        "a passport number": f"{_SQ_NUMBER} pasaportës",
        "a visa number": f"{_SQ_NUMBER} vizës",
        "a residence permit number": f"{_SQ_NUMBER} (?:lejes së (?:qëndrimit|banimit)|brp)",
        "a National Insurance number": (
            f"{_SQ_NUMBER} (?:sigurimit kombëtar|sigurimeve shoqërore|national insurance)"
        ),
    },
    bare={
        "a name": "emri(?: (?:i|e) plotë)?|emri dhe mbiemri|emri, mbiemri|mbiemri|emër(?: dhe mbiemër)?",
        "a phone number": "(?:numri|nr\\.?) (?:i )?(?:telefonit|celularit|tel\\.?)|telefoni|celulari|tel\\.?",
        "an email address": "adresa e (?:e-?mail-?it|postës elektronike)|e-?mail(?:-?i)?",
        "an address": "adresa(?: e shtëpisë| e banimit)?|kodi postar|vendbanimi",
        "a date of birth": "data e lindjes|datëlindja",
        "a passport number": "(?:numri|nr\\.?) (?:i )?pasaportës",
        "a visa number": "(?:numri|nr\\.?) (?:i )?vizës",
        "a residence permit number": "(?:numri|nr\\.?) (?:i )?lejes së (?:qëndrimit|banimit)",
        "a National Insurance number": "(?:numri|nr\\.?) (?:i )?sigurimit kombëtar",
    },
    before=(
        "(?:cili|cila|cilat) (?:është|ishte|janë)|na (?:tregoni|thoni|jepni)"
        "|mund të na (?:jepni|tregoni|thoni|shkruani)"
    ),
    start=(
        "shkruani|shkruaj|shkruajeni|jepni|jep|na jepni|na jep|tregoni|na trego|vendosni|vendos"
        "|plotësoni|plotëso|shënoni|shëno|fusni|fut"
    ),
    please="ju lutem|ju lutemi|të lutem",
    idioms={"a name": "si (?:quheni|quhesh|e keni emrin|e ke emrin|ju quajnë|të quajnë)"},
)

EUROPE = {
    "fr": FRENCH,
    "es": SPANISH,
    "pt": PORTUGUESE,
    "ro": ROMANIAN,
    "pl": POLISH,
    "sq": ALBANIAN,
}
"""The phrase tables of this module, by primary language subtag."""
