"""Refresh the vendored front-end assets from the npm registry.

The versions are pinned once, in package.json. This script fetches each pinned package with
`npm pack` (no install scripts run), and copies the compiled files the site serves into
src/cshub/core/static/vendor/<package>/. The result is committed, so a fresh clone needs no
Node.js; run this (``make vendor``) only to upgrade.
"""

from __future__ import annotations

import json
import re
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
    # Charts: Vega-Lite specs (built in Python with Altair) drawn by vega-embed. The .min.js files
    # are the browser builds (UMD: they set window.vega, window.vegaLite, window.vegaEmbed) and
    # need no bundler; load them in this order. docs/operating.md (Charts): the CSP-safe options.
    "vega": [
        ("package/build/vega.min.js", "vega.min.js"),
        ("package/LICENSE", "LICENSE"),
    ],
    "vega-lite": [
        ("package/build/vega-lite.min.js", "vega-lite.min.js"),
        ("package/LICENSE", "LICENSE"),
    ],
    "vega-embed": [
        ("package/build/vega-embed.min.js", "vega-embed.min.js"),
        ("package/LICENSE", "LICENSE"),
    ],
    # Evaluates Vega expressions without eval/new Function (the CSP forbids both). It ships only as
    # an ES module importing the bare name 'vega-util'; _adapt_interpreter points that import at
    # the vega-util functions the vega bundle already puts on window.vega.
    "vega-interpreter": [
        ("package/build/vega-interpreter.js", "vega-interpreter.js"),
        ("package/LICENSE", "LICENSE"),
    ],
}


NOTICES = {
    "htmx.org": "htmx (https://htmx.org), Zero-Clause BSD licence (see LICENSE).\n",
    "govuk-frontend": (
        "GOV.UK Frontend (https://github.com/alphagov/govuk-frontend), MIT licence.\n"
        "The crest and fonts are Crown copyright; use them only for a UK public-sector service.\n"
    ),
    "vega": (
        "Vega (https://vega.github.io/vega/), BSD 3-Clause licence (see LICENSE).\n"
        "The bundle includes d3 modules and topojson-client (ISC licence) and other Vega modules\n"
        "(BSD 3-Clause).\n"
    ),
    "vega-lite": (
        "Vega-Lite (https://vega.github.io/vega-lite/), BSD 3-Clause licence (see LICENSE).\n"
        "The bundle includes json-stringify-pretty-compact (MIT) and tslib (0BSD).\n"
    ),
    "vega-embed": (
        "vega-embed (https://github.com/vega/vega-embed), BSD 3-Clause licence (see LICENSE).\n"
        "The bundle includes vega-tooltip, vega-themes, vega-interpreter and\n"
        "vega-schema-url-parser (BSD 3-Clause), fast-json-patch and json-stringify-pretty-compact\n"
        "(MIT), semver (ISC) and tslib (0BSD).\n"
    ),
    "vega-interpreter": (
        "vega-interpreter (https://github.com/vega/vega/tree/main/packages/vega-interpreter),\n"
        "BSD 3-Clause licence (see LICENSE). Its one import of 'vega-util' is rewritten by\n"
        "scripts/vendor_frontend.py to read the same functions from window.vega (vega.min.js).\n"
    ),
}

# vega-interpreter's only import; checked exactly, so an upgrade that changes it fails loudly here
# rather than in the browser.
INTERPRETER_IMPORT = (
    "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';\n"
)


_SOURCE_MAP = re.compile(r"//# sourceMappingURL=\S+|/\*# sourceMappingURL=[^*]*\*/")


def _drop_source_map_lines(path: Path) -> None:
    """Remove source map references (`//# sourceMappingURL=…` in JavaScript, `/*# … */` in CSS,
    at a line's start or after code on it): the maps are not vendored, and Django's manifest
    storage (collectstatic in production) refuses a reference to a file that is not there."""
    text = path.read_text()
    kept = _SOURCE_MAP.sub("", text)
    if kept != text:
        path.write_text(kept)


def _adapt_interpreter(path: Path) -> None:
    text = path.read_text()
    if not text.startswith(INTERPRETER_IMPORT) or text.count("import ") != 1:
        raise SystemExit(f"{path}: its imports changed; update INTERPRETER_IMPORT and the rewrite")
    names = INTERPRETER_IMPORT[len("import {") : INTERPRETER_IMPORT.index("}")].strip()
    shim = (
        "// Rewritten by scripts/vendor_frontend.py: vega-util comes from vega.min.js\n"
        "// (window.vega), which the page loads first.\n"
        f"const {{ {names} }} = globalThis.vega;\n"
    )
    path.write_text(shim + text[len(INTERPRETER_IMPORT) :])


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
                    if target.endswith((".js", ".css")):
                        _drop_source_map_lines(dest / target)
            (dest / "VERSION").write_text(pins[package] + "\n")
            (dest / "NOTICE").write_text(NOTICES[package])
    # GOV.UK Frontend's CSS points at /assets/; serve the assets beside the CSS instead.
    css = STATIC / "govuk-frontend" / "govuk-frontend.min.css"
    css.write_text(css.read_text().replace("url(/assets/", "url(assets/"))
    _adapt_interpreter(STATIC / "vega-interpreter" / "vega-interpreter.js")
    print(f"vendored into {STATIC}")


if __name__ == "__main__":
    main()
