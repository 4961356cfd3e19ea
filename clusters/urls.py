from __future__ import annotations

from django.urls import path

from clusters.views import exports, meetings, pages, roster, roster_import, shared_needs

app_name = "clusters"

# A cluster's own page and its benchmarks are the portal's (innocities.portal.urls): they
# show the members' programmes too.
urlpatterns = [
    path("", pages.list_view, name="list"),
    path("<int:pk>/members/add/", roster.member_add, name="member_add"),
    path("<int:pk>/members/search/", roster.member_search, name="member_search"),
    path("<int:pk>/members/<int:membership_pk>/end/", roster.member_end, name="member_end"),
    path("<int:pk>/partners/add/", roster.partner_add, name="partner_add"),
    path("<int:pk>/partners/<int:partner_pk>/end/", roster.partner_end, name="partner_end"),
    path("<int:pk>/people/add/", roster.person_add, name="person_add"),
    path("<int:pk>/people/<int:entry_pk>/end/", roster.person_end, name="person_end"),
    path("<int:pk>/people/import/", roster_import.roster_import, name="roster_import"),
    path("<int:pk>/roster/export/<str:fmt>/", exports.roster_export, name="roster_export"),
    path("<int:pk>/needs/add/", roster.need_add, name="need_add"),
    path("<int:pk>/shared-needs/", shared_needs.shared_needs, name="shared_needs"),
    path(
        "<int:pk>/shared-needs/accept/",
        shared_needs.shared_need_accept,
        name="shared_need_accept",
    ),
    path(
        "<int:pk>/shared-needs/dismiss/",
        shared_needs.shared_need_dismiss,
        name="shared_need_dismiss",
    ),
    path(
        "<int:pk>/shared-needs/restore/",
        shared_needs.shared_need_restore,
        name="shared_need_restore",
    ),
    path("<int:pk>/meetings/", meetings.meetings, name="meetings"),
    path("<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("<int:pk>/meetings/export/<str:fmt>/", exports.meetings_export, name="meetings_export"),
    path("<int:pk>/meetings/<int:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:pk>/meetings/<int:meeting_pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"
    ),
    path("<int:pk>/meetings/<int:meeting_pk>/reply/", meetings.meeting_reply, name="meeting_reply"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/attendance/",
        meetings.meeting_attendance,
        name="meeting_attendance",
    ),
    # Reply links in invitation e-mails: no login, the signed token names the invitee.
    path("meetings/reply/<str:token>/", meetings.meeting_rsvp, name="meeting_rsvp"),
]
