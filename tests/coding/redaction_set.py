"""Build the synthetic labelled set for coding.redaction: ``tests/coding/data/redaction_set.jsonl``.

Everything here was written for Heard. The people are made up; phone numbers
come from Ofcom's ranges for drama (07700 900xxx, 01632 960xxx, 020 7946 0xxx,
0113 496 0xxx, 0161 496 0xxx) or are invented for other countries; email and
web addresses use the reserved example domains; passport, visa, BRP and
National Insurance numbers are invented. Sentences imitate what survivors of
exploitation say in interviews, so that the set tests the patterns on the kind
of text they will meet, and include negatives: capitalised words that are not
names, numbers that are not phone numbers, dates that are not exact.

The committed file is what the tests read and what a reviewer reads (each gold
span carries its ``value``). Run ``.venv/bin/python -m tests.coding.redaction_set``
to rebuild it after changing the templates; ``test_redaction_set.py`` checks
that the file matches this module, so the two never drift apart.

Gold conventions: a name span holds the name without its title ("Mr [Tran]");
an address runs from the flat or house number to the street type; a date of
birth is the date alone; trailing punctuation is never part of a span.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

PATH = Path(__file__).with_name("data") / "redaction_set.jsonl"
SEED = 5
VARIANTS = 4

POOLS: dict[str, tuple[str, ...]] = {
    "name": (
        "Arben Hoxha",
        "Besa Krasniqi",
        "Dritero Lleshi",
        "Nguyen Thi Lan",
        "Tran Van Minh",
        "Pham Duc Anh",
        "Ionut Popescu",
        "Andreea Dumitru",
        "Katarzyna Nowak",
        "Tomasz Wisniewski",
        "Selam Tesfay",
        "Yonas Gebremariam",
        "Mohamed Osman",
        "Fatima Abdalla",
        "Chioma Okafor",
        "Tunde Adeyemi",
        "Musa Bello",
        "Zhang Wei",
        "Priya Sharma",
        "Mizanur Rahman",
        "Shahid Iqbal",
        "Oksana Kovalenko",
        "Dmytro Shevchenko",
        "Jozef Horvath",
        "Zuzana Balogova",
        "Mindaugas Kazlauskas",
        "Nagy László",
        "Maricel Santos",
        "Ahmad Karimi",
        "Kwame Mensah",
        "Rahel Haile",
        "Mehmet Yilmaz",
        "Gheorghe Lungu",
        "Amina Yusuf",
        "Ngozi Eze",
        "Ermal Duka",
        "Linh Hoang",
        "Grace Okonkwo",
        "Bilal Haidari",
        "Luwam Berhe",
    ),
    "given": (
        "Ahmed",
        "Arben",
        "Mihai",
        "Chioma",
        "Thanh",
        "Kasia",
        "Selam",
        "Olena",
        "Rahul",
        "Fatos",
        "Nadia",
        "Emeka",
        "Ilir",
        "Blessing",
        "Huong",
        "Dawit",
        "Marius",
        "Agnieszka",
        "Tariq",
        "Xhoana",
        "Precious",
        "Imran",
        "Alina",
        "Goitom",
    ),
    "surname": (
        "Nguyen",
        "Popescu",
        "Okafor",
        "Hoxha",
        "Kowalski",
        "Tesfay",
        "Rahman",
        "Ali",
        "Petrova",
        "Adeyemi",
        "Balogun",
        "Chen",
        "Gashi",
        "Ionescu",
        "Osei",
    ),
    "nick": ("Lulu", "Tiger", "Bobo", "Mama Joy", "Gjoni", "Sasha", "Kiki", "Lena"),
    "phone": (
        "07700 900123",
        "07700900456",
        "07700 900 789",
        "+44 7700 900321",
        "+447700900654",
        "020 7946 0123",
        "0161 496 0321",
        "0113 496 0555",
        "01632 960123",
        "01632 960 456",
        "(020) 7946 0987",
        "0044 7700 900111",
        "07700-900-222",
        "+44 (0)20 7946 0444",
        "+40 721 234 567",
        "+355 69 123 4567",
        "+84 91 234 5678",
        "+234 803 123 4567",
        "+48 512 345 678",
        "+380 50 123 4567",
        "+86 138 0013 8000",
        "+91 98765 43210",
        "+92 300 1234567",
        "+880 1712 345678",
        "+421 905 123 456",
        "+370 612 34567",
        "+36 20 123 4567",
        "+63 917 123 4567",
        "+291 7 123456",
        "+249 91 234 5678",
        "+1 (555) 010-0199",
        "00 40 744 555 666",
    ),
    "email": (
        "arben.hoxha@example.org",
        "thanh.nguyen88@example.com",
        "m.popescu@example.net",
        "ola_adeyemi@example.org",
        "kasia.nowak@example.co.uk",
        "selam.t@example.org",
        "wei.zhang@example.com",
        "priya.s@example.org",
        "olena1990@example.net",
        "jobs-uk@example.com",
        "recruiter.2019@example.org",
    ),
    "postcode": (
        "LS1 4AB",
        "B12 9QE",
        "M1 1AE",
        "E1 6AN",
        "SW1A 1AA",
        "NW10 7PQ",
        "PE21 8TR",
        "BD7 1DP",
        "CF10 1EP",
        "G2 3LP",
        "BT1 5GS",
        "ec1a1bb",
        "w1a 0ax",
        "M601NW",
        "L8 0TA",
        "S1 2HE",
        "NE1 7RU",
        "CV1 5FB",
        "DN1 3PL",
        "PE13 1EW",
    ),
    "address": (
        "12 Station Road",
        "Flat 3, 45 Green Lane",
        "7 Mill Street",
        "221 Cheetham Hill Road",
        "Flat 2, 8 Victoria Terrace",
        "31 Albert Avenue",
        "9 Church Close",
        "Unit 4, 17 Canal Street",
        "104 Oak Drive",
        "5 Windsor Court",
        "16a Market Place",
        "Room 6, 88 High Street",
        "27 Beech Grove",
        "3 Ash Walk",
        "58 Queens Road",
    ),
    "date_of_birth": (
        "3 March 1990",
        "12/03/1988",
        "21st of June 1995",
        "1995-07-14",
        "4 Feb 2001",
        "September 9, 1987",
        "07.11.1993",
        "15 August 1999",
        "30/01/2002",
        "1 January 1985",
    ),
    "date": (
        "5th June 2020",
        "14 February 2019",
        "2021-01-04",
        "1 May 2018",
        "3rd of October",
        "23/11/2017",
        "March 12, 2016",
        "31.12.2019",
        "10 Jan 2022",
        "6 April",
        "July 4th",
    ),
    "passport": (
        "123456789",
        "502318776",
        "BA1234567",
        "C2345678",
        "A12345678",
        "E98765432",
        "J8765432",
        "310 457 882",
        "AB0987654",
    ),
    "visa": ("012345678", "V12345678", "GWF012345678", "VN4455667", "402 118 903"),
    "residence_permit": ("ZU1234567", "ZR9876543", "ZX0123456", "RF4455667", "RP7654321"),
    "ni_number": (
        "AB 12 34 56 C",
        "JG103759A",
        "ce 88 91 23 b",
        "NX123456D",
        "PR 45 67 89 A",
        "TM010203D",
        "SN 93 21 47 B",
    ),
    "url": (
        "https://example.org/jobs",
        "www.example.com/work",
        "http://example.net/visa-help",
        "example.org/profile/arben",
        "https://www.example.co.uk",
        "www.example.org",
    ),
    "place": (
        "Tirana",
        "Fier",
        "Kukës",
        "Hai Phong",
        "Nghe An",
        "Craiova",
        "Benin City",
        "Fuzhou",
        "Spalding",
        "Wisbech",
        "Peterborough",
        "Bradford",
        "Bajram Curri",
        "Quang Ninh",
        "Rochester",
        "Tameside",
        "Goole",
        "Iasi",
        "Kaunas",
        "Asmara",
    ),
    # Not identifying on their own: in the text, never in the gold spans.
    "country": (
        "Albania",
        "Vietnam",
        "Romania",
        "Poland",
        "Eritrea",
        "Sudan",
        "Nigeria",
        "China",
        "India",
        "Ukraine",
        "Slovakia",
        "Lithuania",
    ),
}
UNLABELLED = frozenset({"country"})
SLOT_KINDS = {"given": "name", "surname": "name", "nick": "name"}

TEMPLATES = (
    "I came from {place} with {name} in the back of a lorry.",
    "My name is {given} and I am from {country}.",
    "my name is {name}, I was born on {date_of_birth}.",
    "They called me {nick} at the house, never my real name.",
    "The man who brought us was called {name}.",
    "Mr {surname} kept our passports in his car.",
    "Mrs. {surname} said we owed her money for the food.",
    "Auntie {given} cooked for everyone on Sundays.",
    "My phone was {phone} but they took the SIM card.",
    "You can call me on {phone} after six.",
    "He wrote his number on my hand: {phone}.",
    "The agency number was {phone}, I still remember it.",
    "My sister called from {phone} when she got to {place}.",
    "Write to me at {email} please.",
    "The job advert said to email {email} with a photo.",
    "I sent my documents to {email} and never heard back.",
    "We lived at {address}, {postcode}, eight of us in two rooms.",
    "The car wash was at {address} near the bridge.",
    "They moved us to {address} in {place}.",
    "The postcode was {postcode}, I saw it on a letter.",
    "Send it to {postcode} was all he said.",
    "The house was somewhere near {postcode}, I think.",
    "DOB {date_of_birth}, that is what the form says.",
    "Date of birth: {date_of_birth}.",
    "I was born on {date_of_birth} in {place}.",
    "My birthday is {date_of_birth}, I was seventeen when I arrived.",
    "We arrived on {date} and started work the next day.",
    "On {date} the police came to the farm.",
    "The interview at the Home Office was on {date}.",
    "My passport number is {passport} but they kept it.",
    "They photocopied my passport, number {passport}.",
    "Passport no. {passport}, issued in {country}.",
    "The visa number was {visa} and it ended after six months.",
    "My visa, {visa}, was for seasonal work.",
    "My BRP number is {residence_permit}.",
    "The residence permit card said {residence_permit} on the front.",
    "They asked for my BRP {residence_permit} at the bank.",
    "My National Insurance number is {ni_number}.",
    "He used my NI number {ni_number} to claim money.",
    "The payslip had NI number {ni_number} but it was not mine.",
    "They found me on {url} where the jobs were.",
    "The advert was on {url} and looked real.",
    "Go to {url} and you can see the photos.",
    "{given} told me to keep quiet about the money.",
    "I shared a room with {name} and her daughter.",
    "{name} drove us to the nail bar every morning.",
    "A woman named {given} helped me escape.",
    "His name was {name} and he said he was a friend of my uncle.",
    "I knew him only as {nick}.",
    "In {place} I met {given}, who spoke my language.",
    "We took a boat from {place} and then a bus to {place}.",
    "{name}, {phone}, {email} was written on the card he gave me.",
    "Interviewer: Where did you stay?\nRespondent: With {given} at {address}, {postcode}.",
    "Dr {surname} at the clinic was kind to me.",
    "My friend {given} {surname} called me on {phone}.",
    "Text {given} on {phone} if you need work.",
    "My cousin {given} lives at {address} now.",
    "After {date} I never saw {name} again.",
    "She gave me her email, {email}, and her phone, {phone}.",
    "The letter from the bank said {address}, {place}, {postcode}.",
)

NEGATIVES = (
    "We worked twelve hours a day, seven days a week.",
    "In March we moved to another house.",
    "The Home Office interview lasted 3 hours.",
    "I paid 2500 pounds for the journey.",
    "There were 14 of us in one room.",
    "May God help them.",
    "Will they find me?",
    "Grace is what I needed then.",
    "Hope kept me going.",
    "In 2019 I was 17.",
    "My phone had no credit for 3 weeks.",
    "The boss took 400 euros each month.",
    "We took the number 52 bus.",
    "I slept 4 hours, sometimes 5.",
    "Sunday was our only day off.",
    "The agency said the job paid £6.50 an hour.",
    "He gave me a number to call but I lost it.",
    "I waited 20 minutes at the station.",
    "My passport was taken by them.",
    "They kept my passport for 2 years.",
    "The visa was for 6 months.",
    "I had no BRP then.",
    "Then Ramadan came and we still worked.",
    "The Police came at 6 in the morning.",
    "English is hard for me, I learn slowly.",
    "We earned 1,200,000 dong a month back home.",
    "The van took 9 people and 3 dogs.",
    "I think it was 2018 or 2019, I am not sure.",
    "Room 12 was for the girls.",
    "Sorry, I do not want to talk about that part.",
    "Long days, short nights, no money.",
    "Mark the place where you worked on this map.",
    "Said and done, I left in the night.",
    "Christmas was the worst time.",
    "I worked 7 days in a row and then 3 more.",
    "We paid 50 pounds to the driver and 20 to the man.",
    "The code for the door was 4471.",
    "Peace of mind is all I want now.",
)

# Written one by one, labelled with [[kind:value]], and not used to tune the patterns:
# they show how the pass does on sentences its author did not template.
HANDWRITTEN = (
    "ok so [[name:Dritan]] he was the boss, his brother [[name:Gezim]] drove the van",
    "I was at [[address:14 Brook Street]] with two girls from [[place:Craiova]], we never went out",
    "She said call [[phone:07700 900 555]] if anything happens, ask for Mama [[name:Rita]]",
    "the lady from the charity, [[name:Sarah]], gave me her card with "
    "[[email:sarah.b@example.org]]",
    "In [[place:Ho Chi Minh City]] I worked in a factory before [[name:Anh Tuan]] found me the job",
    "My husband [[name:Jamal Idris]] is still in [[place:Khartoum]], I talk to him on "
    "[[phone:+249 912 345 678]]",
    "we arrived [[date:12th September 2019]] I remember because it was raining",
    "[[name:Emeka]] said the papers cost £3000 and the visa was [[visa:VS1029384]]",
    "I don't know his real name, everybody said [[name:Boss Man]]",
    "The nail bar on [[address:22 Kingsland Road]] was owned by Mr [[name:Vu]]",
    "my date of birth they wrote wrong, it is [[date_of_birth:02/05/1998]] not 1996",
    "[[name:Ana-Maria]] and me slept in the kitchen",
    "he kept my ID card and my NI [[ni_number:HZ 39 28 17 A]] in a box",
    "Can you send it to my new email [[email:kamil_w@example.net]]",
    "We worked at the car wash by the [[place:Bolton]] ring road",
    "The recruiter on [[url:www.example.org/uk-jobs]] promised 400 a week",
    "[[name:Olumide]]'s phone was always off",
    "I was born [[date_of_birth:14.08.2003]] in a village near [[place:Shkodër]]",
    "My BRP [[residence_permit:ZU7788991]] expired in [[date:January 2024]]",
    "They took me to [[postcode:PE12 6EE]], a farm, I think the name was Hill Farm",
    "Dmitri, no, [[name:Dmytro]], the one with the tattoo",
    "My passport was Albanian, [[passport:BK4433221]], they burned it",
    "it was [[name:Thi Hoa]] who told the police, she was brave",
    "the social worker Ms [[name:Okoro]] came to the hotel",
    "After Easter we moved to Leicester Square, no, near it",
)


def _marked(line: str) -> dict:
    """Return a record from a line marked up with ``[[kind:value]]``."""
    text, spans, position = "", [], 0
    for match in re.finditer(r"\[\[(\w+):([^\]]+)\]\]", line):
        text += line[position : match.start()]
        kind, value = match.groups()
        spans.append(
            {"start": len(text), "end": len(text) + len(value), "kind": kind, "value": value}
        )
        text += value
        position = match.end()
    return {"text": text + line[position:], "spans": spans}


def _fill(template: str, rng: random.Random) -> dict:
    """Return one record: the template filled from the pools, with its gold spans."""
    text, spans, position = "", [], 0
    for match in re.finditer(r"\{(\w+)\}", template):
        text += template[position : match.start()]
        slot = match.group(1)
        value = rng.choice(POOLS[slot])
        if slot not in UNLABELLED:
            spans.append(
                {
                    "start": len(text),
                    "end": len(text) + len(value),
                    "kind": SLOT_KINDS.get(slot, slot),
                    "value": value,
                }
            )
        text += value
        position = match.end()
    text += template[position:]
    return {"text": text, "spans": spans}


def build() -> list[dict]:
    """Return the records: templates filled `VARIANTS` times, hand-written ones, negatives."""
    rng = random.Random(SEED)
    records = [_fill(t, rng) for t in TEMPLATES for _ in range(VARIANTS)]
    records += [_marked(line) for line in HANDWRITTEN]
    return records + [{"text": text, "spans": []} for text in NEGATIVES]


def dumps(records: list[dict]) -> str:
    """Return the records as JSON lines, the form committed to the repository."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def load() -> list[dict]:
    """Return the committed records."""
    return [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines()]


