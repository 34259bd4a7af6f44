"""The default Word templates shipped with Qingfeng (``build.py`` writes them)."""
