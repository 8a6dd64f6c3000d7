"""Programmes and cohorts in the Django admin (read-mostly, audited: see accounts/admin.py)."""

from django.contrib import admin

from cohorts.models import Cohort, Programme, SchoolEnrolment, Team
from curiouslab.accounts.admin import AuditedAdmin, ReadOnlyInline


class CohortInline(ReadOnlyInline):
    model = Cohort
    fields = ["name", "year", "call_opens", "kickoff", "closing"]
    readonly_fields = fields


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "team_min_size", "team_max_size", "created_at"]
    list_filter = ["organisation__kind"]
    search_fields = ["name", "slug", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [CohortInline]

    def audit_organisation(self, obj):
        return obj.organisation_id

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cohort)
class CohortAdmin(AuditedAdmin):
    list_display = ["name", "programme", "year", "call_opens", "call_closes", "kickoff", "closing"]
    list_filter = ["year"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]
    raw_id_fields = ["programme", "previous"]
    readonly_fields = ["created_at"]
    date_hierarchy = "kickoff"

    def audit_organisation(self, obj):
        return obj.programme.organisation_id

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SchoolEnrolment)
class SchoolEnrolmentAdmin(AuditedAdmin):
    """Enrolments are decided on the platform (which e-mails the school): read-only here."""

    list_display = ["school", "cohort", "status", "decided_by", "decided_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["school__name", "cohort__name"]
    list_select_related = ["school", "cohort", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "cohort", "challenge", "status", "challenge_bound_at"]
    list_filter = ["status"]
    search_fields = ["name", "cohort__name", "challenge__title"]
    list_select_related = ["cohort", "challenge"]
    raw_id_fields = ["cohort"]
    # The challenge is bound when the municipality selects a scenario (cohorts.services).
    readonly_fields = ["challenge", "status", "challenge_bound_at", "created_at"]

    def audit_organisation(self, obj):
        return obj.cohort.programme.organisation_id

    def has_delete_permission(self, request, obj=None):
        return False
