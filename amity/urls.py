"""Route the web pages, the REST API and the admin."""

from django.contrib import admin
from django.urls import include, path

from amity.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("amity.web.urls")),
]
