"""Route the server-rendered pages.

Other pages add one `path(...)` line here and a nav item in amity/base.html.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from amity.web.views import auth, interactions, notes, people

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    # Until the Today page exists, home is the people list.
    path("", login_required(RedirectView.as_view(pattern_name="people")), name="home"),
    path("people/", people.people_list, name="people"),
    path("people/new/", people.person_new, name="person_new"),
    path("people/<int:person_id>/", people.person_detail, name="person"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:person_id>/delete/", people.person_delete, name="person_delete"),
    path(
        "people/<int:person_id>/interactions/new/",
        interactions.interaction_new,
        name="interaction_new",
    ),
    path(
        "people/<int:person_id>/interactions/<int:interaction_id>/delete/",
        interactions.interaction_delete,
        name="interaction_delete",
    ),
    path("people/<int:person_id>/notes/new/", notes.note_new, name="note_new"),
    path(
        "people/<int:person_id>/notes/<int:note_id>/delete/",
        notes.note_delete,
        name="note_delete",
    ),
]
