"""Forms of the public site."""

from django import forms

from .models import ErrorReport
from .models.error_report import PASSAGE_MAX_LENGTH, PROBLEM_MAX_LENGTH


class ErrorReportForm(forms.ModelForm):
    """A reader's report. ``website`` is a honeypot: hidden from people, filled by bots."""

    website = forms.CharField(required=False, label="Leave this empty", max_length=200)

    class Meta:
        model = ErrorReport
        fields = ["passage", "problem", "email"]
        labels = {
            "passage": "The passage that is wrong",
            "problem": "What is wrong, and how do you know?",
            "email": "Your email (optional)",
        }
        help_texts = {
            "passage": "Copy the words from the briefing.",
            "problem": "Sources help us check quickly.",
            "email": "Only to tell you what we decided. We do not publish it or add it to "
            "any list.",
        }
        widgets = {
            "passage": forms.Textarea(attrs={"rows": 3, "maxlength": PASSAGE_MAX_LENGTH}),
            "problem": forms.Textarea(attrs={"rows": 5, "maxlength": PROBLEM_MAX_LENGTH}),
        }
        error_messages = {
            "passage": {
                "required": "Quote the passage you think is wrong.",
                "max_length": (
                    f"Quote at most {PASSAGE_MAX_LENGTH} characters "
                    "(you quoted %(show_value)d): the sentence that is wrong is enough."
                ),
            },
            "problem": {
                "required": "Tell us what is wrong.",
                "max_length": (
                    f"Keep it to {PROBLEM_MAX_LENGTH} characters (you wrote %(show_value)d); "
                    "for more, write to us by email."
                ),
            },
            "email": {
                "invalid": "That email address does not look right; check it or leave it empty."
            },
        }

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
