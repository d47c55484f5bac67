"""Phrase tables for the identifier check: Russian, Ukrainian, Bulgarian, Vietnamese, Arabic,
Persian (Farsi) and Chinese.

See :class:`instruments._identifier_phrases.Phrasing` for what each field
means, and ``docs/identifier-check.md`` for sources and review. Arabic and
Persian are matched without short vowels and with letter variants folded
(أ إ آ to ا, ى and ی to ي, ک to ك, ة to ه); Vietnamese keeps its tones, which
tell words apart; Chinese covers simplified and the traditional forms of the
same words.
"""

# ruff: noqa: E501  (phrase tables: one phrasing per line reads better than a wrapped one)
from __future__ import annotations

from instruments._identifier_phrases import Phrasing

_RU_M, _RU_N, _RU_F = "(?:ваш|твой|свой)", "(?:ваше|твоё|своё)", "(?:ваша|вашу|твоя|твою|своя|свою)"
_RU_PL, _RU_OF = "(?:ваши|твои|свои)", "(?:вашего|твоего|своего)"
RUSSIAN = Phrasing(
    yours={
        "a name": (
            f"{_RU_N} (?:полное )?имя(?: и фамилия)?|{_RU_F} фамилия|{_RU_F} фамилию"
            f"|{_RU_PL} (?:имя и фамилия|фамилия,? имя(?:,? отчество)?|фио)"
        ),
        "a phone number": (
            f"{_RU_M} (?:номер (?:телефона|мобильного(?: телефона)?|whatsapp|ватсапа)"
            "|телефон|мобильный(?: телефон)?)"
        ),
        "an email address": (
            f"{_RU_M} (?:адрес )?(?:электронной почты|e-?mail|имейл|емейл)"
            f"|{_RU_F} (?:электронная почта|электронную почту)"
        ),
        "an address": (
            f"{_RU_M} (?:домашний |почтовый |нынешний |текущий )?"
            "(?:адрес(?: проживания| места жительства)?|почтовый индекс|индекс)"
        ),
        "a date of birth": f"{_RU_F} (?:дата|дату) рождения",
        "a passport number": f"{_RU_M} номер паспорта|номер {_RU_OF} паспорта",
        "a visa number": f"{_RU_M} номер визы|номер (?:вашей|твоей|своей) визы",
        "a residence permit number": (
            f"{_RU_M} номер (?:вида на жительство|разрешения на (?:проживание|пребывание)|brp)"
        ),
        "a National Insurance number": (
            f"{_RU_M} номер (?:national insurance|социального страхования|национального страхования)"
        ),
    },
    bare={
        "a name": "(?:полное )?имя(?: и фамилия)?|фамилия(?:,? имя(?:,? отчество)?)?|ф\\.?и\\.?о\\.?",
        "a phone number": "номер (?:телефона|мобильного(?: телефона)?)|телефон|мобильный телефон|тел\\.?",
        "an email address": "(?:адрес )?электронной почты|электронная почта|e-?mail|имейл|эл\\. почта",
        "an address": "(?:домашний |почтовый )?адрес(?: проживания| места жительства)?|почтовый индекс",
        "a date of birth": "дата рождения|дата и место рождения",
        "a passport number": "(?:номер|серия и номер|no\\.?) паспорта",
        "a visa number": "(?:номер|no\\.?) визы",
        "a residence permit number": "номер (?:вида на жительство|разрешения на проживание)",
        "a National Insurance number": "номер (?:national insurance|социального страхования)",
    },
    before=(
        "(?:какой|какое|какая|какую|какие|каков|какова|каково)(?: (?:был|была|было|были))?"
        "|(?:не )?(?:могли бы|можете) (?:вы )?(?:нам )?(?:указать|назвать|сообщить|написать|дать)"
    ),
    start=(
        "укажите|укажи|напишите|напиши|введите|введи|назовите|назови|сообщите(?: нам)?"
        "|сообщи(?: нам)?|впишите|впиши|заполните|оставьте|оставь|дайте(?: нам)?"
        "|(?:просим|просим вас) (?:указать|написать|сообщить|ввести)"
    ),
    please="пожалуйста",
    idioms={
        "a name": "как (?:вас|тебя) зовут|как (?:ваше|твоё) имя|как (?:ваша|твоя) фамилия",
        "a phone number": "какой у (?:вас|тебя) (?:номер )?(?:телефона|телефон)",
        "an address": "какой у (?:вас|тебя) адрес",
        "a passport number": "какой у (?:вас|тебя) номер паспорта",
    },
)

