"""Issue documents from many threads at once, half of them rolling back after taking a
number: what ``test_numbers_have_no_gaps_under_concurrent_issue`` runs, in-process on
PostgreSQL and, on SQLite, in a subprocess on a file database (an in-memory test
database shares one cache between threads and refuses concurrent writers outright)."""

from __future__ import annotations

import datetime
import json
import threading

from django.db import connection, transaction

from qingfeng.documents.models import IssuedDocument
from qingfeng.documents.services import document_issue
from qingfeng.org.models import Region, Unit

THREADS = 8
ROUNDS = 3
CONTEXT = {
    "paragraphs": [],
    "period": "2026年第三季度",
    "framework": "体系",
    "subject": "",
    "finding": "存在一票否决情形",
    "deadline": "2027年1月4日",
    "copy_to": "",
}


def run(*, unit: Unit, region: Region) -> list[str]:
    """Every thread issues ``ROUNDS`` documents, each in its own transaction; odd threads
    roll theirs back after the document is stored. Returns the errors met."""
    errors: list[str] = []
    barrier = threading.Barrier(THREADS)

    def work(index: int) -> None:
        try:
            barrier.wait()
            for _round in range(ROUNDS):
                try:
                    with transaction.atomic():
                        document_issue(
                            kind="warning_notice",
                            context=CONTEXT,
                            unit=unit,
                            region=region,
                            actor=None,
                            today=datetime.date(2026, 12, 5),
                        )
                        if index % 2:
                            raise LookupError("rolled back")
                except LookupError:
                    pass
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def main() -> None:
    """The subprocess: a region and a unit, the run, then what was stored, as JSON."""
    from qingfeng.org import services
    from qingfeng.org.models import RegionLevel, UnitCategory

    region = services.region_save(region=Region(code="C", name="黎城县", level=RegionLevel.COUNTY))
    category = services.category_save(category=UnitCategory(code="g", name="G"))
    unit = services.unit_save(unit=Unit(code="U", name="U", category=category, region=region))
    errors = run(unit=unit, region=region)
    numbers = sorted(IssuedDocument.objects.values_list("number", flat=True))
    print(json.dumps({"errors": errors, "numbers": numbers}))
