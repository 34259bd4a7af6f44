"""The layering of the apps, in one place (``tests/core/test_layers.py`` enforces it).

Modules are of two kinds. ENTRY modules are where a request, a command or the demo seed
comes in: views, URL confs, forms, admin, app configs, template tags, management
commands, the API's endpoints and the demo package. They may import the domain modules of
any app. DOMAIN modules are everything else (models, services, selectors, the engine,
interchange …): a domain module may import only domain modules of its own layer and of the
layers ``ALLOWED`` lists for it, never an entry module. The allowed edges form no cycle,
so every app can be understood (and tested) with only the apps below it.

Imports under ``if TYPE_CHECKING:`` do not count: they are for annotations only.

This module is data only: it imports nothing, like the rest of ``lib``.
"""

from __future__ import annotations

# A layer is a package under ``qingfeng``; a module belongs to the longest layer name that
# prefixes it (``scoring.engine`` is the pure engine, below the framework that feeds it;
# the rest of ``scoring`` stores and reads its results).
ALLOWED: dict[str, frozenset[str]] = {
    # Plumbing shared by the apps: imports no app.
    "lib": frozenset(),
    # The pure scoring engine (numpy, no Django models).
    "scoring.engine": frozenset(),
    # Regions, units, people, stations, discipline groups.
    "org": frozenset({"lib"}),
    # Users and roles, and who may see what (built on the organisation).
    "accounts": frozenset({"lib", "org"}),
    # Every user's inbox of notices (other apps call ``inbox.services.notify``).
    "inbox": frozenset({"lib", "org", "accounts"}),
    # Word documents: editable templates, numbers (文号) without gaps, issued files kept.
    "documents": frozenset({"lib", "org", "accounts"}),
    # Indicator frameworks and their versions.
    "framework": frozenset({"lib", "org", "accounts", "scoring.engine"}),
    # Scoring a period and storing its snapshots; knows nothing of where records come from.
    "scoring": frozenset({"lib", "org", "accounts", "framework", "scoring.engine"}),
    # The warning register (synced from the snapshots) and the responses to warnings.
    "monitoring": frozenset(
        {"lib", "org", "accounts", "inbox", "documents", "framework", "scoring", "scoring.engine"}
    ),
    # Collected records, their review, and rescoring after a change (records feed scoring;
    # a recompute syncs the warning register in the same transaction).
    "records": frozenset(
        {"lib", "org", "accounts", "inbox", "framework", "scoring", "scoring.engine", "monitoring"}
    ),
    # The problem ledger: problems from stations, warnings and records; their
    # rectification; the rectification rate fed back as records.
    "rectification": frozenset(
        {
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring",
            "scoring.engine",
            "monitoring",
            "records",
        }
    ),
    # The two-responsibilities platform: duty lists, fulfilment, lights, reports, checks,
    # accountability; the leader's file reads the warnings and problems of the units led,
    # and the fulfilment rate is fed back as records.
    "duties": frozenset(
        {
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring",
            "scoring.engine",
            "monitoring",
            "records",
            "rectification",
        }
    ),
    # The analysis pages' reads (the one-stop query also finds duty records).
    "dashboard": frozenset(
        {
            "duties",
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring.engine",
            "scoring",
            "monitoring",
            "records",
            "rectification",
        }
    ),
    # Reports: papers made from the analysis reads (diagnosis, analysis, booklet, circular,
    # feedback letters, filing list), edited, issued and delivered.
    "reports": frozenset(
        {
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring.engine",
            "scoring",
            "monitoring",
            "records",
            "rectification",
            "duties",
            "dashboard",
        }
    ),
    # Surveys and evaluations: questionnaires answered by QR code, democratic and cross
    # evaluation; closing one writes its values as records (through the records app).
    "surveys": frozenset(
        {
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring.engine",
            "scoring",
            "monitoring",
            "records",
        }
    ),
    # The API's tokens and record batches.
    "api": frozenset(
        {
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring",
            "monitoring",
            "records",
            "rectification",
        }
    ),
    # Site-wide pages and plumbing (home, history, navigation).
    "core": frozenset(
        {
            "lib",
            "org",
            "accounts",
            "inbox",
            "documents",
            "framework",
            "scoring",
            "monitoring",
            "records",
            "rectification",
            "duties",
            "dashboard",
            "reports",
            "surveys",
            "api",
        }
    ),
}

# Entry modules, by the last part of their dotted name (a prefix ending in "*" matches
# every name starting with it) or by a package anywhere in their dotted name.
ENTRY_NAMES: tuple[str, ...] = ("views*", "urls*", "forms*", "admin", "apps")
ENTRY_PACKAGES: tuple[str, ...] = ("templatetags", "management", "migrations")
# Whole modules or packages that are entry points although their names do not say so.
ENTRY_MODULES: tuple[str, ...] = (
    "qingfeng.settings",
    "qingfeng.urls",
    "qingfeng.wsgi",
    "qingfeng.demo",
    "qingfeng.api.api",
    "qingfeng.api.docs",
    "qingfeng.core.context_processors",
    "qingfeng.core.middleware",
)
