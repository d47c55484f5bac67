"""`heard worker --burst` with the topics computation swapped for a slow stand-in (tests only).

Run as ``python -m tests.survey.analysis.slow_worker`` with the usual HEARD_* variables and
HEARD_TEST_SLOW_SECONDS: the stand-in reports progress for that long, then gives every
document of the job's question all its weight on topic 0. The kill test SIGKILLs it mid-job.
"""

from __future__ import annotations

import os
import time

from survey.models import DocumentTopics, Study
from survey.services.analysis import running
from survey.services.analysis.corpus import study_corpus


def slow_topics(session, job, params, progress) -> running.Output:
    """Report progress for HEARD_TEST_SLOW_SECONDS, then put every document on topic 0."""
    seconds = float(os.environ.get("HEARD_TEST_SLOW_SECONDS", "0"))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress(0.1, "pretending to fit")
        time.sleep(0.1)
    study = session.get(Study, job.study_id)
    documents = study_corpus(session, study, item_id=params["item_id"])
    return running.Output(
        result={"kind": "topics", "documents": len(documents), "params": params},
        versions={"heard": "test"},
        n_topics=1,
        seed=params["seed"],
        rows=[
            DocumentTopics(document_id=d.id, weights_json="[1.0]", top_topic=0) for d in documents
        ],
    )


if __name__ == "__main__":
    from survey.cli import main

    running.RUNNERS["topics"] = slow_topics
    main(["worker", "--burst"])
