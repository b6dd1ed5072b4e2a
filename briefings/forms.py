"""Forms of the public site."""

from django import forms

from .models import ErrorReport, Topic
from .models.error_report import PASSAGE_MAX_LENGTH, PROBLEM_MAX_LENGTH
from .search import MAX_QUERY_LENGTH


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


class SearchForm(forms.Form):
    """The search page's query and filters, read from the address (GET)."""

    q = forms.CharField(label="Search for", required=False)
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
        error_messages={"invalid_choice": "There is no such topic; showing every topic."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" and "to" read well in the address but are no Python names.
        for name, label in (("from", "Published from"), ("to", "Published to")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={"invalid": "Enter a date as YYYY-MM-DD; this one was ignored."},
            )
        self.shortened = False

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if len(query) > MAX_QUERY_LENGTH:
            self.shortened = True
            query = query[:MAX_QUERY_LENGTH]
        return query

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "This date is before the first one; it was ignored.")
        return cleaned
