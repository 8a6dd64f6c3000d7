"""The Django admin for the platform's operators: read-mostly, every change audited.

``AuditedAdmin`` writes each change made through the admin to the audit log
(``curiouslab.audit.audit_log``), in the admin's own transaction, with the values before and
after; the other apps' admins build on it. Fields that record what happened (dates, who did
it, tokens, states driven by the services) are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.models import Invitation, Membership, Organisation, User
from curiouslab.accounts.services import coordinating_org_id
from curiouslab.audit import audit_log, snapshot

# Never copied into the audit log.
SECRET_FIELDS = {"password", "token"}


def _values(obj: models.Model, names: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in names:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        elif isinstance(field, models.FileField):
            data[name] = getattr(obj, name).name or ""
        else:
            data[name] = snapshot(obj, [name])[name]
    return data


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose additions, changes and deletions land in the audit log."""

    def audit_organisation(self, obj: models.Model) -> int | None:
        """The coordinating organisation whose coordinators read the entry (None: operators)."""
        return None

    def _audited_names(self, obj: models.Model, names) -> list[str]:
        fields = {f.name for f in obj._meta.get_fields() if f.concrete or f.many_to_many}
        return [n for n in names if n in fields and n not in SECRET_FIELDS]

    def save_model(self, request, obj, form, change):
        names = self._audited_names(obj, form.changed_data if change else form.fields)
        before = None
        if change:
            old = type(obj)._default_manager.get(pk=obj.pk)
            before = _values(old, names)
        obj._audit = (names, before)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        names, before = getattr(obj, "_audit", ([], None))
        changed_inlines = [
            fs.model._meta.model_name
            for fs in formsets
            if fs.new_objects or fs.changed_objects or fs.deleted_objects
        ]
        if change and not names and not changed_inlines:
            return
        after = _values(obj, names)
        if changed_inlines:
            after["inlines"] = changed_inlines
        audit_log(
            actor=request.user,
            action=f"{obj._meta.model_name}.admin_{'change' if change else 'add'}",
            obj=obj,
            organisation=self.audit_organisation(obj),
            before=before,
            after=after,
        )

    def _log_deletion(self, request, obj):
        names = self._audited_names(obj, [f.name for f in obj._meta.concrete_fields])
        audit_log(
            actor=request.user,
            action=f"{obj._meta.model_name}.admin_delete",
            obj=obj,
            organisation=self.audit_organisation(obj),
            before=_values(obj, names),
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._log_deletion(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._log_deletion(request, obj)
            super().delete_queryset(request, queryset)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ["organisation", "role", "discipline", "level", "is_active", "created_at"]
    readonly_fields = fields


@admin.register(User)
class UserAdmin(AuditedAdmin):
    """People: operators correct names, deactivate an account or grant the admin; roles are
    memberships (below, and in their own list). Passwords are never shown or set here."""

    list_display = ["email", "last_name", "first_name", "language", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["last_name", "first_name", "email"]
    fields = [
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        # Documents, marks and the audit trail point at people: deactivate them instead.
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "territory", "commune", "departement", "uai", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "commune__insee", "uai", "city"]
    list_select_related = ["territory", "commune__departement", "departement"]
    raw_id_fields = ["territory", "commune"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]

    def audit_organisation(self, obj):
        return coordinating_org_id(obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "discipline", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user", "organisation"]
    readonly_fields = ["created_at"]

    def audit_organisation(self, obj):
        return coordinating_org_id(obj.organisation)


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    """Invitations are sent from the platform (which e-mails them); here they are read, and
    one can be revoked by setting its revocation date."""

    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["email", "last_name", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    exclude = ["token"]
    readonly_fields = [
        "email",
        "first_name",
        "last_name",
        "organisation",
        "role",
        "discipline",
        "level",
        "invited_by",
        "language",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]

    def audit_organisation(self, obj):
        return coordinating_org_id(obj.organisation)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Curious Lab administration")
admin.site.site_title = _("Curious Lab administration")