_UK_M, _UK_N = "(?:ваш|твій|свій)", "(?:ваше|твоє|своє)"
_UK_F = "(?:ваша|вашу|твоя|твою|своя|свою)"
_UK_NAMES = "(?:ім'я|прізвище|піб)(?:(?:,| та| і| й) (?:ім'я|прізвище|по батькові))*"
UKRAINIAN = Phrasing(
    yours={
        "a name": f"{_UK_N} (?:повне )?{_UK_NAMES}|(?:ваші|твої|свої) {_UK_NAMES}",
        "a phone number": (
            f"{_UK_M} (?:номер (?:телефону|мобільного(?: телефону)?|whatsapp)|телефон"
            "|мобільний(?: телефон)?)"
        ),
        "an email address": (
            f"{_UK_F} (?:електронна пошта|електронну пошту|адреса електронної пошти"
            f"|адресу електронної пошти)|{_UK_M} (?:e-?mail|імейл|емейл)"
        ),
        "an address": (
            f"{_UK_F} (?:домашня |домашню |поштова |поштову )?(?:адреса|адресу)(?: проживання)?"
            f"|{_UK_M} (?:поштовий )?індекс"
        ),
        "a date of birth": f"{_UK_F} (?:дата|дату) народження",
        "a passport number": f"{_UK_M} номер паспорта|номер (?:вашого|твого|свого) паспорта",
        "a visa number": f"{_UK_M} номер візи|номер (?:вашої|твоєї|своєї) візи",
        "a residence permit number": (
            f"{_UK_M} номер (?:посвідки на проживання|дозволу на проживання|brp)"
        ),
        "a National Insurance number": (
            f"{_UK_M} номер (?:national insurance|соціального страхування|національного страхування)"
        ),
    },
    bare={
        "a name": f"(?:повне )?{_UK_NAMES}|п\\.?\\s?і\\.?\\s?б\\.?",
        "a phone number": "номер (?:телефону|мобільного(?: телефону)?)|телефон|мобільний телефон|тел\\.?",
        "an email address": "(?:адреса )?електронної пошти|електронна пошта|e-?mail|ел\\. пошта",
        "an address": "(?:домашня |поштова )?адреса(?: проживання)?|поштовий індекс|місце проживання",
        "a date of birth": "дата народження|дата та місце народження",
        "a passport number": "(?:номер|серія та номер|no\\.?) паспорта",
        "a visa number": "номер візи",
        "a residence permit number": "номер (?:посвідки|дозволу) на проживання",
        "a National Insurance number": "номер (?:national insurance|соціального страхування)",
    },
    before=(
        "(?:який|яке|яка|які)(?: (?:був|була|було|були))?"
        "|чи (?:можете|могли б) (?:ви )?(?:нам )?(?:вказати|назвати|повідомити|написати|дати)"
    ),
    start=(
        "вкажіть|вкажи|напишіть|напиши|введіть|введи|назвіть|назви|повідомте(?: нам)?"
        "|повідом(?: нам)?|впишіть|заповніть|залиште|дайте(?: нам)?"
    ),
    please="будь ласка",
    idioms={"a name": "як (?:вас|тебе) (?:звати|звуть)|як (?:ваше|твоє) (?:ім'я|прізвище)"},
)

