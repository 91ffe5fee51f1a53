import pytest

from access.permissions import Role
from access.sso import SsoMappingError, role_for_email

MAPPING = {
    "Boss@Example.com": "admin",
    "@example.com": "manager",
    "@board.example.org": "executive",
}


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("boss@example.com", Role.ADMIN),  # the exact address wins over its domain
        ("ANN@example.com", Role.MANAGER),
        ("chair@board.example.org", Role.EXECUTIVE),
        ("someone@other.org", None),  # matched by nothing: no access
        ("someone@sub.example.com", None),  # a subdomain is another domain
        (None, None),
        ("not-an-address", None),
    ],
)
def test_role_for_email(email, role):
    assert role_for_email(email, MAPPING) is role


def test_a_bad_role_in_the_mapping_is_named():
    with pytest.raises(SsoMappingError, match="'boss' is not a role"):
        role_for_email("a@x.org", {"@x.org": "boss"})
