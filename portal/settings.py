"""Settings for the Creative City Portal: one module, read from the environment.

Every value that differs between a laptop and production comes from an environment
variable (see README "Configuration"). With no variables at all the site runs on SQLite
in the project folder; with DEBUG off, the secrets production needs must be given.
Reference: https://docs.djangoproject.com/en/5.2/ref/settings/
"""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.blocks.env import (
    database_from_url,
    default_cache_dir,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set ALLOWED_HOSTS to the comma-separated host names the "
        "site answers to (for example ALLOWED_HOSTS=portal.example.org), or set DEBUG=true."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before admin so that its admin integration wins.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # /sitemap.xml (portal.sitemaps): its templates and Sitemap class.
    "django.contrib.sitemaps",
    # Form widgets' templates, found by the site's own template engine (FORM_RENDERER).
    "django.forms",
    "django_filters",
    "django_countries",
    "phonenumber_field",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    # Staff two-step verification: an authenticator app (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The open-data API (/api/v1/, portal/api_urls.py): REST framework, its OpenAPI schema,
    # and CORS headers for other sites' scripts.
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "portal",
    "cities",
    "institutions",
    "events",
    # Background tasks (django-tasks, with its database backend), which can send the
    # digests of e-mail alerts of new events (events/alerts/; after the tasks' apps,
    # whose admin it takes out).
    "django_tasks",
    "django_tasks_db",
    "events.alerts",
]

# What this process serves: "all" (the default), or "public" for workers that serve
# only the public site (portal/wsgi_public.py). Those never import the admin's modules
# and what they bring (import-export, tablib, openpyxl): about 10 MB less per worker. A
# deployment that uses them sends /admin/ to workers that serve "all".
PORTAL_SERVES = env_str("PORTAL_SERVES", "all")
if PORTAL_SERVES not in ("all", "public"):
    raise ImproperlyConfigured(
        f"PORTAL_SERVES is {PORTAL_SERVES!r}: set it to 'all' (the default) or 'public'."
    )
PUBLIC_ONLY = PORTAL_SERVES == "public"
if PUBLIC_ONLY:
    # The admin app without its autodiscovery of every app's admin.py.
    INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
        "django.contrib.admin.apps.SimpleAdminConfig"
    )

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers on /api/ answers, stored pages and 304s included (outside both).
    "corsheaders.middleware.CorsMiddleware",
    # ETags for every page, cached or not, so a revisit can be answered with a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions: a cached anonymous page is served without touching the database.
    "portal.blocks.caching.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which device, if any, verified this session (request.user.is_verified()); then
    # staff who owe their second step are held to it (portal.two_factor.middleware).
    "django_otp.middleware.OTPMiddleware",
    "portal.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.blocks.admin_queries.NulInAdminQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        # Django's, but for the tag libraries of apps whose templates are never rendered.
        "BACKEND": "portal.blocks.template_engine.DjangoTemplates",
        "NAME": "django",  # the name Django's own engine has, which libraries look up
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "portal.identity.site_identity",
            ],
            "libraries": {"caching": "portal.blocks.caching.regions"},
            # The API answers JSON only: REST framework's browsable pages are never made.
            "apps_without_tags": ["rest_framework"],
        },
    },
]

# Forms are rendered by the engine above, not by a second one of Django's own (which
# would load every app's tag libraries again, and keep a second set of templates).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database ---------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/
DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR)
}
# Keep connections open between requests: a new PostgreSQL connection per request costs
# more than most of our pages, and so does a new SQLite one (Django registers its SQL
# functions on every connection).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Cache ------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/ and docs/caching.md. Every backend
# is fail-safe (portal.blocks.caching.backends): a cache that is down, slow or full
# makes pages slower, never broken. The cache must be shared by every process that
# serves or edits the site, so that an edit shows on the next request everywhere:
# Redis (REDIS_URL) for one or more servers; without it, files in CACHE_DIR, shared by
# the processes of one server.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.blocks.caching.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            # A slow server counts as a failed one (seconds).
            "OPTIONS": {
                "socket_timeout": env_float("REDIS_TIMEOUT", 0.25),
                "socket_connect_timeout": env_float("REDIS_TIMEOUT", 0.25),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "portal.blocks.caching.backends.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", default_cache_dir(BASE_DIR)),
            # Culled (a third at random) past this many pages and regions.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
        }
    }
