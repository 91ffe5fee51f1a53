"""Roles for people who sign in through the company's identity provider (OpenID Connect).

The mapping comes from `[sso_roles]` in secrets.toml: an exact e-mail address, or a
domain written as "@example.com", to a role. An exact address wins over its domain;
someone matched by neither gets no access.
"""

from __future__ import annotations

from collections.abc import Mapping

from access.permissions import Role


class SsoMappingError(ValueError):
    pass


def role_for_email(email: str | None, mapping: Mapping[str, str]) -> Role | None:
    if not email or "@" not in email:
        return None
    email = email.strip().lower()
    rules = {key.strip().lower(): value for key, value in mapping.items()}
    chosen = rules.get(email) or rules.get("@" + email.rsplit("@", 1)[1])
    if chosen is None:
        return None
    try:
        return Role(chosen.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise SsoMappingError(f"[sso_roles]: {chosen!r} is not a role ({known})") from None
