"""Documents in the Django admin, for the platform's operators.

Read-mostly and audited (see ``curiouslab/accounts/admin.py``): the documents' life (issue,
render, revoke) goes through the services and their pages."""

from django.contrib import admin

from curiouslab.accounts.admin import AuditedAdmin
from documents.models import Document, DocumentBranding, DocumentSettings, DocumentTemplate


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    """Documents are issued, rendered and revoked (with a reason) on the platform; the admin
    finds them by code or person and shows what was printed."""

    list_display = [
        "verification_code",
        "kind",
        "recipient",
        "cohort",
        "status",
        "issued_at",
        "revoked_at",
    ]
    list_filter = ["kind", "status", "language"]
    search_fields = ["verification_code", "recipient__email", "recipient__last_name"]
    list_select_related = ["recipient", "cohort"]
    date_hierarchy = "issued_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(AuditedAdmin):
    """Templates are edited on the platform, which checks them and shows a preview."""

    list_display = ["programme", "kind", "language", "updated_at", "updated_by"]
    list_filter = ["kind", "language"]
    search_fields = ["programme__name"]
    list_select_related = ["programme", "updated_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentBranding)
class DocumentBrandingAdmin(AuditedAdmin):
    list_display = ["programme", "primary_color", "accent_color", "signatory_name"]
    search_fields = ["programme__name", "signatory_name"]
    list_select_related = ["programme"]
    # The logo is uploaded on the platform, which checks the file.
    readonly_fields = ["programme", "logo"]

    def audit_organisation(self, obj):
        return obj.programme.organisation_id

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(AuditedAdmin):
    list_display = ["cohort", "attendance_min_percent", "requeued_at", "requeued_count"]
    search_fields = ["cohort__name"]
    list_select_related = ["cohort"]
    readonly_fields = ["cohort", "requeued_at", "requeued_count"]

    def audit_organisation(self, obj):
        return obj.cohort.programme.organisation_id

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
