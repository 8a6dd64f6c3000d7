from django.urls import path

from challenges import views

app_name = "challenges"

urlpatterns = [
    path("", views.my_challenges, name="list"),
    path("new/", views.challenge_create, name="create"),
    path("similar/", views.similar, name="similar"),
    path("<int:pk>/", views.challenge_detail, name="detail"),
    path("<int:pk>/edit/", views.challenge_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", views.challenge_transition, name="transition"),
    path("<int:pk>/comments/", views.comment_add, name="comment"),
    path("<int:pk>/outcome/", views.outcome_record, name="outcome"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/export.<str:fmt>", views.review_export, name="review_export"),
]
