"""The lock files (requirements/): a server installs the production set, which is what
the site needs and no test or lint tool; development adds those tools."""

import ast
import functools
import json
import os
import subprocess
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FIRST_PARTY = ("portal", "cities", "institutions", "events")
# Modules of the site that only development runs: compile_catalogs (polib) compiles the
# translations for `make messages` and the catalog test; the compiled .mo files are in
# the repository, so no server compiles them.
DEVELOPMENT_MODULES = {"portal.blocks.compile_catalogs"}
# What must never reach a server, named even if pyproject.toml's dev list forgets one.
TOOLS = {
    "pytest",
    "pytest-django",
    "pluggy",
    "iniconfig",
    "playwright",
    "greenlet",
    "hypothesis",
    "factory-boy",
    "faker",
    "ruff",
    "import-linter",
    "grimp",
    "polib",
}
# Loaded when installed but not needed: REST framework's compat module imports Pygments
# if it is there (for its browsable API, which the site does not use); the development
# set has it (for rich), a server does not.
OPTIONAL_WHEN_INSTALLED = {"pygments"}


def read_lock(path):
    """{canonical name: (extras, version)} of a lock file and the files it includes."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            pins.update(read_lock(path.parent / line[3:].strip()))
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {line} is not pinned"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{path.name}: {name} is pinned twice"
        pins[name] = (frozenset(requirement.extras), specifier.version)
    return pins


@functools.cache
def production():
    return read_lock(ROOT / "requirements" / "production.lock")


@functools.cache
def development():
    return read_lock(ROOT / "requirements" / "development.lock")


def closure(requirements):
    """Every distribution ``requirements`` need, with the extras asked of each, from
    the metadata of the installed distributions (markers as on this Python)."""
    needed = {}
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = needed.get(name, frozenset())
        if name in needed and set(requirement.extras) <= extras:
            continue
        needed[name] = extras | set(requirement.extras)
        for text in metadata.distribution(name).requires or ():
            dependency = Requirement(text)
            environments = [{"extra": extra} for extra in ("", *needed[name])]
            if dependency.marker is None or any(
                dependency.marker.evaluate(environment) for environment in environments
            ):
                todo.append(dependency)
    return needed


def test_production_is_exactly_what_the_declared_dependencies_need():
    needed = closure(PYPROJECT["project"]["dependencies"])
    assert set(production()) - set(needed) == set(), "pinned for production, needed by nothing"
    assert set(needed) - set(production()) == set(), "needed, not pinned for production"


def test_no_test_or_lint_tool_in_production():
    tools = TOOLS | {
        canonicalize_name(Requirement(text).name)
        for text in PYPROJECT["project"]["optional-dependencies"]["dev"]
    }
    assert set(production()) & tools == set()


def test_development_is_production_and_the_tools():
    assert "-r production.lock" in (ROOT / "requirements" / "development.lock").read_text()
    assert production().items() <= development().items()
    optional = PYPROJECT["project"]["optional-dependencies"]["dev"]
    needed = closure([*PYPROJECT["project"]["dependencies"], *optional])
    assert set(development()) == set(needed)
    assert set(development()) >= TOOLS


def distributions_of(modules):
    """The distributions that provide the top-level ``modules`` (not the standard
    library's, not the site's own); a module no distribution provides is named alone."""
    providers = metadata.packages_distributions()
    found = {}
    for module in modules:
        if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__main__":
            continue
        for name in providers.get(module, [f"(no distribution provides {module})"]):
            found.setdefault(canonicalize_name(name), set()).add(module)
    return found


def test_every_import_of_the_sites_code_is_in_production():
    """Every ``import`` in the site's modules, also those inside functions (Pillow is
    imported where images are checked)."""
    imported = set()
    for package in FIRST_PARTY:
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if module in DEVELOPMENT_MODULES:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    imported.add(node.module.split(".")[0])
    missing = {
        name: modules
        for name, modules in distributions_of(imported).items()
        if name not in production()
    }
    assert missing == {}


LOAD_THE_SITE = """
import json, sys

started_with = set(sys.modules)  # the interpreter's own start-up (site, .pth files)
import django

django.setup()
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.urls import get_resolver

get_wsgi_application()  # the middleware
from portal.blocks.deferred import DeferredView


def load_views(patterns):  # every app's URLs and views, those imported on first use too
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            load_views(pattern.url_patterns)
        elif isinstance(pattern.callback, DeferredView):
            pattern.callback.view


load_views(get_resolver().url_patterns)
for engine in engines.all():  # template tag libraries
    engine.engine.template_libraries
caches["default"]
default_storage._setup()
loaded = [sys.modules[name] for name in set(sys.modules) - started_with]
print(json.dumps(sorted({m.__file__ for m in loaded if getattr(m, "__file__", None)})))
"""


@pytest.mark.parametrize("serves", ["all", "public"])
def test_what_a_production_process_loads_is_in_production(serves):
    """What settings name by string (apps, middleware, backends) is loaded only when
    the site starts: start it as gunicorn would, with production settings."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="portal.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
        PORTAL_SERVES=serves,
    )
    result = subprocess.run(
        [sys.executable, "-c", LOAD_THE_SITE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # Modules by their files, since a library may enter one under another name as well.
    owners = {
        Path(os.path.normpath(distribution.locate_file(file))): canonicalize_name(distribution.name)
        for distribution in metadata.distributions()
        for file in distribution.files or ()
        if file.suffix in (".py", ".so")
    }
    installed = {Path(sysconfig.get_path(kind)) for kind in ("purelib", "platlib")}
    loaded = {}
    for file in (Path(os.path.normpath(name)) for name in json.loads(result.stdout)):
        if not any(file.is_relative_to(path) for path in installed):
            continue  # the standard library, or the site's own
        loaded.setdefault(owners.get(file, f"(no distribution owns {file})"), set()).add(file.name)
    assert "django" in loaded
    missing = {
        name: files
        for name, files in loaded.items()
        if name not in production() and name not in OPTIONAL_WHEN_INSTALLED
    }
    assert missing == {}


def test_spreadsheets_are_parsed_through_defusedxml_in_production():
    """Nothing imports defusedxml by name: openpyxl uses it when it is installed, to
    read an uploaded .xlsx without expanding entities or fetching external ones."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    assert "defusedxml" in production()
