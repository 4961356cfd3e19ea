"""Every periodic job of the portal, in one place.

django-celery-beat's DatabaseScheduler copies these entries into its tables when beat starts,
so the admin shows them (Periodic tasks) and an operator can change times there. One beat
instance runs them; each job is a scan that computes what is due, so a missed or repeated
run is harmless.
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "scan-reminders": {
        "task": "innocities.notifications.tasks.scan_reminders",
        "schedule": crontab(minute="*/5"),
    },
    "send-due-notifications": {
        "task": "innocities.notifications.tasks.dispatch_due",
        "schedule": crontab(minute="*"),
    },
    "scan-progress-reports": {
        "task": "innocities.reports.tasks.scan_progress_reports",
        "schedule": crontab(minute=15),
    },
    # Kolada and SSB publish on working days; once a night is plenty, before people arrive
    # and before the morning's reminder scans tell anyone of a failure.
    "sync-statistics": {
        "task": "programs.indicators.tasks.sync_statistics",
        "schedule": crontab(hour=4, minute=40),
    },
    # Outbox retention (NOTIFICATION_RETENTION_DAYS): at night, when little is sent, clear of
    # the hourly report scan (:15) and the statistics (04:40); after 03:00, so a change of
    # daylight saving time neither skips it nor runs it twice.
    "prune-outbox": {
        "task": "innocities.notifications.tasks.prune_outbox",
        "schedule": crontab(hour=3, minute=32),
    },
}
