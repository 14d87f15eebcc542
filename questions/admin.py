from django.contrib import admin

from questions.models import Answer, Community, Membership, Post


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
    readonly_fields = ["body_html", "answer_count", "like_count", "last_activity_at"]
    list_select_related = ["author", "community"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin[Answer]):
    list_display = ["__str__", "author", "like_count", "created_at", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["post", "author"]
    readonly_fields = ["body_html", "like_count"]
    list_select_related = ["author"]
