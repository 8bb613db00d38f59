"""A real OpenID Connect provider for the single sign-on tests, and a browser that uses it.

The provider is oidc-provider on Node (tests/auth/oidc/provider.mjs), which `make test`
installs with npm into tests/auth/oidc/node_modules. Where it is missing the tests fail and
say how to get it: a skipped check proves nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from flask.testing import FlaskClient

HARNESS = Path(__file__).parent / "oidc"
# Flask's test client serves the app at http://localhost; the provider knows this callback.
REDIRECT_URI = "http://localhost/sign-in/sso/callback"
CLIENT_ID, CLIENT_SECRET = "scorecards", "scorecards-secret"  # noqa: S105 (the test client's)


@dataclass
class Provider:
    """The running provider: its issuer URL."""

    issuer: str

    def sign_in(self, client: FlaskClient, sub: str, claims: dict, next_url: str = ""):
        """Sign in through the provider as this account, and return the app's last answer.

        The app's pages go through the Flask client; the provider's through a browser of
        their own (a requests session keeps its cookies), as a person's browser would.
        """
        start = client.get("/sign-in/sso" + (f"?next={next_url}" if next_url else ""))
        assert start.status_code == 302, start.text
        callback = self.authorize(start.headers["Location"], sub, claims)
        parts = urlsplit(callback)
        return client.get(f"{parts.path}?{parts.query}")

    def authorize(self, authorize_url: str, sub: str, claims: dict) -> str:
        """Sign in at the provider from its authorization URL; return the callback URL."""
        browser = requests.Session()
        prompt = browser.get(authorize_url, allow_redirects=False, timeout=10)
        assert prompt.status_code in (302, 303), prompt.text
        interaction = urljoin(authorize_url, prompt.headers["Location"])
        done = browser.post(interaction + "/login", allow_redirects=False, timeout=10,
                            data={"sub": sub, "claims": json.dumps(claims)})
        assert done.status_code in (302, 303), done.text
        resumed = browser.get(urljoin(interaction, done.headers["Location"]),
                              allow_redirects=False, timeout=10)
        assert resumed.status_code in (302, 303), resumed.text
        callback = resumed.headers["Location"]
        assert callback.startswith(REDIRECT_URI), callback
        return callback


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """Start the OpenID Connect provider on a free loopback port; stop it after the run."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: the single sign-on tests run a real OpenID "
                    "provider on it. Install Node.js and npm, then run `make test`.")
    if not (HARNESS / "node_modules" / "oidc-provider").exists():
        pytest.fail(f"{HARNESS / 'node_modules' / 'oidc-provider'} is missing: `make test` "
                    "installs it with npm.")
    process = subprocess.Popen([node, str(HARNESS / "provider.mjs"), REDIRECT_URI],
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # the script prints its port once it answers
        if not line.startswith("listening "):
            pytest.fail(f"the OpenID provider did not start (exit code {process.poll()})")
        yield Provider(issuer=f"http://127.0.0.1:{int(line.split()[1])}")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def sso_settings(provider: Provider) -> dict:
    """Return the settings of single sign-on through the test provider."""
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Example Login",
        "OIDC_SCOPES": ["openid", "email", "profile", "groups"],
        "OIDC_ROLE_GROUPS": {"interviewers": ["interviewer"], "hiring-committee": ["committee"],
                             "people-team": ["hr", "interviewer"], "it-admins": ["admin"]},
        "OIDC_ALLOWED_DOMAINS": ["example.com"],
    }
