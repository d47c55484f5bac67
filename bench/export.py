"""Benchmark: our streaming export against pandas writing the same frame, per format.

Run with ``.venv/bin/python bench/export.py [--responses 100000] [--formats csv,xlsx,sav,dta]``.
A synthetic study of N completed responses by 60 variables (6 fixed; 14
single choice, 10 scales, 3 multiple choice of 4 options, 8 numbers, 6 short
and 4 long texts, about 5% non-answers; the texts sealed with the study's key as
the app stores them) is bulk-inserted into a fresh SQLite
database. Then, for each format, a child process runs our `export_study`
(reading the database in batches, labels and missing codes included) and
reports wall time and peak memory growth: RSS (peak ``ru_maxrss`` minus the RSS
before the export; it sees C allocations) and, in a second child,
tracemalloc's peak (Python allocations only, and slower). pandas is the
baseline: a child reads our CSV back into a DataFrame and writes it with
``to_csv``, ``to_excel`` (openpyxl), ``pyreadstat.write_sav`` / ``write_dta``
(no labels); its time is the write alone, its memory includes the frame it
must hold. One process per measurement, so formats never mask each other. Not
a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FORMATS = ("csv", "xlsx", "sav", "dta")
PHRASE = "the police came late and we waited outside in the cold for hours without help"
WORDS = PHRASE.split(" ")
NON_ANSWERS = ("prefer_not_to_say", "dont_know", "skipped")
SLUG = "bench"


def instrument_document() -> dict:
    """Return the synthetic instrument: 54 item variables."""
    from instruments.schema import Consent

    choices = [{"value": f"opt{i}", "label": f"Option {i}"} for i in range(1, 6)]
    items: list[dict] = []
    items += [
        {"id": f"choice{i}", "type": "single_choice", "label": f"Choice {i}?", "choices": choices}
        for i in range(14)
    ]
    points = [{"value": v, "label": f"Point {v}"} for v in range(1, 6)]
    items += [
        {"id": f"scale{i}", "type": "scale", "label": f"Scale {i}?", "points": points}
        for i in range(10)
    ]
    items += [
        {"id": f"many{i}", "type": "multiple_choice", "label": f"Many {i}?", "choices": choices[:4]}
        for i in range(3)
    ]
    items += [{"id": f"number{i}", "type": "number", "label": f"Number {i}?"} for i in range(8)]
    items += [{"id": f"short{i}", "type": "short_text", "label": f"Short {i}?"} for i in range(6)]
    items += [{"id": f"long{i}", "type": "long_text", "label": f"Long {i}?"} for i in range(4)]
    for item in items:
        item["non_answers"] = list(NON_ANSWERS[:2])
    return {
        "format": "heard-instrument/1",
        "id": "bench",
        "version": "1",
        "title": "Benchmark",
        "purpose": "Benchmark.",
        "languages": ["en"],
        "estimated_minutes": 10,
        "organisation": {"name": "Bench"},
        "contact": {"email": "bench@example.org"},
        "consent": {part: f"About {part}." for part in Consent.PARTS},
        "sections": [{"id": "all", "title": "All", "items": items}],
    }


def make_app(folder: Path):
    """Return an app on the SQLite database in `folder`."""
    from survey import create_app

    return create_app(
        {
            "HEARD_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "bench",
        }
    )


def generate(folder: Path, responses: int) -> None:
    """Create the study and bulk-insert `responses` completed responses."""
    import yaml

    from instruments import load_instrument
    from survey.extensions import db, write_transaction
    from survey.keyring import active
    from survey.models.sealed import study_key_id
    from survey.services.studies import create_study

    app = make_app(folder)
    with app.app_context():
        db.create_all()
        document = json.loads(json.dumps(instrument_document()))  # no shared objects: no aliases
        instrument = load_instrument(yaml.safe_dump(document), filename="b.yaml")
        with write_transaction(db.session):
            study = create_study(db.session, instrument, slug=SLUG, publish=True)
            key_id = study_key_id(db.session, study.id)
        # Free text is sealed with the study's key, as the app stores it.
        key = (key_id, active().data_key(key_id))
        ids = (study.id, study.instrument_version_id)
        db.engine.dispose()
    _insert(folder / "bench.db", instrument, ids, responses, key)


def _insert(
    path: Path, instrument, ids: tuple[int, int], responses: int, key: tuple[str, bytes]
) -> None:
    from survey import sealing

    words = {i.id for i in instrument.answerable_items() if i.type in ("short_text", "long_text")}
    rng = random.Random(0)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    items = list(instrument.answerable_items())
    for start in range(0, responses, 5000):
        people, answers = [], []
        for number in range(start, min(start + 5000, responses)):
            rid = f"{number:032x}"
            people.append((rid, ids[0], ids[1], "completed", "self", "en", "2024-05-01"))
            for item in items:
                value, code = _answer(item, rng)
                if value is not None and item.id in words:
                    value = sealing.seal(key[1], key[0], value, "answer.value")
                answers.append((rid, item.id, value, code))
        connection.executemany(
            "INSERT INTO response (id, study_id, instrument_version_id, status, mode, language,"
            " started_on, updated_on, completed_on, no_quotes) VALUES (?,?,?,?,?,?,?,?,?,0)",
            [(*p, p[-1], p[-1]) for p in people],
        )
        connection.executemany(
            "INSERT INTO answer (response_id, item_id, value, code) VALUES (?,?,?,?)", answers
        )
    connection.commit()
    connection.close()


def _answer(item, rng: random.Random) -> tuple[str | None, str | None]:
    if rng.random() < 0.05:
        return None, rng.choice(NON_ANSWERS)
    if item.type == "single_choice":
        value: object = rng.choice(item.choices).value
    elif item.type == "scale":
        value = rng.randint(1, 5)
    elif item.type == "multiple_choice":
        value = [c.value for c in item.choices if rng.random() < 0.4]
    elif item.type == "number":
        value = rng.randint(0, 100_000)
    elif item.type == "short_text":
        value = " ".join(rng.choices(WORDS, k=rng.randint(2, 8)))
    elif rng.random() < 0.4:  # long text: most people write nothing
        value = " ".join(rng.choices(WORDS, k=rng.randint(20, 80)))
    else:
        return None, "skipped"
    return json.dumps(value), None


def rss_now() -> int:
    """Return the resident set size of this process in bytes."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """Return the peak resident set size of this process in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def growth(before: int) -> int:
    """Return how far the peak RSS rose above `before` (the RSS when the export started)."""
    return max(peak_rss() - before, 0)


