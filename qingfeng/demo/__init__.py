"""The demo data of every app, behind ``manage.py seed_demo``."""

# The change reason of every history row the demo writes.
CHANGE_REASON = "seed_demo"
