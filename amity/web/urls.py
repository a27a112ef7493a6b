"""Route the server-rendered pages.

Other pages add one `path(...)` line here and a nav item in amity/base.html.
"""

from django.urls import path

from amity.web.views import auth, interactions, notes, people, today

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("", today.today_page, name="home"),
    path("today/<int:person_id>/done/", today.today_done, name="today_done"),
    path("today/<int:person_id>/snooze/", today.today_snooze, name="today_snooze"),
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

# Sharing, introductions, referrals and network breadth (issue 6), kept in one block so
# the pages above and below can change without touching it.
from amity.web.views import insights, intros, share  # noqa: E402

urlpatterns += [
    path("share/", share.share_page, name="share"),
    path("share/log/", share.share_log, name="share_log"),
    path("reading/<int:item_id>/archive/", share.reading_archive, name="reading_archive"),
    path("intros/", intros.intros_page, name="intros"),
    path("intros/propose/", intros.intro_propose, name="intro_propose"),
    path("intros/dismiss/", intros.intro_dismiss, name="intro_dismiss"),
    path("intros/<int:intro_id>/", intros.intro_detail, name="intro_detail"),
    path("intros/<int:intro_id>/advance/", intros.intro_advance, name="intro_advance"),
    path("intros/<int:intro_id>/decline/", intros.intro_decline, name="intro_decline"),
    path("referrals/", intros.referral_add, name="referral_add"),
    path("referrals/<int:referral_id>/", intros.referral_step, name="referral_step"),
    path("insights/", insights.insights_page, name="insights"),
]

from amity.web.views import imports  # noqa: E402  (importers, issue 3)

urlpatterns.append(path("import/", imports.import_page, name="imports"))

# The message coach and inbound triage (issue 5).
from amity.web.views import coach, inbox  # noqa: E402

urlpatterns += [
    path("coach/", coach.coach_page, name="coach"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/<int:interaction_id>/label/", inbox.label_message, name="inbox_label"),
    path("inbox/<int:interaction_id>/unlabel/", inbox.unlabel_message, name="inbox_unlabel"),
]

# Contact cadences: a person's from their page, a tag's from its people list.
from amity.web.views import cadences  # noqa: E402

urlpatterns += [
    path("people/<int:person_id>/cadence/", cadences.person_cadence, name="person_cadence"),
    path("tags/<int:tag_id>/cadence/", cadences.tag_cadence, name="tag_cadence"),
]