COMPATIBLE = {"date": {"date", "date_of_birth"}, "date_of_birth": {"date", "date_of_birth"}}


def _compatible(gold_kind: str, kind: str) -> bool:
    return kind in COMPATIBLE.get(gold_kind, {gold_kind})


def score(records: list[dict], propose) -> dict[str, dict[str, int]]:
    """Return per kind: gold spans, gold spans found, proposals, proposals that are right.

    A gold span is found when a proposal of the same kind (either date kind for
    a date) covers it. A proposal is right when it overlaps a gold span of a
    compatible kind; anything else it proposes is a false positive.
    """
    counts: dict[str, dict[str, int]] = {}

    def bump(kind: str, field: str) -> None:
        counts.setdefault(kind, {"gold": 0, "found": 0, "proposed": 0, "right": 0})[field] += 1

    for record in records:
        proposed = propose(record["text"])
        for gold in record["spans"]:
            bump(gold["kind"], "gold")
            if any(
                _compatible(gold["kind"], p.kind)
                and p.start <= gold["start"]
                and p.end >= gold["end"]
                for p in proposed
            ):
                bump(gold["kind"], "found")
        for p in proposed:
            bump(p.kind, "proposed")
            if any(
                _compatible(g["kind"], p.kind) and p.start < g["end"] and g["start"] < p.end
                for g in record["spans"]
            ):
                bump(p.kind, "right")
    return counts


if __name__ == "__main__":
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(dumps(build()), encoding="utf-8")
    print(f"wrote {PATH}")
