"""The admin for posts, answers and communities.

Everything the admin changes that has side effects goes through questions.actions, as the
site's pages do: a post's title, text and tags (edit_post: HTML re-rendered, mentions,
reindexed), an answer's text (edit_answer), deletions (soft: delete_post, delete_answer)
and a community's visibility (set_community_visibility: its posts reindexed). The actions
check who acts (a refusal is the normal 404 or 403 page) and log staff changes to others'
things (intranet.lib.audit: the admin's own log, which therefore does not record post and
answer changes a second time; a community's other fields are logged by the admin as
usual); their rule violations show on the form. Fields no action
changes are read-only here, and posts and answers are written on the site, never added here.
"""

from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from profiles.models import User
from questions import actions
from questions.models import Answer, Community, DraftVersion, Membership, Post, Standard


class MembershipForm(forms.ModelForm[Membership]):
    def clean_user(self) -> User:
        user: User = self.cleaned_data["user"]
        if user.is_former and "user" in self.changed_data:  # add_member's rule
            raise forms.ValidationError("Former colleagues cannot be added to a community.")
        return user


class MembershipInline(admin.TabularInline[Membership, Community]):
    """Members (no side effects beyond who sees the community's posts, which search reads
    at query time); a former colleague is not added, as with add_member."""

    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["user"]


class _ActingForm(forms.ModelForm):
    """A model form that knows the staff member using it (set by ActionsAdmin.get_form)."""

    acting: User

    def _apply(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


M = TypeVar("M", bound=Model)


class ActionsAdmin(admin.ModelAdmin[M], Generic[M]):
    """Shared by the admins whose changes go through actions: the form learns who acts,
    and deletion is the action's soft delete."""

    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[M]]:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"acting": request.user})

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        # Deleting is a soft delete through the action: nothing else goes with it, and
        # answers protecting a post do not stand in the way.
        items = [str(obj) for obj in objs]
        return items, {str(self.model._meta.verbose_name_plural): len(items)}, set(), []

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class LoggedByActions(ActionsAdmin[M]):
    """An admin whose every change and deletion is an action's, and the action logs staff
    changes to other people's things: the admin's own log entries would say it twice."""

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    def log_deletion(self, request: HttpRequest, obj: Any, object_repr: str) -> None:  # type: ignore[override]
        return None

    def log_deletions(self, request: HttpRequest, queryset: Any) -> None:  # type: ignore[override]
        return None


@admin.register(Community)
class CommunityAdmin(ActionsAdmin[Community]):
    list_display = ["name", "visibility", "created_by", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_model(
        self, request: HttpRequest, obj: Community, form: ModelForm[Community], change: bool
    ) -> None:
        # Visibility goes through the action (reindexing the posts, logged); the rest of
        # the community is saved as typed.
        if not change or "visibility" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        wanted = obj.visibility
        obj.visibility = Community.objects.values_list("visibility", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        actions.set_community_visibility(
            by=request.user,  # type: ignore[arg-type]
            community=obj,
            visibility=wanted,
        )


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


class PostAdminForm(_ActingForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and not self.errors and self._text_changed():
            try:
                actions.check_edit_post(
                    post=self.instance,
                    editor=self.acting,
                    title=data.get("title", ""),
                    body=data.get("body", ""),
                    tags=list(data.get("tags", [])),
                )
            except ValidationError as error:
                self._apply(error)
        return data

    def _text_changed(self) -> bool:
        return bool({"title", "body", "tags"} & set(self.changed_data))


@admin.register(Post)
class PostAdmin(LoggedByActions[Post]):
    """Deleted posts stay here for admins (filter "deleted")."""

    form = PostAdminForm
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
    fields = [
        "kind",
        "author",
        "community",
        "title",
        "body",
        "tags",
        "feedback_wanted",
        "body_html",
        "accepted_answer",
        "created_at",
        "edited_at",
        "deleted_at",
        "answer_count",
        "like_count",
        "download_count",
        "view_count",
        "last_activity_at",
    ]
    readonly_fields = [
        "kind",
        "author",
        "community",
        "body_html",
        "accepted_answer",
        "created_at",
        "edited_at",
        "deleted_at",
        "answer_count",
        "like_count",
        "download_count",
        "view_count",
        "last_activity_at",
    ]
    list_select_related = ["author", "community"]
    inlines = [DraftVersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # posts are written on the site (ask, share a draft)

    def save_model(
        self, request: HttpRequest, obj: Post, form: ModelForm[Post], change: bool
    ) -> None:
        post = Post.objects.select_related("community", "author").get(pk=obj.pk)
        data = form.cleaned_data
        if {"title", "body", "tags"} & set(form.changed_data):
            actions.edit_post(
                post=post,
                editor=request.user,  # type: ignore[arg-type]
                title=data["title"],
                body=data["body"],
                tags=list(data["tags"]),
            )
        if "feedback_wanted" in form.changed_data:
            actions.set_feedback_wanted(
                post=post,
                by=request.user,  # type: ignore[arg-type]
                wanted=data["feedback_wanted"],
            )

    def save_related(
        self, request: HttpRequest, form: ModelForm[Post], formsets: Any, change: bool
    ) -> None:
        # The tags were set by edit_post; the versions inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        actions.delete_post(post=obj, by=request.user)  # type: ignore[arg-type]


class AnswerAdminForm(_ActingForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and not self.errors and "body" in self.changed_data:
            try:
                actions.check_edit_answer(
                    answer=self.instance, editor=self.acting, body=data.get("body", "")
                )
            except ValidationError as error:
                self._apply(error)
        return data


@admin.register(Answer)
class AnswerAdmin(LoggedByActions[Answer]):
    form = AnswerAdminForm
    list_display = ["__str__", "author", "like_count", "created_at", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__username"]
    fields = ["post", "author", "version", "body", "body_html", "like_count"]
    fields += ["created_at", "edited_at", "deleted_at"]
    readonly_fields = ["post", "author", "version", "body_html", "like_count"]
    readonly_fields += ["created_at", "edited_at", "deleted_at"]
    list_select_related = ["author"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # answers are written on the site

    def save_model(
        self, request: HttpRequest, obj: Answer, form: ModelForm[Answer], change: bool
    ) -> None:
        if "body" in form.changed_data:
            answer = Answer.objects.select_related("post__community").get(pk=obj.pk)
            actions.edit_answer(
                answer=answer,
                editor=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
            )

    def delete_model(self, request: HttpRequest, obj: Answer) -> None:
        actions.delete_answer(answer=obj, by=request.user)  # type: ignore[arg-type]


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