_BG_M = "(?:вашият|вашия|твоят|твоя|своя|своят)"
_BG_CL = "(?:си|ви|ти)"
BULGARIAN = Phrasing(
    yours={
        "a name": (
            f"(?:вашето|твоето|своето) (?:пълно )?име|(?:вашата|твоята|своята) фамилия"
            f"|(?:вашите|твоите|своите) (?:имена|име и фамилия)"
            f"|(?:името|пълното име|имената|фамилията|фамилното име) {_BG_CL}"
        ),
        "a phone number": (
            f"{_BG_M} (?:телефонен номер|телефон|номер на телефона|мобилен(?: телефон| номер)?)"
            f"|(?:телефонния(?:т)? номер|телефона|телефонът|мобилния(?:т)? номер) {_BG_CL}"
            f"|(?:телефонния|мобилния)(?:т)? {_BG_CL} номер"
        ),
        "an email address": (
            f"{_BG_M} (?:имейл(?: адрес)?|e-?mail|електронен адрес)"
            f"|(?:вашата|твоята|своята) електронна поща"
            f"|(?:имейла|имейлът|имейл адреса|електронната поща|електронния адрес) {_BG_CL}"
        ),
        "an address": (
            f"{_BG_M} (?:домашен |постоянен |настоящ )?(?:адрес|пощенски код)"
            f"|(?:адреса|адресът|пощенския код) {_BG_CL}"
        ),
        "a date of birth": (
            f"(?:вашата|твоята|своята) (?:дата на раждане|рождена дата)"
            f"|(?:датата на раждане|рождената дата) {_BG_CL}|(?:датата|рождената) {_BG_CL} (?:на раждане|дата)"
        ),
        "a passport number": (
            f"{_BG_M} (?:номер на паспорта|паспортен номер)"
            f"|(?:номера на паспорта|паспортния номер|паспортният номер) {_BG_CL}"
            "|номера на (?:вашия|твоя|своя) паспорт"
        ),
        "a visa number": f"{_BG_M} номер на визата|номера на (?:вашата|твоята|своята) виза",
        "a residence permit number": (f"{_BG_M} номер на (?:разрешението за пребиваване|brp)"),
        "a National Insurance number": (
            f"{_BG_M} (?:номер (?:на|за) (?:national insurance|социалното осигуряване)"
            "|осигурителен номер)"
        ),
    },
    bare={
        "a name": "(?:пълно )?име(?: и фамилия)?|имена|(?:трите )?имена|фамилия|собствено име",
        "a phone number": "телефонен номер|номер на телефона|телефон|мобилен(?: телефон| номер)|тел\\.?",
        "an email address": "имейл(?: адрес)?|e-?mail|електронна поща|електронен адрес",
        "an address": "(?:домашен |постоянен |настоящ )?адрес|пощенски код",
        "a date of birth": "дата на раждане|рождена дата",
        "a passport number": "номер на паспорт(?:а)?|паспортен номер",
        "a visa number": "номер на виза(?:та)?",
        "a residence permit number": "номер на разрешение(?:то)? за пребиваване",
        "a National Insurance number": "номер (?:на|за) (?:national insurance|социално осигуряване)",
    },
    before="(?:какъв|какво|каква|какви) (?:е|са|беше|бяха)",
    start=(
        "напишете|напиши|въведете|въведи|посочете|посочи|кажете ни|кажи ни|дайте ни|дай ни"
        "|попълнете|попълни|оставете|остави|впишете|впиши"
    ),
    please="моля",
    idioms={"a name": "как (?:се казвате|се казваш|ви е името|ти е името|ви е фамилията)"},
)

