"""gunicorn's settings for the portal (``gunicorn -c python:innocities.gunicorn_conf``): the
access log goes through a logger that masks the secrets in URLs (innocities.core.logs)."""

logger_class = "innocities.core.logs.MaskedGunicornLogger"
accesslog = "-"
