from __future__ import annotations

# The real-worker fixtures of the invitation test (broker, test database URL, mail folder).
from tests.test_celery_worker import broker_env, mail_dir, test_database_url  # noqa: F401
