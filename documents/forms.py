"""Forms of the documents: a cohort's settings, a programme's branding and templates, the
reason of a revocation. Every check is made on the server."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from curiouslab.errors import DomainError
from curiouslab.uploads import check_logo
from documents.models import DocumentBranding, DocumentSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = ["attendance_min_percent"]


class BrandingForm(forms.ModelForm):
    class Meta:
        model = DocumentBranding
        fields = ["primary_color", "accent_color", "signatory_name", "signatory_title", "logo"]

    def clean_logo(self):
        """A new logo goes through the project's upload policy (curiouslab/uploads.py): a PNG
        or JPEG by its bytes, decoded within a pixel limit, and drawn by WeasyPrint."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            try:
                check_logo(logo)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return logo


class TemplateForm(forms.Form):
    html = forms.CharField(
        label=gettext_lazy("HTML"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
    )
    css = forms.CharField(
        label=gettext_lazy("CSS"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)