_VI_YOU = "(?:của )?(?:bạn|anh|chị|em|ông|bà|cô|quý vị|anh/chị|anh chị|ông/bà)"
VIETNAMESE = Phrasing(
    yours={
        "a name": f"(?:tên|họ tên|họ và tên|tên đầy đủ|họ)(?: đầy đủ)? {_VI_YOU}",
        "a phone number": (
            "(?:số điện thoại(?: di động)?|số di động|số zalo|số whatsapp|điện thoại)"
            f"(?: liên lạc| liên hệ)? {_VI_YOU}"
        ),
        "an email address": f"(?:địa chỉ )?(?:email|e-mail|thư điện tử) {_VI_YOU}",
        "an address": (
            "(?:địa chỉ(?: nhà| liên lạc| thường trú| hiện tại| nơi ở)?|nơi ở(?: hiện tại)?"
            f"|chỗ ở|mã bưu điện) {_VI_YOU}"
        ),
        "a date of birth": f"(?:ngày sinh|ngày,? tháng,? năm sinh) {_VI_YOU}",
        "a passport number": f"số (?:hộ chiếu|passport) {_VI_YOU}",
        "a visa number": f"số (?:thị thực|visa) {_VI_YOU}",
        "a residence permit number": f"số (?:thẻ cư trú|giấy phép cư trú|brp) {_VI_YOU}",
        "a National Insurance number": (
            f"số (?:bảo hiểm quốc gia|national insurance|bảo hiểm xã hội) {_VI_YOU}"
        ),
    },
    bare={
        "a name": "họ và tên|họ tên|tên(?: đầy đủ)?|tên họ",
        "a phone number": "số điện thoại(?: di động| liên lạc| liên hệ)?|số di động|điện thoại|sđt|đt",
        "an email address": "(?:địa chỉ )?(?:email|e-mail|thư điện tử)",
        "an address": "địa chỉ(?: nhà| liên lạc| thường trú| hiện tại| nơi ở)?|nơi ở(?: hiện tại)?|mã bưu điện",
        "a date of birth": "ngày sinh|ngày,? tháng,? năm sinh",
        "a passport number": "số hộ chiếu|hộ chiếu số",
        "a visa number": "số (?:thị thực|visa)",
        "a residence permit number": "số (?:thẻ cư trú|giấy phép cư trú)",
        "a National Insurance number": "số (?:bảo hiểm quốc gia|national insurance)",
    },
    before="(?:cho (?:chúng tôi|tôi) biết|xin cho biết|hãy cho biết)",
    start="ghi(?: lại| rõ)?|viết|nhập|cho biết|cho chúng tôi biết|điền|cung cấp|nêu|để lại",
    after="là (?:gì|bao nhiêu|số mấy|ở đâu)|là số nào|là ngày nào",
    please="vui lòng|xin vui lòng|xin|hãy|làm ơn",
    idioms={
        # only opening a sentence: "tổ chức đã giúp bạn tên là gì" asks an organisation's name
        "a name": r"(?:^|(?<=[.,!?:;]))\s*(?:xin hỏi,? )?(?:bạn|anh|chị|em|ông|bà|cô|quý vị) tên (?:là )?gì",
        "a date of birth": (
            r"(?:^|(?<=[.,!?:;]))\s*(?:xin hỏi,? )?(?:bạn|anh|chị|em|ông|bà|quý vị) sinh ngày"
            " (?:nào|bao nhiêu|mấy)"
        ),
    },
    strip_marks=False,
)

