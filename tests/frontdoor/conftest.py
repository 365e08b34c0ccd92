from tests.security.conftest import borough, clients  # noqa: F401 - shared fixtures
