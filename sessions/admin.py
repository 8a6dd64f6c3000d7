from django.contrib import admin

from sessions.models import (
    Attendance,
    CalendarFeed,
    CoachingEntry,
    InvitedRole,
    ReminderSent,
    Session,
    SessionMaterial,
)


class InvitedRoleInline(admin.TabularInline):
    model = InvitedRole
    extra = 0


class MaterialInline(admin.TabularInline):
    model = SessionMaterial
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "cohort", "starts_at", "place"]
    list_filter = ["kind", "cohort"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["invited_teams", "people_in_charge"]
    inlines = [InvitedRoleInline, MaterialInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "present", "method", "recorded_at"]
    list_filter = ["present", "method"]
    raw_id_fields = ["session", "user", "recorded_by"]


@admin.register(CoachingEntry)
class CoachingEntryAdmin(admin.ModelAdmin):
    list_display = ["team", "kind", "author", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["team", "author", "answered_by"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "user", "sent_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    exclude = ["token"]
