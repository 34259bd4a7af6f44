"""The API's docs page without any CDN: the reference in the site's language (our own page,
``api/reference.html``), and, at ``?ui=swagger``, Swagger UI from django-ninja's bundled
files for trying the calls (its own buttons are English only).

django-ninja renders its offline template only when ``ninja`` is an installed app (else it
falls back to a template loading Swagger UI from a CDN, which an intranet cannot reach).
This page uses our own template and serves the few bundled files itself, from the
installed django-ninja package, so it works offline whatever the settings.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

from qingfeng.api.reference import api_reference

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
# The only files served: Swagger UI (Apache-2.0, bundled by django-ninja) and its favicon.
ASSETS = frozenset(("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"))


class OfflineSwagger(DocsBase):
    """Swagger UI with every asset served by this site."""

    template = "api/swagger.html"

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = {"layout": "BaseLayout", "deepLinking": True}
        self.settings.update(settings or {})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # The document itself, not its URL: written now, in this page's language (the
        # site's rule), where a fetch of openapi.json would follow Accept-Language.
        document = api.get_openapi_schema(path_params=kwargs)
        if request.GET.get("ui") != "swagger":
            context = {
                "title": document["info"]["title"],
                "description": document["info"].get("description", ""),
                "operations": api_reference(document),
            }
            return render(request, "api/reference.html", context)
        settings = {**self.settings, "spec": document}

        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})

        context = {
            "api": api,
            # Rendered with json_script: escaped for HTML, read by swagger-ui-init.js.
            "swagger_settings": settings,
            "css": asset("swagger-ui.css"),
            "bundle": asset("swagger-ui-bundle.js"),
            "init": asset("swagger-ui-init.js"),
            "favicon": asset("favicon.png"),
        }
        return render(request, self.template, context)


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the bundled Swagger UI files (public, like the docs page; cached a day)."""
    if name not in ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
