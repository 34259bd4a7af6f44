"""The demo's satisfaction questionnaire (issue 16): ``questionnaires/satisfaction.yaml``
read through the questionnaire import's reader and checks, stored and published through
the questionnaire services, so the demo's campaigns have a published version to put to
the public. Eight questions, a few milliseconds."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from qingfeng.org.models import Region
from qingfeng.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus
from qingfeng.surveys.questionnaire_io_read import read_questionnaire
from qingfeng.surveys.questionnaire_spec import spec_problems
from qingfeng.surveys.services_questionnaires import (
    questionnaire_create,
    version_fill,
    version_publish,
)

SATISFACTION = Path(__file__).resolve().parent / "questionnaires" / "satisfaction.yaml"


def seed_questionnaires(region: Region) -> QuestionnaireVersion:
    """The demo satisfaction questionnaire of ``region``, published: made once (again it
    returns the published version already there). Its code is the file's, or the file's
    with the region's code when another region holds that one (a province's counties)."""
    spec, locate, issues = read_questionnaire(SATISFACTION.read_bytes(), SATISFACTION.name)
    problems = [str(issue) for issue in issues]
    if spec is not None:
        problems += [str(problem) for problem in spec_problems(spec, locate=locate)]
    if spec is None or problems:
        raise ValidationError(problems)
    code = str(spec.code)
    taken = Questionnaire.objects.filter(code=code).exclude(region=region).exists()
    if taken:
        code = f"{code}-{region.code}"
    existing = (
        QuestionnaireVersion.objects.filter(
            questionnaire__code=code, questionnaire__region=region, status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .first()
    )
    if existing is not None:
        return existing
    spec.code = code
    with transaction.atomic():
        draft = questionnaire_create(code=code, name=str(spec.name), region=region, actor=None)
        version_fill(version=draft, spec=spec, actor=None)
        return version_publish(version=draft, actor=None)
