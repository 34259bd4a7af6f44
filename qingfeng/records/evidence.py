"""Evidence files (佐证材料) of records: checking and storing an upload (the download,
only to users whose scope includes the record's unit, is ``views_evidence``)."""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.lib.history import save_validated
from qingfeng.records.models import Evidence, Record
from qingfeng.records.periods import refuse_frozen

# Office types mimetypes may not know on a minimal system.
_TYPES = {
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def content_type_of(name: str) -> str:
    """The content type by the file's extension (never the browser's claim)."""
    extension = os.path.splitext(name)[1].lower()
    return _TYPES.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def evidence_problems(upload: UploadedFile) -> list[str]:
    """Why the upload cannot be evidence (extension, size); [] when it can."""
    name = upload.name or ""
    problems = []
    extension = os.path.splitext(name)[1].lower()
    allowed = [e.lower() for e in settings.EVIDENCE_EXTENSIONS]
    if extension not in allowed:
        problems.append(
            _('"%(name)s": this type of file is not accepted; use one of: %(allowed)s')
            % {"name": name, "allowed": ", ".join(allowed)}
        )
    if (upload.size or 0) > settings.EVIDENCE_MAX_BYTES:
        problems.append(
            _('"%(name)s" is larger than %(mb)s MB')
            % {"name": name, "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        problems.append(_('"%(name)s" is empty') % {"name": name})
    return problems


@transaction.atomic
def evidence_add(*, record: Record, upload: UploadedFile, actor: Any) -> Evidence:
    """Store an uploaded file as evidence of ``record`` after checking its extension and
    size (``ValidationError`` on the field ``evidence``); the history names the actor.
    Refused while the record's date is in a closed collection period (it is frozen)."""
    refuse_frozen(records=[record])
    problems = evidence_problems(upload)
    if problems:
        raise ValidationError({"evidence": problems})
    evidence = Evidence(record=record)
    upload_store(evidence, upload=upload, actor=actor)
    return evidence


def upload_store(evidence: Any, *, upload: UploadedFile, actor: Any) -> None:
    """Fill an evidence row (a record's or a problem's: ``file``, ``name``, ``size``,
    ``content_type``, ``uploaded_by``) from a checked upload, store the file and save the
    row with its history naming ``actor``."""
    name = os.path.basename(upload.name or "evidence")
    evidence.name, evidence.size = name, upload.size or 0
    evidence.content_type, evidence.uploaded_by = content_type_of(name), actor
    evidence.file.save(name, upload, save=False)
    save_validated(evidence, actor)
