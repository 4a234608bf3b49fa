"""Zhengtong settings: everything from environment variables, with safe defaults.

The defaults give the embedded mode (SQLite, local memory cache, local media folder).
`DATABASE_URL` switches to PostgreSQL, `REDIS_URL` moves cache, sessions and locks to
Redis. Every variable is documented in docs/admin-guide.md.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Development and tests get a fixed key; a production deployment must set its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Development, the demo and the tests may derive their keys (Django's and the field
# encryption keys) from a fixed value; production must set them all.
INSECURE_DEV_KEY = env_bool("ZT_INSECURE_DEV_KEY", False)
DEV_KEYS = DEBUG or INSECURE_DEV_KEY
if not SECRET_KEY:
    if not DEV_KEYS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=1 for development).")
    from zhengtong.core.deploy_policy import DEV_SECRET_KEY

    SECRET_KEY = DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "zhengtong.org.apps.CountyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "zhengtong.org",
    "zhengtong.core",
    "zhengtong.workspace",
    "zhengtong.documents",
    "zhengtong.search",
    "zhengtong.api",
    "zhengtong.portal",
    "zhengtong.public",
    "zhengtong.letters",
    "zhengtong.disclosure",
    "zhengtong.consultations",
    "zhengtong.services",
    "zhengtong.demo",
    # Wagtail (the website, edited at /cms/), after our apps so our templates win.
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: a cached public page is answered before anything else runs (portal/cache.py).
    "zhengtong.portal.cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengtong.core.middleware.CountyLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhengtong.core.middleware.RequestContextMiddleware",
    "zhengtong.org.middleware.AccountPolicyMiddleware",
    "zhengtong.core.web.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # The Wagtail editor's own policy under /cms/ (portal/middleware.py).
    "zhengtong.portal.middleware.CmsContentSecurityPolicy",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhengtong.urls"
WSGI_APPLICATION = "zhengtong.wsgi.application"
AUTH_USER_MODEL = "org.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhengtong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "zhengtong.workspace.context_processors.site",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "zhengtong.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE: every transaction takes the write lock up front, so a
                # read-then-write (numbering, the audit chain) cannot interleave.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, locks -----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "zt"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "zhengtong",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work ------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Passwords and sign-in ------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "zhengtong.org.passwords.CharacterClassValidator"},
    {"NAME": "zhengtong.org.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "zhengtong.org.backends.RolePermissionBackend",
]
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "core:workspace"
LOGOUT_REDIRECT_URL = "org:login"

AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "org/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
# Ceilings that slow rather than lock (org.signin): after this many failures on one
# account from any address, or from one address on any accounts, within the lockout
# period, one attempt per LOGIN_SLOW_SECONDS.
LOGIN_ACCOUNT_SLOW_AFTER = int(os.environ.get("LOGIN_ACCOUNT_SLOW_AFTER", "10"))
LOGIN_ADDRESS_SLOW_AFTER = int(os.environ.get("LOGIN_ADDRESS_SLOW_AFTER", "20"))
LOGIN_SLOW_SECONDS = int(os.environ.get("LOGIN_SLOW_SECONDS", "60"))
# The lockout counts per (account, client address), the address as the audit trail has it.
AXES_CLIENT_IP_CALLABLE = "zhengtong.core.clientaddr.client_ip"

# Proxies whose forwarding header (X-Real-IP) gives the client's address: addresses or
# networks, comma-separated. Empty: the socket address is the client's. Behind the
# shipped nginx on the same machine: 127.0.0.1.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Zhengtong")

# Idle timeout: the session expires this many seconds after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- HTTP security --------------------------------------------------------------------
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["axes.W006"] if not env_bool("AXES_ENABLED", True) else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "zhengtong" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("STATIC_MANIFEST", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_PERMISSIONS = 0o640

ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "50")) * 1024 * 1024
ATTACHMENT_ALLOW_ZIP = env_bool("ATTACHMENT_ALLOW_ZIP", False)
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_TIMEOUT = int(os.environ.get("CLAMD_TIMEOUT", "60"))
# Decompression bombs (core/archives.py): limits read from a ZIP's directory before expanding.
ARCHIVE_MAX_MB = int(os.environ.get("ARCHIVE_MAX_MB", "100"))
ARCHIVE_MAX_RATIO = int(os.environ.get("ARCHIVE_MAX_RATIO", "100"))
ARCHIVE_MAX_MEMBERS = int(os.environ.get("ARCHIVE_MAX_MEMBERS", "2000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Kernel settings ------------------------------------------------------------------
# SM4 key for personal fields (32 hex chars = 16 bytes) and the key of the searchable hash.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")
AUDIT_HASH_ALGORITHM = os.environ.get("AUDIT_HASH_ALGORITHM", "sm3")  # or "sha256"
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "180")))
SMS_BACKEND = os.environ.get("SMS_BACKEND", "zhengtong.core.notifications.LoggingSmsBackend")
# The logging backend sends nothing; production accepts it only when told so explicitly.
SMS_ALLOW_LOG_BACKEND = env_bool("SMS_ALLOW_LOG_BACKEND", False)
# The demo shows the codes it "sends" on screen (the log only has them masked).
SMS_SHOW_CODES_ON_SCREEN = DEV_KEYS and not HTTPS and env_bool("SMS_SHOW_CODES", True)

# --- Production refuses to start with an unsafe configuration --------------------------
# Production mode is HTTPS on without DEBUG; the same findings are reported by
# `manage.py check --deploy` in any mode (core/checks.py, ids zhengtong.E001–E005).
PRODUCTION = HTTPS and not DEBUG


def _refuse_unsafe_configuration() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from zhengtong.core import deploy_policy

    insecure_dev_key = INSECURE_DEV_KEY
    if PRODUCTION:
        problems = deploy_policy.production_problems(
            secret_key=SECRET_KEY,
            field_encryption_key=FIELD_ENCRYPTION_KEY,
            field_hash_key=FIELD_HASH_KEY,
            insecure_dev_key=insecure_dev_key,
            https=HTTPS,
            sms_backend=SMS_BACKEND,
            allow_log_backend=SMS_ALLOW_LOG_BACKEND,
        )
    else:
        problems = deploy_policy.dev_key_problems(insecure_dev_key, HTTPS)
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with an unsafe configuration (docs/admin-guide.md):\n"
            + "\n".join(f"  {check_id}: {message}" for check_id, message in problems)
        )


_refuse_unsafe_configuration()
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhengtong@localhost")
REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "1"))
SITE_NAME = os.environ.get("SITE_NAME", "")
# Fonts of the official document layout (documents/layout.py; admin guide): a JSON
# object such as {"body": "仿宋_GB2312"}; keys left out keep the free defaults.
if os.environ.get("DOCUMENT_FONTS"):
    import json

    DOCUMENT_FONTS = json.loads(os.environ["DOCUMENT_FONTS"])
DOCUMENT_COLOPHON_ON_EVEN_PAGE = env_bool("DOCUMENT_COLOPHON_ON_EVEN_PAGE", True)
DOCUMENT_SIGN_FOR_DAYS = int(os.environ.get("DOCUMENT_SIGN_FOR_DAYS", "3"))
DOCUMENT_STEP_DAYS = int(os.environ.get("DOCUMENT_STEP_DAYS", "2"))

# --- API ------------------------------------------------------------------------------
# Days an API token stays valid after it is issued (zhengtong/api/authentication.py).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a bad token then gets 401 with WWW-Authenticate, not 403.
        "zhengtong.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Numbers beyond the database's range are a 400, not a server error (api/filters.py).
    "DEFAULT_FILTER_BACKENDS": ["zhengtong.api.filters.BoundedFilterBackend"],
    # A JSON body must be an object (api/parsers.py); forms and files as usual.
    "DEFAULT_PARSER_CLASSES": [
        "zhengtong.api.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhengtong.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhengtong API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["zhengtong.api.schema.only_api_paths"],
    # Every operation documents its error responses and their shape (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "zhengtong.api.schema.document_error_responses",
    ],
}

# --- Website (Wagtail at /cms/) ---------------------------------------------------------
WAGTAIL_SITE_NAME = SITE_NAME or "Zhengtong"
WAGTAILADMIN_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Staff sign in once, at /oa/login/ (password policy, lockout, two-factor sign-in).
WAGTAILADMIN_LOGIN_URL = "/oa/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/oa/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# No calls to outside hosts (a government intranet and our CSP block them).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS: list[dict[str, str]] = []
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = min(ATTACHMENT_MAX_BYTES, 20 * 1024 * 1024)
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ofd", "mp4", "txt", "csv", "zip"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Uploads in the editor pass the kernel's attachment checks (portal/uploads.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "zhengtong.portal.uploads.CheckedImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "zhengtong.portal.uploads.CheckedDocumentForm"
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
        },
    }
}
# Whole public pages are cached (portal/cache.py); this long, or until what they show changes.
PORTAL_CACHE_SECONDS = int(os.environ.get("PORTAL_CACHE_SECONDS", str(24 * 3600)))
PORTAL_CACHE = env_bool("PORTAL_CACHE", True)
# Memory each web process may use for the pages it keeps (portal/cache.py).
PORTAL_CACHE_BYTES = int(os.environ.get("PORTAL_CACHE_MB", "64")) * 1024 * 1024
# When set, published pages are also written here as files for nginx (deploy/nginx.conf).
PORTAL_STATIC_DIR = os.environ.get("PORTAL_STATIC_DIR", "")
PORTAL_REVIEW_DAYS = int(os.environ.get("PORTAL_REVIEW_DAYS", "1"))
# The final review step publishes the page after the pre-publication checks; the reviewer
# needs no publish permission of their own (portal/workflow.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "zhengtong.portal.workflow.publish_approved"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
