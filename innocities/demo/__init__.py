"""The demo partnership behind ``manage.py seed_demo`` (see ``partnership.py``)."""