# How long a stored page may be kept at most, although it is forgotten as soon as what
# it shows changes: a bound on what a change lost with a failed cache could cost.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
# Pages whose address holds typed text (a search), kept per process, outside the shared
# cache, so that visitors' searches cannot fill it.
PAGE_CACHE_FREE_TEXT_PAGES = env_int("PAGE_CACHE_FREE_TEXT_PAGES", 256)
# Cache-Control of public pages: browsers revalidate (ETag) after this; shared caches
# (a CDN) keep a page this long, serve it stale while they refresh it and while the
# site is down. Raise PAGE_CACHE_SHARED_SECONDS when a CDN is purged on change.
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 0)
PAGE_CACHE_SHARED_SECONDS = env_int("PAGE_CACHE_SHARED_SECONDS", 300)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 60)
PAGE_CACHE_STALE_IF_ERROR_SECONDS = env_int("PAGE_CACHE_STALE_IF_ERROR_SECONDS", 86400)
# The response header that names what a page depends on, for a CDN's purge by tag
# (Cache-Tag for Cloudflare; Surrogate-Key for Fastly); empty for none.
PAGE_CACHE_TAG_HEADER = env_str("PAGE_CACHE_TAG_HEADER", "Cache-Tag")
# A function called with the tags of every committed change, e.g.
# "portal.blocks.caching.purge.cloudflare"; empty for none.
PAGE_CACHE_PURGE = env_str("PAGE_CACHE_PURGE", "")

# --- Authentication and sessions ----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sessions live in the database, so any app server can answer any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-axes: lock the admin login after repeated failures.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "portal/lockout.html"
AXES_RESET_ON_SUCCESS = True

# The client's address, for the lockout. With no proxy in front it is the connection's
# (REMOTE_ADDR) and any forwarding header is ignored: a client could write one itself.
# Behind PROXY_COUNT reverse proxies it is read from the header they add to
# (PROXY_CLIENT_IP_HEADER), counting from its right: the first proxy appends the
# client's address and each further one the address of the proxy before it, so
# anything further left was sent by the client and is ignored.
# django-ipware (which axes uses) counts the proxies listed *in* the header, one fewer.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html (reverse proxies)
PROXY_COUNT = env_int("PROXY_COUNT", 0)
PROXY_CLIENT_IP_HEADER = env_str("PROXY_CLIENT_IP_HEADER", "X-Forwarded-For").strip()
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more, not {PROXY_COUNT}.")
if PROXY_COUNT and not PROXY_CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "PROXY_CLIENT_IP_HEADER is empty: name the header the proxies put the client's "
        "address in (X-Forwarded-For, X-Real-IP, ...)."
    )
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (
        "HTTP_" + PROXY_CLIENT_IP_HEADER.upper().replace("-", "_"),
        "REMOTE_ADDR",
    )
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"
# Addresses a client put in front of the proxies' own are skipped, not a reason to give
# up on the header (which would count every client as the proxy).
IPWARE_STRICT = False

# Two-step verification for staff (django-otp; portal/two_factor/, README "Staff
# sign-in"): required for Publishers and superusers, offered to Editors.
# https://django-otp-official.readthedocs.io/en/stable/overview.html#settings
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Creative City Portal")
# Each wrong code makes the next try wait twice as long: 1, 2, 4, 8… seconds (per
# device, until a right code), so the tenth wrong code in a row costs eight minutes'
# wait and the twentieth six days.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# A session that signed in with its password this long ago or less may set up an
# authenticator without a code; an older one signs in again first.
TWO_FACTOR_ENROL_MINUTES = env_int("TWO_FACTOR_ENROL_MINUTES", 30)

# --- Internationalisation -----------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Seoul")
# Short dates as each language writes them (portal/blocks/formats/).
FORMAT_MODULE_PATH = ["portal.blocks.formats"]

# django-modeltranslation: Korean is the source; English falls back to Korean and
# Korean to English (many network cities have only an English name).
MODELTRANSLATION_DEFAULT_LANGUAGE = "ko"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ko", "en")}

PHONENUMBER_DEFAULT_REGION = env_str("PHONENUMBER_DEFAULT_REGION", "KR")
PHONENUMBER_DB_FORMAT = "E164"

