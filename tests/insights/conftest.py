from tests.security.conftest import borough, clients, signed_in  # noqa: F401
