from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from newsroom.plaintext import html_to_text

from .models import SourceItem
from .opml import OpmlError, read_opml
from .urlnorm import canonicalize_url


class SourceItemForm(forms.ModelForm):
    """An item in the inbox; one added by hand is checked against what is already there."""

    class Meta:
        model = SourceItem
        fields = ["outlet", "url", "title", "summary", "author", "published_at", "status"]

    def clean_summary(self) -> str:
        """Pasted HTML becomes text when the summary is typed or changed, and only then: a
        saved summary is already text, and may show markup literally ("Use <b> for bold")."""
        summary = self.cleaned_data["summary"]
        return html_to_text(summary) if "summary" in self.changed_data else summary

    def clean_url(self) -> str:
        url = canonicalize_url(self.cleaned_data["url"])
        duplicate = SourceItem.objects.filter(url=url).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            link = reverse("admin:sources_sourceitem_change", args=[duplicate.pk])
            raise ValidationError(
                format_html(
                    'This story is already in the inbox: <a href="{}">{}</a> ({}).',
                    link,
                    duplicate.title,
                    duplicate.get_status_display(),
                ),
                code="duplicate",
            )
        return url


class OpmlUploadForm(forms.Form):
    """An OPML file to preview: read (within OPML_MAX_BYTES and OPML_MAX_OUTLINES) into
    ``entries``, the feeds it lists."""

    file = forms.FileField(
        label="OPML file",
        help_text="Exported from a feed reader (.opml or .xml). Nothing is imported until you "
        "confirm the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".opml,.xml,text/x-opml,text/xml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OPML_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"This file is {filesizeformat(upload.size)}; the largest accepted is "
                f"{filesizeformat(limit)} (OPML_MAX_BYTES)."
            )
        try:
            self.entries = read_opml(upload.read())
        except OpmlError as error:
            raise ValidationError(str(error)) from error
        if not self.entries:
            raise ValidationError("The file lists no feeds (no outline with an xmlUrl).")
        return upload
