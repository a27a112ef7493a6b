"""Give every person without vectors a copy of an embedded person's (latency runs only).

    .venv/bin/python bench/share_fill.py --home /tmp/amity-bench-network [--database-url URL]
    .venv/bin/python bench/share_bench.py --home /tmp/amity-bench-network --skip-embed

Embedding 100,000 people takes many minutes when the machine is shared; Share's
latency depends on how many vectors it ranks, not on their values. So after
`share_bench.py --embed-sample N` really embeds N people, this copies their facet
vectors (cyclically, facet by facet) to everyone else, with each copy's text hash set
to the person's own facet text so nothing is re-embedded. Rankings on such a network
are meaningless; its timings are not.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)


def main() -> None:
    """Copy vectors to people who have none; print how many rows were written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser, home_required=False)
    args = parser.parse_args()
    backend.setup(args.home or Path("/tmp/amity-bench-network"), args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from amity.domain import embeddings
    from amity.network import profiles
    from amity.network.models import ProfileEmbedding

    started = time.perf_counter()
    owner = get_user_model().objects.get(username="bench")
    model_name = embeddings.MODEL_NAME
    rows = ProfileEmbedding.objects.filter(owner=owner, model_name=model_name, dim__gt=0)
    donors: dict[str, list[bytes]] = {}
    for facet, vector in rows.values_list("facet", "vector").iterator(chunk_size=5000):
        donors.setdefault(facet, []).append(bytes(vector))
    done = set(rows.values_list("person_id", flat=True).distinct())
    todo = [pk for pk in profiles.stale_people(owner=owner, model_name=model_name)]
    todo = [pk for pk in todo if pk not in done]
    written = 0
    now = timezone.now()
    for start in range(0, len(todo), 2000):
        batch = []
        for facts in profiles.facts_for(owner=owner, person_ids=todo[start : start + 2000]):
            for facet, text in profiles.facet_texts(facts).items():
                if not text or facet not in donors:
                    continue
                pool = donors[facet]
                batch.append(
                    ProfileEmbedding(
                        owner=owner,
                        person_id=facts.person_id,
                        facet=facet,
                        model_name=model_name,
                        text_hash=embeddings.text_hash(text),
                        vector=pool[facts.person_id % len(pool)],
                        dim=embeddings.MODEL_DIM,
                        embedded_at=now,
                    )
                )
        with transaction.atomic():
            ProfileEmbedding.objects.bulk_create(batch, batch_size=1000)
        written += len(batch)
    print(
        f"copied {written:,} facet vectors to {len(todo):,} people "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
