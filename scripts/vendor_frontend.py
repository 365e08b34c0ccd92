"""Refresh the vendored front-end assets from the npm registry.

The versions are pinned once, in package.json. This script fetches each pinned package with
`npm pack` (no install scripts run), and copies the compiled files the site serves into
src/cshub/core/static/vendor/<package>/. The result is committed, so a fresh clone needs no
Node.js; run this (``make vendor``) only to upgrade.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "cshub" / "core" / "static" / "vendor"

# package -> list of (path inside the package tarball, destination under STATIC/<package>)
FILES = {
    "govuk-frontend": [
        ("package/dist/govuk/govuk-frontend.min.css", "govuk-frontend.min.css"),
        ("package/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"),
        ("package/dist/govuk/assets", "assets"),
    ],
    "htmx.org": [
        ("package/dist/htmx.min.js", "htmx.min.js"),
        ("package/LICENSE", "LICENSE"),
    ],
}


NOTICES = {
    "htmx.org": "htmx (https://htmx.org), Zero-Clause BSD licence (see LICENSE).\n",
    "govuk-frontend": (
        "GOV.UK Frontend (https://github.com/alphagov/govuk-frontend), MIT licence.\n"
        "The crest and fonts are Crown copyright; use them only for a UK public-sector service.\n"
    ),
}


def _fetch(package: str, version: str, workdir: Path) -> Path:
    spec = f"{package}@{version}"
    command = ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)]
    out = subprocess.run(  # noqa: S603 - fixed arguments; names and versions from package.json
        command,  # noqa: S607 - npm from PATH, as a developer runs it
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    extract = workdir / package
    with tarfile.open(tarball) as tar:
        tar.extractall(extract, filter="data")
    return extract


def main() -> None:
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    with tempfile.TemporaryDirectory() as tmp:
        for package, files in FILES.items():
            src = _fetch(package, pins[package], Path(tmp))
            dest = STATIC / package
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir(parents=True)
            for inner, target in files:
                path = src / inner
                if path.is_dir():
                    shutil.copytree(path, dest / target)
                else:
                    shutil.copy2(path, dest / target)
            (dest / "VERSION").write_text(pins[package] + "\n")
            (dest / "NOTICE").write_text(NOTICES[package])
    # GOV.UK Frontend's CSS points at /assets/; serve the assets beside the CSS instead.
    css = STATIC / "govuk-frontend" / "govuk-frontend.min.css"
    css.write_text(css.read_text().replace("url(/assets/", "url(assets/"))
    print(f"vendored into {STATIC}")


if __name__ == "__main__":
    main()
