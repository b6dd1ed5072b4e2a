from django.urls import path

from . import views

app_name = "briefings"
urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("briefings/<slug:slug>/", views.detail, name="detail"),
    path("standards/", views.standards, name="standards"),
    path("sources/", views.outlet_list, name="outlets"),
    path("sources/<slug:slug>/", views.outlet_detail, name="outlet"),
    path("corrections/", views.corrections, name="corrections"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path(
        "preview/<int:pk>/revisions/<int:number>/",
        views.revision_preview,
        name="revision_preview",
    ),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
]
