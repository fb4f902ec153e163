"""Static files and compression: versioned asset URLs with long caching, gzip/brotli for text responses.

- `asset_url("js/app.js")` (a template global) gives `/static/v/<version>/js/app.js`, where the version is
  a short hash of the contents of every file under app/static. The version is in the path, so the
  relative imports of the ES modules (`./forms.js`, `../vendor/htmx.esm.min.js`) and relative `url()`s in
  the CSS resolve under the same versioned prefix without being edited. Such a URL with the current
  version is answered `Cache-Control: public, max-age=31536000, immutable`; with any other version (a
  page cached across a deploy) it still serves the current file, revalidated like plain `/static/…`.
- The version is computed at start and recomputed when a file's size or modification time changes
  (looked at no more than once a second), so a file edited under a running server gets a new URL
  rather than hiding behind a year-long cache.
- Text responses (pages, htmx fragments, CSS, JS, JSON, XML, SVG, CSV) of at least 500 bytes are
  compressed with Flask-Compress when the client's Accept-Encoding asks for brotli or gzip, always with
  `Vary: Accept-Encoding` (added to the `Vary: HX-Request, HX-Target` of the pages). PDFs, PNGs and
  streamed responses are left alone. Flask serves static files as streamed responses (a file wrapper),
  which Flask-Compress would compress chunk by chunk without gzip and without its cache; here they are
  read into memory first (they are small), so that they get gzip too and their compressed bodies are
  kept per file version (ETag). A range request (206) is never compressed: its Content-Range counts the
  bytes of the uncompressed file.
"""
import hashlib
import os
import threading
import time
from pathlib import Path

from flask import Flask, current_app, g, request, send_from_directory, session, url_for
from flask_compress import Compress

ENDPOINT = "versioned_static"
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_YEAR = 31536000
RECHECK_SECONDS = 1.0
STATIC_ENDPOINTS = frozenset({"static", ENDPOINT})

COMPRESSED_TYPES = [
    "text/html", "text/css", "text/plain", "text/csv", "text/xml", "application/xml",
    "text/javascript", "application/javascript", "application/json", "image/svg+xml",
]
COMPRESS_DEFAULTS = {
    "COMPRESS_MIMETYPES": COMPRESSED_TYPES,
    # brotli first (smaller), then gzip; not deflate (ambiguous in old browsers) nor zstd (at level 3
    # larger than gzip 6 on these files).
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_LEVEL": 6,      # gzip
    "COMPRESS_BR_LEVEL": 5,   # brotli 5: smaller than gzip 6 and faster (4, the default, is larger)
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_STREAMS": False,  # a streamed response stays streamed (static files are buffered, see below)
}


# ------------------------------------------------------------------ the version of the static folder
def _files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        found.extend(Path(root) / name for name in sorted(names))
    return found


def content_version(folder: str | os.PathLike) -> str:
    """A short hash of the names and contents of every file under `folder` (12 hex digits)."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in _files(folder):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:12]


def _signature(folder: Path) -> tuple:
    """Names, sizes and modification times: cheap to read, and changes whenever a file is edited."""
    signature = []
    for path in _files(folder):
        stat = path.stat()
        signature.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(signature)


class StaticVersion:
    """The current version of a static folder: hashed at start, hashed again when a file changes."""

    def __init__(self, folder: str | os.PathLike, recheck_seconds: float = RECHECK_SECONDS):
        self.folder = Path(folder)
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._signature = _signature(self.folder)
        self._version = content_version(self.folder)
        self._checked = time.monotonic()

    @property
    def current(self) -> str:
        if time.monotonic() - self._checked >= self.recheck_seconds:
            with self._lock:
                if time.monotonic() - self._checked >= self.recheck_seconds:
                    signature = _signature(self.folder)
                    if signature != self._signature:
                        self._version = content_version(self.folder)
                        self._signature = signature
                    self._checked = time.monotonic()
        return self._version


def _state():
    return current_app.extensions["assets"]


def asset_url(filename: str) -> str:
    """The versioned URL of a file under app/static, e.g. asset_url("css/app.css")."""
    return url_for(ENDPOINT, version=_state().version.current, filename=filename)


def versioned_static(version: str, filename: str):
    """A file under app/static; immutable only when the URL carries the current version."""
    response = send_from_directory(current_app.static_folder, filename)
    if version == _state().version.current:
        response.headers["Cache-Control"] = IMMUTABLE
        response.expires = int(time.time() + ONE_YEAR)
    return response


# ------------------------------------------------------------------ compression
class _CompressedFiles:
    """Flask-Compress's cache protocol: compressed static bodies by algorithm, file and ETag."""

    MAX_ENTRIES = 512

    def __init__(self):
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key not in self.data and len(self.data) >= self.MAX_ENTRIES:
            self.data.clear()  # only when files keep changing under a running server
        self.data[key] = value


def _file_cache_key(_request) -> str:
    return g.compress_file_key


class _State:
    def __init__(self, app: Flask):
        self.version = StaticVersion(app.static_folder)
        self.pages = Compress(app)   # COMPRESS_REGISTER is off: compress_response below decides
        self.files = Compress(app)
        self.files.cache = _CompressedFiles()
        self.files.cache_key = _file_cache_key


def _worth_compressing(response) -> bool:
    config = current_app.config
    return (response.status_code == 200 and response.mimetype in config["COMPRESS_MIMETYPES"]
            and "Content-Encoding" not in response.headers and request.headers.get("Accept-Encoding")
            and (response.content_length or 0) >= config["COMPRESS_MIN_SIZE"])


def compress_response(response):
    """The last after_request hook: compress (see the module's docstring)."""
    if request.endpoint in STATIC_ENDPOINTS and response.status_code < 400:
        # Flask-Login's hook looks into the session on every request, which adds `Vary: Cookie`; a
        # static file does not depend on the cookie, and that Vary would make browsers revalidate
        # their cached copy whenever the cookie changes (login, every flash message).
        session.accessed = False
    if response.status_code == 206:
        return response  # a byte range of the uncompressed file
    state = _state()
    if request.endpoint in STATIC_ENDPOINTS and response.is_streamed and _worth_compressing(response):
        etag, _weak = response.get_etag()
        if etag:
            wrapper = response.response
            response.direct_passthrough = False
            response.make_sequence()  # read the file into memory
            wrapper.close()  # now rather than with the response
            g.compress_file_key = f"{request.view_args['filename']}:{etag}"
            return state.files.after_request(response)
    return state.pages.after_request(response)


def register(app: Flask) -> None:
    for key, value in COMPRESS_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config["COMPRESS_REGISTER"] = False
    app.extensions["assets"] = _State(app)
    app.add_url_rule(f"{app.static_url_path}/v/<version>/<path:filename>", endpoint=ENDPOINT,
                     view_func=versioned_static)
    app.add_template_global(asset_url, "asset_url")
    # Run after every other after_request hook, whatever the order they were registered in
    # (the hooks run last-registered first, and extensions registered theirs earlier).
    app.after_request_funcs.setdefault(None, []).insert(0, compress_response)
