"""Juries in the Django admin, for the platform's operators.

Read-mostly and audited (see ``curiouslab/accounts/admin.py``): the vote and its marks go
through the services and their pages. Marks and jurors' comments are not shown here at all:
nobody reads them before the results are locked.
"""

from django.contrib import admin

from curiouslab.accounts.admin import AuditedAdmin, ReadOnlyInline
from trophies.models import Award, AwardCategory, Criterion, Finalist, Jury, JuryMember


class JuryMemberInline(ReadOnlyInline):
    model = JuryMember
    fields = ["name", "email", "user", "created_at"]
    readonly_fields = fields


class FinalistInline(ReadOnlyInline):
    model = Finalist
    fields = ["team", "challenge", "order", "casting_priority"]
    readonly_fields = fields


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["name", "weight", "order"]
    readonly_fields = fields


class CategoryInline(ReadOnlyInline):
    model = AwardCategory
    fields = ["name", "basis", "position", "criterion"]
    readonly_fields = fields


@admin.register(Jury)
class JuryAdmin(AuditedAdmin):
    """An operator may rename a jury, change its chair or its closing session; the scale, the
    rules and the voting window are set and moved on the jury's own pages."""

    list_display = ["name", "cohort", "status", "chair", "opened_at", "closed_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["name", "cohort__name"]
    list_select_related = ["cohort", "chair"]
    raw_id_fields = ["chair", "closing_session"]
    fields = [
        "cohort",
        "name",
        "chair",
        "closing_session",
        "status",
        "scale_min",
        "scale_max",
        "comment_required",
        "normalisation",
        "tie_break",
        "audience_award",
        "opened_at",
        "closed_at",
        "published_at",
        "created_at",
    ]
    readonly_fields = [
        "cohort",
        "status",
        "scale_min",
        "scale_max",
        "comment_required",
        "normalisation",
        "tie_break",
        "audience_award",
        "opened_at",
        "closed_at",
        "published_at",
        "created_at",
    ]
    inlines = [JuryMemberInline, FinalistInline, CriterionInline, CategoryInline]

    def audit_organisation(self, obj):
        return obj.cohort.programme.organisation_id

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(AuditedAdmin):
    list_display = ["category", "rank", "team", "cohort", "created_at"]
    search_fields = ["category", "team__name", "cohort__name"]
    list_select_related = ["team", "cohort"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
