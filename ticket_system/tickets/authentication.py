"""Optional bearer-token protection: open unless TICKETS_API_TOKEN is set."""

import hmac

from django.conf import settings
from rest_framework import authentication, exceptions, permissions


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        expected = settings.TICKETS_API_TOKEN
        if not expected:
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None  # HasApiToken turns this into 401 with a WWW-Authenticate header
        if not hmac.compare_digest(token.strip().encode(), expected.encode()):
            raise exceptions.AuthenticationFailed("Invalid bearer token.")
        return (None, token)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="tickets"'


class HasApiToken(permissions.BasePermission):
    message = "Authentication required: send Authorization: Bearer <TICKETS_API_TOKEN>."

    def has_permission(self, request, view) -> bool:
        return not settings.TICKETS_API_TOKEN or request.auth is not None
