"""Route the server-rendered pages, grouped by what they are about.

A new page adds one `path(...)` line in its group and a nav item in amity/base.html.
"""

from django.urls import path

from amity.web.views import (
    auth,
    cadences,
    coach,
    imports,
    inbox,
    insights,
    interactions,
    intros,
    notes,
    people,
    share,
    sync,
    today,
    webapp,
)

urlpatterns = [
    # Signing in and out.
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    # Installing Amity on a phone: the manifest names the share target (the Share page).
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    # Today.
    path("", today.today_page, name="home"),
    path("today/<int:person_id>/done/", today.today_done, name="today_done"),
    path("today/<int:person_id>/snooze/", today.today_snooze, name="today_snooze"),
    # People, their timeline and cadences.
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
    path("people/<int:person_id>/cadence/", cadences.person_cadence, name="person_cadence"),
    path("tags/<int:tag_id>/cadence/", cadences.tag_cadence, name="tag_cadence"),
    # Sharing, introductions, referrals and network breadth.
    path("share/", share.share_page, name="share"),
    path("share/log/", share.share_log, name="share_log"),
    path("reading/<int:item_id>/archive/", share.reading_archive, name="reading_archive"),
    path("intros/", intros.intros_page, name="intros"),
    path("intros/propose/", intros.intro_propose, name="intro_propose"),
    path("intros/dismiss/", intros.intro_dismiss, name="intro_dismiss"),
    path("intros/<int:intro_id>/", intros.intro_detail, name="intro_detail"),
    path("intros/<int:intro_id>/advance/", intros.intro_advance, name="intro_advance"),
    path("intros/<int:intro_id>/decline/", intros.intro_decline, name="intro_decline"),
    path("intros/<int:intro_id>/answer/", intros.intro_answer, name="intro_answer"),
    path("referrals/", intros.referral_add, name="referral_add"),
    path("referrals/<int:referral_id>/", intros.referral_step, name="referral_step"),
    path("insights/", insights.insights_page, name="insights"),
    # Bringing data in.
    path("import/", imports.import_page, name="imports"),
    path("import/jobs/<int:job_id>/", imports.import_job, name="import_job"),
    path(
        "import/jobs/<int:job_id>/progress.json",
        imports.import_job_progress,
        name="import_job_progress",
    ),
    path("import/runs/<int:run_id>/", imports.import_run, name="import_run"),
    # The message coach and inbound triage.
    path("coach/", coach.coach_page, name="coach"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/<int:interaction_id>/label/", inbox.label_message, name="inbox_label"),
    path("inbox/<int:interaction_id>/unlabel/", inbox.unlabel_message, name="inbox_unlabel"),
    path("inbox/<int:interaction_id>/move/", inbox.move_preview, name="inbox_move"),
    path("inbox/undo/", inbox.undo_last, name="inbox_undo"),
    # Live sync: mail and contacts accounts, their last sync, "Sync now".
    path("sync/", sync.sync_page, name="sync"),
    path("sync/<str:kind>/<int:pk>/now/", sync.sync_now, name="sync_now"),
    path("sync/<str:kind>/<int:pk>/remove/", sync.sync_remove, name="sync_remove"),
]

# Reminders (issue 17): the private calendar feed, the reminders page and the weekly review.
from amity.web.views import reminders  # noqa: E402

urlpatterns += [
    path("calendar/<str:token>.ics", reminders.calendar_feed, name="calendar_feed"),
    path("reminders/", reminders.reminders_page, name="reminders"),
    path("reminders/calendar/reset/", reminders.calendar_reset, name="calendar_reset"),
    path("review/", reminders.review_page, name="review"),
    # The digest's signed one-click links: no login, single purpose, expiring.
    path("r/<str:action>/<str:token>/", reminders.reminder_link, name="reminder_link"),
    path("r/undo/", reminders.reminder_link_undo, name="reminder_link_undo"),
]

# Edit and undo (issue 15): change interactions and notes; undo deletes, snoozes, "Done".
from amity.web.views import undo  # noqa: E402

urlpatterns += [
    path(
        "people/<int:person_id>/interactions/<int:interaction_id>/edit/",
        interactions.interaction_edit,
        name="interaction_edit",
    ),
    path(
        "people/<int:person_id>/notes/<int:note_id>/edit/",
        notes.note_edit,
        name="note_edit",
    ),
    path("undo/<int:record_id>/", undo.undo_action, name="undo"),
]

# The Account page (issue 15): change the password, manage API tokens.
from amity.web.views import account  # noqa: E402

urlpatterns += [
    path("account/", account.account_page, name="account"),
    path("account/password/", account.password_change, name="account_password"),
    path("account/tokens/", account.token_create, name="account_token_create"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        account.token_revoke,
        name="account_token_revoke",
    ),
]
