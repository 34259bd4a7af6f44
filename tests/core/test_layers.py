"""The apps' import graph follows the layers of ``qingfeng.lib.layers``: no cycles between
apps, lib imports no app, no domain module imports an entry module or an app it is not
allowed to, and no app uses another app's private (underscore) names."""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qingfeng.lib import layers

PACKAGE = Path(__file__).resolve().parents[2] / "qingfeng"


@dataclass(frozen=True)
class Import:
    """One runtime import of a qingfeng module: ``from target import name`` (``name`` is
    None for ``import target``), or ``target.name`` used through a module alias."""

    module: str
    target: str
    name: str | None
    line: int

    def __str__(self) -> str:
        what = f"from {self.target} import {self.name}" if self.name else f"import {self.target}"
        return f"{self.module} (line {self.line}): {what}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return modules().get(name, Path()).name == "__init__.py"


def layer_of(module: str) -> str | None:
    """The longest layer name prefixing ``module`` (None for the project's own modules)."""
    found = None
    for layer in layers.ALLOWED:
        full = f"qingfeng.{layer}"
        if (module == full or module.startswith(full + ".")) and (
            found is None or len(layer) > len(found)
        ):
            found = layer
    return found


def is_entry(module: str) -> bool:
    parts = module.split(".")
    if any(module == m or module.startswith(m + ".") for m in layers.ENTRY_MODULES):
        return True
    if any(package in parts[:-1] or package == parts[-1] for package in layers.ENTRY_PACKAGES):
        return True
    return any(fnmatch.fnmatchcase(parts[-1], pattern) for pattern in layers.ENTRY_NAMES)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """Ids of every node under an ``if TYPE_CHECKING:`` block."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package(module):
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    """Every runtime import of a qingfeng module by ``module``, wherever it is in the file
    (a function-level import counts too), and attributes read through module aliases."""
    tree = ast.parse(modules()[module].read_text("utf-8"))
    skipped = _type_checking_nodes(tree)
    found: list[Import] = []
    aliases: dict[str, str] = {}  # local name -> qingfeng module it is bound to
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("qingfeng."):
                    found.append(Import(module, alias.name, None, node.lineno))
                    if alias.asname:
                        aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node)
            if not target.startswith("qingfeng"):
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules():
                    # ``from qingfeng.accounts import selectors``: an import of the module.
                    found.append(Import(module, submodule, None, node.lineno))
                    aliases[alias.asname or alias.name] = submodule
                else:
                    found.append(Import(module, target, alias.name, node.lineno))
    for node in ast.walk(tree):
        if (
            id(node) not in skipped
            and isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            found.append(Import(module, aliases[node.value.id], node.attr, node.lineno))
    return tuple(found)


def all_imports() -> list[Import]:
    return [found for module in modules() for found in imports_of(module)]


def is_private(name: str | None) -> bool:
    return name is not None and name.startswith("_") and not name.startswith("__")


def app_of(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_the_allowed_edges_name_known_layers_and_form_no_cycle() -> None:
    for layer, allowed in layers.ALLOWED.items():
        assert (PACKAGE / layer.replace(".", "/")).is_dir(), f"no package for layer {layer}"
        assert allowed <= set(layers.ALLOWED), f"{layer} allows unknown layers"
        assert layer not in allowed, f"{layer} lists itself"
    # Kahn's algorithm: every layer must come out, else the rest form a cycle.
    remaining = {layer: set(allowed) for layer, allowed in layers.ALLOWED.items()}
    while True:
        ready = [layer for layer, needs in remaining.items() if not needs]
        if not ready:
            break
        for layer in ready:
            del remaining[layer]
        for needs in remaining.values():
            needs.difference_update(ready)
    assert not remaining, f"the allowed edges form a cycle among {sorted(remaining)}"


def test_it_classifies_modules() -> None:
    assert layer_of("qingfeng.scoring.engine.compute") == "scoring.engine"
    assert layer_of("qingfeng.scoring.services") == "scoring"
    assert layer_of("qingfeng.settings") is None
    assert is_entry("qingfeng.org.views_edit")
    assert is_entry("qingfeng.records.urls_entry")
    assert is_entry("qingfeng.demo.org")
    assert is_entry("qingfeng.demo.management.commands.seed_demo")
    assert is_entry("qingfeng.core.templatetags.qingfeng")
    assert not is_entry("qingfeng.org.interchange")
    assert not is_entry("qingfeng.records.rescore")
    # The walk finds imports inside functions, and skips TYPE_CHECKING blocks.
    found = {(i.target, i.name) for i in imports_of("qingfeng.lib.xlsx")}
    assert ("qingfeng.lib.xlsx_stream", "streamed_bytes") in found
    assert not any(
        i.target.startswith("qingfeng.accounts") for i in imports_of("qingfeng.lib.typing")
    )


def test_domain_modules_import_only_the_layers_they_may() -> None:
    breaches = []
    for found in all_imports():
        source, target = layer_of(found.module), layer_of(found.target)
        if is_entry(found.module) or source is None or target is None or source == target:
            continue
        if target not in layers.ALLOWED[source]:
            breaches.append(f"{found}: layer {source} may not import {target}")
        elif is_entry(found.target):
            breaches.append(f"{found}: a domain module imports an entry module")
    assert not breaches, "imports against qingfeng/lib/layers.py:\n" + "\n".join(breaches)


def test_lib_imports_no_app() -> None:
    breaches = [
        str(found)
        for module in modules()
        if layer_of(module) == "lib"
        for found in imports_of(module)
        if layer_of(found.target) != "lib"
    ]
    assert not breaches, "lib imports an app:\n" + "\n".join(breaches)


def test_no_app_imports_another_apps_private_names() -> None:
    breaches = []
    for found in all_imports():
        if app_of(found.module) == app_of(found.target) or not is_private(found.name):
            continue
        breaches.append(str(found))
    assert not breaches, "private names used across apps:\n" + "\n".join(breaches)