_AR_WHAT = "ما|ما هو|ما هي|ماهو|ماهي|شو|ايش|إيش|وش"
ARABIC = Phrasing(
    yours={
        "a name": "اسمك(?: الكامل| الثلاثي| الأول)?|اسم عائلتك|لقبك|الاسم (?:الكامل )?الخاص بك",
        "a phone number": (
            "رقم (?:هاتفك|جوالك|موبايلك|تلفونك|تليفونك|واتسابك|الهاتف الخاص بك|الجوال الخاص بك)"
            "(?: المحمول)?"
        ),
        "an email address": "(?:عنوان )?بريدك(?: الإلكتروني)?|إيميلك|البريد الإلكتروني الخاص بك",
        "an address": "عنوانك(?: الحالي| البريدي)?|عنوان (?:سكنك|منزلك|بيتك|إقامتك)|رمزك البريدي",
        "a date of birth": "تاريخ (?:ميلادك|ولادتك)|تاريخ الميلاد الخاص بك",
        "a passport number": "رقم (?:جواز سفرك|جوازك|باسبورك|جواز السفر الخاص بك)",
        "a visa number": "رقم (?:تأشيرتك|فيزتك|التأشيرة الخاصة بك)",
        "a residence permit number": "رقم (?:إقامتك|تصريح إقامتك|بطاقة إقامتك)",
        "a National Insurance number": "رقم (?:تأمينك الوطني|ضمانك الاجتماعي|التأمين الوطني الخاص بك)",
    },
    bare={
        "a name": "(?:ال)?اسم(?: (?:ال)?(?:كامل|ثلاثي|أول))?|اسم العائلة|اللقب",
        "a phone number": "رقم (?:ال)?(?:هاتف|جوال|موبايل|تلفون|تليفون)(?: (?:ال)?محمول)?|(?:ال)?هاتف|(?:ال)?جوال",
        "an email address": "(?:عنوان )?(?:ال)?بريد (?:ال)?إلكتروني|(?:ال)?إيميل",
        "an address": "(?:ال)?عنوان(?: (?:ال)?(?:سكن|منزل|حالي|بريدي|إقامة))?|(?:ال)?رمز (?:ال)?بريدي",
        "a date of birth": "تاريخ (?:ال)?(?:ميلاد|ولادة)",
        "a passport number": "رقم (?:ال)?(?:جواز(?: (?:ال)?سفر)?|باسبور)",
        "a visa number": "رقم (?:ال)?(?:تأشيرة|فيزا)",
        "a residence permit number": "رقم (?:ال)?إقامة|رقم (?:تصريح|بطاقة) (?:ال)?إقامة",
        "a National Insurance number": "رقم (?:ال)?تأمين (?:ال)?وطني",
    },
    before=_AR_WHAT,
    start=(
        "اكتب|اكتبي|اكتبوا|أدخل|أدخلي|اذكر|اذكري|أعطنا|أعطينا|سجل|سجلي|املأ|قدم|زودنا"
        "|كتابة|إدخال|ذكر|تسجيل|تقديم"
    ),
    please="الرجاء|يرجى|رجاء|من فضلك|لو سمحت",
)

_FA_YOUR = "(?: (?:شما|خود|خودتان|خودت)|تان|ت)"
_FA_NUMBER = "شماره(?:ی)?"
PERSIAN = Phrasing(
    yours={
        "a name": f"(?:اسم|نام)(?: و نام خانوادگی| کامل| خانوادگی)?{_FA_YOUR}",
        "a phone number": f"{_FA_NUMBER} (?:تلفن(?: همراه)?|تماس|موبایل|همراه|واتساپ){_FA_YOUR}",
        "an email address": f"(?:(?:آدرس|نشانی) )?(?:ایمیل|پست الکترونیکی?){_FA_YOUR}",
        "an address": f"(?:آدرس|نشانی)(?: منزل| محل سکونت| پستی)?{_FA_YOUR}|کد پستی{_FA_YOUR}",
        "a date of birth": f"تاریخ تولد{_FA_YOUR}",
        "a passport number": f"{_FA_NUMBER} (?:پاسپورت|گذرنامه){_FA_YOUR}",
        "a visa number": f"{_FA_NUMBER} (?:ویزا|روادید){_FA_YOUR}",
        "a residence permit number": f"{_FA_NUMBER} (?:اجازه|کارت|برگه) اقامت{_FA_YOUR}",
        "a National Insurance number": f"{_FA_NUMBER} (?:بیمه ملی|تامین اجتماعی|national insurance){_FA_YOUR}",
    },
    bare={
        "a name": "(?:اسم|نام)(?: و نام خانوادگی| کامل| خانوادگی)?",
        "a phone number": f"{_FA_NUMBER} (?:تلفن(?: همراه)?|تماس|موبایل|همراه)|تلفن(?: همراه)?|موبایل",
        "an email address": "(?:(?:آدرس|نشانی) )?(?:ایمیل|پست الکترونیکی?)",
        "an address": "(?:آدرس|نشانی)(?: منزل| محل سکونت| پستی)?|کد پستی|محل سکونت",
        "a date of birth": "تاریخ تولد",
        "a passport number": f"{_FA_NUMBER} (?:پاسپورت|گذرنامه)",
        "a visa number": f"{_FA_NUMBER} (?:ویزا|روادید)",
        "a residence permit number": f"{_FA_NUMBER} (?:اجازه|کارت) اقامت",
        "a National Insurance number": f"{_FA_NUMBER} (?:بیمه ملی|تامین اجتماعی)",
    },
    after=(
        "چیست|چیه|چی است|چه است|چه بود|چی بود|کجاست"
        "|(?:را )?(?:به ما )?(?:بنویسید|بنویس|وارد کنید|وارد کن|بگویید|بگو|ذکر کنید|بدهید|بده"
        "|اعلام کنید)"
    ),
)

