from typing import Any

from django.contrib import admin

from questions.models import Answer, Community, DraftVersion, Membership, Post, Standard


class MembershipInline(admin.TabularInline[Membership, Community]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin[Community]):
    list_display = ["name", "visibility", "created_by", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class DraftVersionInline(admin.TabularInline[DraftVersion, Post]):
    """A draft's versions, read-only: files are replaced by uploading a new version."""

    model = DraftVersion
    fk_name = "post"
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "number",
        "filename",
        "file_type",
        "size",
        "uploaded_by",
        "created_at",
        "download_count",
        "text_status",
        "text_error",
    )

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    """Deleted posts stay here for admins (filter "deleted")."""

    list_display = [
        "__str__",
        "kind",
        "author",
        "community",
        "answer_count",
        "like_count",
        "created_at",
        "deleted_at",
    ]
    list_filter = ["kind", ("deleted_at", admin.EmptyFieldListFilter), "community"]
    search_fields = ["title", "body", "author__username"]
    raw_id_fields = ["author", "accepted_answer"]
    readonly_fields = [
        "body_html",
        "answer_count",
        "like_count",
        "download_count",
        "last_activity_at",
    ]
    list_select_related = ["author", "community"]
    inlines = [DraftVersionInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin[Answer]):
    list_display = ["__str__", "author", "like_count", "created_at", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["post", "author"]
    readonly_fields = ["body_html", "like_count"]
    list_select_related = ["author"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin[Standard]):
    """De facto standards, read-only: `manage.py recompute_standards` writes them."""

    list_display = ["tag", "status", "competing", "post", "answer", "since", "led_since"]
    list_filter = ["status", "competing"]
    search_fields = ["tag__name", "post__title"]
    list_select_related = ["tag", "post", "answer"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
