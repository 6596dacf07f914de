"""`parley serve`: the HTTP API and the dashboard, thin adapters over the store and analytics.

Read-only by default. Writing (`POST /api/documents`) is enabled only when a token is configured
($PARLEY_TOKEN), and then needs `Authorization: Bearer <token>`. Every error, from a bad query
parameter to an unknown id, has one JSON shape: ``{"error": {"status", "code", "message"}}``.
Nothing is loaded from outside localhost: Plotly's JavaScript is served from the installed package.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley.store import Store, default_path

MAX_BODY = 1_000_000  # bytes a request body may have
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    500: "internal_error",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None):
        self.status = status
        self.message = message
        self.code = code or ERROR_CODES.get(status, "error")
        super().__init__(message)


def error_body(status: int, message: str, code: str | None = None) -> dict:
    return {"error": {"status": status, "code": code or ERROR_CODES.get(status, "error"), "message": message}}


def error_response(status: int, message: str, code: str | None = None, headers=None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code), status_code=status, headers=headers)


class Database:
    """One DuckDB connection for the app; each request works on its own cursor."""

    def __init__(self, path: str | os.PathLike | None, writable: bool):
        from parley.store import SCHEMA_VERSION

        self.path = default_path(path)
        if self.path.exists() and not writable:
            with Store(self.path, read_only=True) as probe:
                writable_once = probe.schema_version() < SCHEMA_VERSION or probe.dirty()
        else:
            writable_once = True
        if writable_once:  # create the file, bring its schema up to date, link any unlinked mentions
            with Store(self.path) as store:
                store.regroup()
        self.store = Store(self.path, read_only=not writable)
        self.writable = writable
        self.lock = threading.Lock()  # writes are serialised

    @contextmanager
    def view(self):
        cursor = self.store.con.cursor()
        try:
            yield Store.attach(cursor, self.path)
        finally:
            cursor.close()

    def close(self) -> None:
        self.store.close()


def create_app(
    db: str | os.PathLike | None = None, token: str | None = None, max_body: int = MAX_BODY
) -> FastAPI:
    """The app over one store file. `token` (default $PARLEY_TOKEN) enables POST /api/documents."""
    from parley import __version__
    from parley.server import pages, routes

    token = token if token is not None else os.environ.get("PARLEY_TOKEN") or None
    app = FastAPI(
        title="Parley",
        version=__version__,
        description="Coded diplomatic events, formulas and relations over time.",
    )
    app.state.db = Database(db, writable=bool(token))
    app.state.token = token
    app.state.max_body = max_body

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return error_response(400, "Content-Length is not a number")
            if int(length) > app.state.max_body:
                return error_response(413, f"request body over {app.state.max_body} bytes")
        elif request.method in ("POST", "PUT", "PATCH"):
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > app.state.max_body:
                    return error_response(413, f"request body over {app.state.max_body} bytes")
            request._body = body
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-eval'",
        )
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, exc.message, exc.code, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        return error_response(exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = []
        for item in exc.errors():
            where = ".".join(str(part) for part in item.get("loc", ()))
            problems.append(f"{where}: {item.get('msg')}")
        return error_response(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        return error_response(500, f"internal error: {type(exc).__name__}")

    app.include_router(routes.router)
    app.include_router(pages.router)
    return app


def check_token(request: Request) -> None:
    """Writes need a configured token and the matching bearer header."""
    expected = request.app.state.token
    if not expected:
        raise ApiError(403, "writes are disabled: start the server with PARLEY_TOKEN set")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "missing or wrong bearer token")


def static_dir() -> Path:
    return Path(__file__).parent / "static"


def plotly_js() -> Path:
    """plotly.min.js from the installed plotly package: served locally, never from a CDN."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
