"""Behind a reverse proxy, and who may be named in the Host header.

- ``[security] trusted_proxies = N``: that many proxies (nginx, Caddy) stand in front of Loket;
  the client's address, scheme and host are taken from their ``X-Forwarded-*`` headers (werkzeug's
  ProxyFix). With 0 (the default) those headers are ignored: anyone could write them.
- ``[security] allowed_hosts``: when set, a request naming another host is refused with 400
  (a page on another site cannot reach the office server through DNS rebinding).
- ``[security] secure_cookies = true``: the session and device cookies are sent over HTTPS only.
"""

from __future__ import annotations

import json

from werkzeug.middleware.proxy_fix import ProxyFix

BAD_HOST = json.dumps({"error": {"code": "bad_host", "message": "Alamat server tidak dikenal."}}).encode()


class HostCheck:
    """WSGI middleware refusing a Host that is not one of ``allowed()`` (empty: any)."""

    def __init__(self, wsgi_app, allowed):
        self.wsgi_app = wsgi_app
        self.allowed = allowed

    def __call__(self, environ, start_response):
        allowed = self.allowed()
        if allowed:
            host = environ.get("HTTP_HOST", "").lower()
            name = host[1 : host.find("]")] if host.startswith("[") else host.split(":", 1)[0]
            if name not in allowed:
                start_response(
                    "400 Bad Request",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(BAD_HOST)))],
                )
                return [BAD_HOST]
        return self.wsgi_app(environ, start_response)


def wrap(wsgi_app, security, allowed_hosts):
    """The ``[security]`` host check and proxy settings around ``wsgi_app`` (outermost layers);
    ``allowed_hosts()`` is read at each request, so a changed configuration applies at once."""
    wsgi_app = HostCheck(wsgi_app, allowed_hosts)
    if security.trusted_proxies:
        count = security.trusted_proxies
        wsgi_app = ProxyFix(wsgi_app, x_for=count, x_proto=count, x_host=count)
    return wsgi_app
