from django.contrib import admin

from challenges.models import (
    Challenge,
    ChallengeAttachment,
    ChallengeComment,
    ChallengeTransition,
    ChallengeVersion,
)


class TransitionInline(admin.TabularInline):
    model = ChallengeTransition
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "message"]
    readonly_fields = fields
    can_delete = False


class AttachmentInline(admin.TabularInline):
    model = ChallengeAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    """Read-mostly: the status changes only through the services (the review page)."""

    list_display = ["title", "municipality", "programme", "call", "status", "submitted_at"]
    list_filter = ["status", "theme", "programme"]
    search_fields = ["title", "question", "municipality__name"]
    list_select_related = ["municipality", "programme", "call"]
    readonly_fields = ["status", "submitted_at", "decided_at", "created_by", "review_message"]
    raw_id_fields = ["municipality", "programme", "call", "cohort"]
    inlines = [TransitionInline, AttachmentInline]


@admin.register(ChallengeComment)
class ChallengeCommentAdmin(admin.ModelAdmin):
    list_display = ["challenge", "author", "from_coordinator", "created_at"]
    raw_id_fields = ["challenge", "author"]


@admin.register(ChallengeVersion)
class ChallengeVersionAdmin(admin.ModelAdmin):
    list_display = ["challenge", "number", "author", "created_at"]
    raw_id_fields = ["challenge", "author"]
