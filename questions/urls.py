from django.urls import path

from questions import standards_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("compose/", views.compose, name="compose"),
    path("ask/", views.ask, name="ask"),
    path("preview/", views.markdown_preview, name="markdown_preview"),
    path("q/<int:pk>/", views.post_detail, name="post_short"),
    path("q/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("q/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("q/<int:pk>/answer/", views.answer_create, name="answer_create"),
    path("q/<int:pk>/accept/", views.accept, name="accept"),
    path("q/<int:pk>/like/", views.like_post, name="like_post"),
    path("q/<int:pk>/bookmark/", views.bookmark_post, name="bookmark_post"),
    path("q/<int:pk>/versions/", views.draft_version_create, name="draft_version_create"),
    path("q/<int:pk>/feedback/", views.draft_feedback, name="draft_feedback"),
    # After the q/<pk>/<verb>/ routes, which its slug would otherwise swallow.
    path("q/<int:pk>/<slug:slug>/", views.post_detail, name="post"),
    path("drafts/new/", views.share_draft, name="share_draft"),
    path("files/<int:pk>/download/", views.draft_download, name="draft_download"),
    path("files/<int:pk>/view/", views.draft_view, name="draft_view"),
    path("a/<int:pk>/card/", views.answer_card, name="answer_card"),
    path("a/<int:pk>/edit/", views.answer_edit, name="answer_edit"),
    path("a/<int:pk>/delete/", views.answer_delete, name="answer_delete"),
    path("a/<int:pk>/like/", views.like_answer, name="like_answer"),
    path("a/<int:pk>/bookmark/", views.bookmark_answer, name="bookmark_answer"),
    path("bookmarks/<int:pk>/privacy/", views.bookmark_privacy, name="bookmark_privacy"),
    path("tags/suggest/", views.tag_suggest, name="tag_suggest"),
    path("tags/<str:slug>/", views.tag_page, name="tag"),
    path("tags/<str:slug>/follow/", views.tag_follow, name="tag_follow"),
    path("standards/", standards_views.standards_page, name="standards"),
    path("communities/", views.communities, name="communities"),
    path("c/<slug:slug>/", views.community_detail, name="community"),
    path("c/<slug:slug>/membership/", views.community_membership, name="community_membership"),
    path("c/<slug:slug>/members/", views.community_add_member, name="community_add_member"),
]