# --- Static files and media --------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/contrib/staticfiles/
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Pages name static files only by their hashed names ({% static %}, CSS and source-map
# references rewritten by the manifest storage; the map's marker images through data
# attributes), so the unhashed copies go: half the files, and WhiteNoise's index of
# them in every worker's memory (about 3 MB) halves too.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Media go through Django's storage API only, so object storage (django-storages' S3
# backend, for example) is a matter of these two variables; see README "Deploy".
MEDIA_STORAGE_BACKEND = env_str(
    "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
try:
    MEDIA_STORAGE_OPTIONS = json.loads(env_str("MEDIA_STORAGE_OPTIONS", "{}"))
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS must be JSON: {error}") from None
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Image uploads (portal.blocks.images): only real JPEG, PNG and WebP within these limits.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_RENDITION_WIDTHS = (400, 800, 1600)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMAGE_MAX_BYTES + 1024 * 1024
# Document uploads (portal.blocks.document_files): PDF and office documents up to this.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 30 * 1024 * 1024)

# Four eyes on live content: a change by someone who may not publish (an Editor) to a
# published record waits for a Publisher's approval (portal.blocks.revisions). Off,
# Editors' changes to published records are public at once.
REVIEW_LIVE_EDITS = env_bool("REVIEW_LIVE_EDITS", True)

# django-import-export: an import writes every row or none, and exported cells that
# start like a formula (=, +, -, @) are escaped so a spreadsheet never runs them.
# https://django-import-export.readthedocs.io/en/latest/installation.html#settings
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# A file waits for its confirmation in the database, which every app server shares
# (never in one server's temporary folder); portal.blocks.pending_imports.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "portal.blocks.pending_imports.DatabaseStorage"
IMPORT_PENDING_HOURS = env_int("IMPORT_PENDING_HOURS", 24)
# Preview and confirmation are one request each and must end well within the server's
# timeout (gunicorn's is 30 s): larger files are refused with a message before any row
# is imported, and an import still running after IMPORT_TIME_LIMIT seconds stops and
# writes nothing. How the limits were chosen: docs/decisions.md, "Spreadsheet imports
# on a deployment".
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 500)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_TIME_LIMIT = env_float("IMPORT_TIME_LIMIT", 20)

# --- Security -----------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/middleware/#module-django.middleware.security
# Behind TLS (production), cookies are Secure; SECURE_SSL_REDIRECT and the HSTS options
# are set where the proxy in front of the app does not already do it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The load balancer probes /healthz over plain http on the app server's own port: a
# redirect to https would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form refused for want of its check says so in the page's language.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True

# The domain in each calendar entry's UID (event-<pk>@<domain>): set it to the office's
# own domain once, and never change it, or subscribed calendars duplicate every event.
EVENTS_UID_DOMAIN = env_str("EVENTS_UID_DOMAIN", "")

# Map tiles (institutions map): any XYZ tile server; its host is allowed by the CSP.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else None


# django-csp 4: no 'unsafe-inline' anywhere; every script and style is a static file.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [_origin(MAP_TILE_URL), _origin(MEDIA_URL)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- E-mail -----------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/email/ and README "E-mail". Under DEBUG
# (make run) mails are printed to the console unless EMAIL_BACKEND says otherwise;
# tests use Django's in-memory backend.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: set one of them (TLS: STARTTLS, "
        "usually port 587; SSL: implicit TLS, usually port 465)."
    )
# A mail server that does not answer must not hold a request (or the digest) for ever.
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# The site's address for links in mails sent outside a request (the digest), e.g.
# https://portal.example.org; mails sent while answering a request use it too when set,
# never a Host header.
SITE_URL = env_str("SITE_URL").rstrip("/")

# E-mail alerts (events/alerts/): how long a confirmation link works (an unconfirmed
# subscription is deleted after that), and the limits on subscription requests, per
# client address and per e-mail address, in a sliding window.
ALERTS_CONFIRM_MAX_AGE = datetime.timedelta(days=env_int("ALERTS_CONFIRM_DAYS", 3))
ALERTS_REQUESTS_PER_CLIENT = env_int("ALERTS_REQUESTS_PER_CLIENT", 10)
ALERTS_MAILS_PER_ADDRESS = env_int("ALERTS_MAILS_PER_ADDRESS", 3)
ALERTS_LIMIT_WINDOW = datetime.timedelta(hours=env_int("ALERTS_LIMIT_HOURS", 24))
# The most events one digest names; the rest are one link away.
ALERTS_DIGEST_LIMIT = env_int("ALERTS_DIGEST_LIMIT", 30)

# --- Background tasks ---------------------------------------------------------------
# django-tasks (Django's task framework, backported to 5.2) with its database backend:
# a task enqueued here waits in the database until `manage.py db_worker` runs it
# (README "E-mail alerts"). TASKS_BACKEND=immediate runs tasks at once, in the process
# that enqueues them, for a deployment without a worker.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {TASKS_BACKEND!r}: set it to 'database' (the default, run by "
        "manage.py db_worker) or 'immediate'."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}

# --- Open-data API (/api/v1/) ------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/ — read-only and anonymous:
# no session, no CSRF, JSON only; per-client rate limit (portal.blocks.throttling).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["portal.blocks.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
# Requests per client address, e.g. "120/minute" (s, m, h, d); empty for no limit.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/minute")
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Creative City Portal open data API",
    "DESCRIPTION": (
        "Read-only JSON of the published cities, partnerships, institutions, events and "
        'news. Texts are given in every language ({"ko": …, "en": …}); ids are the '
        "records' slugs; dates and times are ISO 8601. Lists take the public pages' "
        "filters; an invalid filter value is a 400 naming the parameter."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CityRegionEnum": "cities.models.Region",
        "CreativeFieldEnum": "cities.models.CreativeField",
        "PartnershipKindEnum": "cities.models.PartnershipKind",
        "InstitutionKindEnum": "institutions.models.InstitutionKind",
        "EventKindEnum": "events.models.EventKind",
        "EventStatusEnum": "events.models.EventStatus",
    },
}
# https://github.com/adamchainz/django-cors-headers — any site may read the API (GET).
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# --- Logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
