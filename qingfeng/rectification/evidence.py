"""Evidence files of a problem's rectification (整改佐证材料): checked and stored as the
records' evidence is (``records.evidence``: the same extensions, size limit and storage);
the download, only to users who see the problem, is in ``views``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.records.evidence import evidence_problems, upload_store
from qingfeng.rectification.models import Problem, ProblemEvidence, ProblemState

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


@transaction.atomic
def problem_evidence_add(
    *, problem: Problem, uploads: Sequence[UploadedFile], actor: User | None
) -> list[ProblemEvidence]:
    """Store ``uploads`` as evidence of ``problem`` after checking every one (extension,
    size): all or none, a ``ValidationError`` on the field ``evidence`` naming each bad
    file. Refused once the problem is closed (its file is complete)."""
    if problem.state == ProblemState.CLOSED:
        raise ValidationError({"evidence": _("A closed problem takes no more evidence.")})
    problems = [message for upload in uploads for message in evidence_problems(upload)]
    if problems:
        raise ValidationError({"evidence": problems})
    stored = []
    for upload in uploads:
        evidence = ProblemEvidence(problem=problem)
        upload_store(evidence, upload=upload, actor=actor)
        stored.append(evidence)
    return stored
