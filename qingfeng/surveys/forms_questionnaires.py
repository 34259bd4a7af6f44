"""The questionnaires' forms: a new questionnaire, a draft's settings, one question (its
choices written one per line as ``label=score``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.org.forms import BootstrapMixin
from qingfeng.org.models import Region, UnitCategory, code_validator
from qingfeng.surveys.forms_common import offer_managed_regions
from qingfeng.surveys.models import Question, QuestionKind, QuestionnaireVersion
from qingfeng.surveys.questionnaire_spec import (
    CHOICE_KINDS,
    QuestionSpec,
    choices_text,
    parse_choices,
    version_spec,
)


class QuestionnaireForm(BootstrapMixin, forms.Form):
    """A new questionnaire: its code, name and region (one the user runs surveys for)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        validators=[code_validator],
        help_text=_("Letters, digits, dots, hyphens and underscores, e.g. SAT-TOWN."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_managed_regions(self, user)
        self._style()


class VersionForm(BootstrapMixin, forms.ModelForm):
    """A draft's title shown to respondents, its introduction and unit categories."""

    class Meta:
        model = QuestionnaireVersion
        fields = ["title", "intro", "categories"]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple,
        }
        help_texts = {"categories": _("None ticked: the questionnaire suits every category.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.ModelMultipleChoiceField)
        categories.queryset = UnitCategory.objects.order_by("code")
        self._style()


class QuestionForm(BootstrapMixin, forms.Form):
    """One question: code, kind, text, required, and for a choice question its choices,
    one per line as ``label=score`` (a line without ``=score`` scores nothing)."""

    code = forms.CharField(label=_("Code"), max_length=32, validators=[code_validator])
    kind = forms.ChoiceField(label=_("Question kind"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("Question"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "满意=100\n基本满意=60\n不满意=0\n不了解"}
        ),
        help_text=_(
            "Single or multiple choice only: one choice per line as label=score (0–100); "
            "a line without a score (e.g. 不了解) counts for nothing. A five-point question "
            "scores 0, 25, 50, 75, 100 by itself."
        ),
    )

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None and "initial" not in kwargs:
            spec = next(
                q for q in version_spec(question.version).questions if q.code == question.code
            )
            kwargs["initial"] = {
                "code": question.code,
                "kind": question.kind,
                "text": question.text,
                "required": question.required,
                "choices": choices_text(spec.choices),
            }
        super().__init__(*args, **kwargs)
        self._style()

    def spec(self) -> QuestionSpec:
        """The question as the services take it (call after ``is_valid``)."""
        data = self.cleaned_data
        kind = data["kind"]
        choices = parse_choices(data.get("choices")) if kind in CHOICE_KINDS else []
        return QuestionSpec(
            code=data["code"],
            kind=kind,
            text=data["text"].strip(),
            required=bool(data.get("required")),
            choices=choices,
        )