_ZH_YOU = "(?:你|您|你们|您们)的?"
_ZH_NUMBER = "(?:号码|號碼|号|號)"
CHINESE = Phrasing(
    yours={
        "a name": f"{_ZH_YOU}(?:姓名|名字|全名|姓氏)",
        "a phone number": (
            f"{_ZH_YOU}(?:手机|手機|电话|電話|联系电话|聯繫電話|微信|whatsapp){_ZH_NUMBER}?"
        ),
        "an email address": f"{_ZH_YOU}(?:电子邮件|電子郵件|电子邮箱|邮箱|郵箱|電郵|e-?mail)(?:地址)?",
        "an address": f"{_ZH_YOU}(?:家庭|居住|现|現|目前|通讯|通訊)?(?:地址|住址|邮编|邮政编码|郵遞區號)",
        "a date of birth": f"{_ZH_YOU}(?:出生日期|生日|出生年月日?)",
        "a passport number": f"{_ZH_YOU}(?:护照|護照){_ZH_NUMBER}",
        "a visa number": f"{_ZH_YOU}(?:签证|簽證){_ZH_NUMBER}",
        "a residence permit number": f"{_ZH_YOU}居留(?:证|證|卡|许可|許可){_ZH_NUMBER}",
        "a National Insurance number": f"{_ZH_YOU}(?:国民保险|國民保險|national insurance){_ZH_NUMBER}",
    },
    bare={
        "a name": "姓名|名字|全名|姓氏",
        "a phone number": f"(?:手机|手機|电话|電話|联系电话|聯繫電話){_ZH_NUMBER}?",
        "an email address": "(?:电子邮件|電子郵件|电子邮箱|邮箱|郵箱|電郵)(?:地址)?|e-?mail",
        "an address": "(?:家庭|居住|现|現|通讯|通訊)?(?:地址|住址)|邮编|邮政编码|郵遞區號",
        "a date of birth": "出生日期|出生年月日?",
        "a passport number": f"(?:护照|護照){_ZH_NUMBER}",
        "a visa number": f"(?:签证|簽證){_ZH_NUMBER}",
        "a residence permit number": f"居留(?:证|證|卡|许可|許可){_ZH_NUMBER}",
        "a National Insurance number": f"(?:国民保险|國民保險){_ZH_NUMBER}",
    },
    before="告诉我们|告訴我們|告诉我|告訴我",
    start="写下?|寫下?|填写|填寫|输入|輸入|提供|留下|告诉我们|告訴我們|注明|註明",
    after="是什么|是什麼|是多少|是哪天|是几号|是幾號|是哪一天|在哪里|在哪裡",
    please="请|請|麻烦|麻煩",
    idioms={
        "a name": "(?:你|您)叫(?:什么|什麼)(?:名字)?|(?:您|你)(?:贵|貴)姓|(?:怎么称呼|怎麼稱呼)(?:你|您)"
    },
    spaced=False,
)

WORLD = {
    "ru": RUSSIAN,
    "uk": UKRAINIAN,
    "bg": BULGARIAN,
    "vi": VIETNAMESE,
    "ar": ARABIC,
    "fa": PERSIAN,
    "zh": CHINESE,
}
"""The phrase tables of this module, by primary language subtag."""
