"""The demo data of every app, behind ``manage.py seed_demo``."""

# The change reason of every history row the demo writes.
CHANGE_REASON = "演示数据"  # shown on the history pages as the change's reason