def child(mode: str, fmt: str, folder: Path) -> dict:
    """Measure one export (`ours`, `ours-tracemalloc` or `pandas`) in this process."""
    if mode == "pandas":
        return _pandas(fmt, folder)
    from survey.extensions import db
    from survey.services.exports import export_study
    from survey.services.studies import find_study

    app = make_app(folder)
    with app.app_context():
        study = find_study(db.session, SLUG)
        if mode == "ours-tracemalloc":
            tracemalloc.start()
        before, start = rss_now(), time.perf_counter()
        written = export_study(db.session, study, fmt, folder / f"ours.{fmt}")
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    return {"seconds": seconds, "rss": growth(before), "traced": traced, "rows": written.rows}


def _pandas(fmt: str, folder: Path) -> dict:
    import pandas as pd
    import pyreadstat

    before = rss_now()
    frame = pd.read_csv(folder / "ours.csv", low_memory=False)
    start, out = time.perf_counter(), folder / f"pandas.{fmt}"
    if fmt == "csv":
        frame.to_csv(out, index=False)
    elif fmt == "xlsx":
        frame.to_excel(out, index=False, engine="openpyxl")
    else:
        frame = frame.astype({c: str for c in frame.columns if frame[c].dtype == object})
        (pyreadstat.write_sav if fmt == "sav" else pyreadstat.write_dta)(frame, str(out))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss": growth(before), "traced": 0, "rows": len(frame)}


def measure(mode: str, fmt: str, folder: Path) -> dict:
    """Run one measurement in a fresh child process and return its figures."""
    command = [sys.executable, __file__, "--child", mode, fmt, str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} {fmt} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(responses: int, formats: list[str]) -> None:
    """Generate the study, measure every format and print the table."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        # In a child, so this process stays small: Linux carries ru_maxrss across exec.
        subprocess.run(
            [sys.executable, __file__, "--generate", str(responses), str(folder)], check=True
        )
        took = time.perf_counter() - start
        print(f"{responses:,} responses x 60 variables inserted in {took:.0f} s")
        if "csv" not in formats:
            measure("ours", "csv", folder)  # the pandas baseline reads our CSV
        mb = 1024 * 1024
        print(
            f"{'format':6} {'ours s':>7} {'RSS MB':>7} {'traced MB':>9} "
            f"{'pandas s':>8} {'RSS MB':>7} {'time ratio':>10} {'RSS ratio':>9}"
        )
        for fmt in formats:
            ours = measure("ours", fmt, folder)
            traced = measure("ours-tracemalloc", fmt, folder)["traced"]
            base = measure("pandas", fmt, folder)
            print(
                f"{fmt:6} {ours['seconds']:7.1f} {ours['rss'] / mb:7.0f} {traced / mb:9.0f} "
                f"{base['seconds']:8.1f} {base['rss'] / mb:7.0f} "
                f"{ours['seconds'] / base['seconds']:10.2f} "
                f"{ours['rss'] / max(base['rss'], 1):9.2f}"
            )


def main() -> None:
    """Parse the options and run the benchmark (or one child measurement)."""
    if len(sys.argv) > 1 and sys.argv[1] == "--generate":
        generate(Path(sys.argv[3]), int(sys.argv[2]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        mode, fmt, folder = sys.argv[2:5]
        print(json.dumps(child(mode, fmt, Path(folder))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    options = parser.parse_args()
    formats = [f for f in options.formats.split(",") if f]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}")
    report(options.responses, formats)


if __name__ == "__main__":
    main()
