"""Borough geography: the ward boundaries shipped with the code, and point-in-ward lookup.

The boundaries are ONS Wards (December 2019) for Barnsley, Open Government Licence v3.0
(see `data/README.md` beside this module). Shapely does the geometry.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

DATA_DIR = Path(__file__).resolve().parent / "data"
WARDS_FILE = DATA_DIR / "barnsley-wards-2019.geojson"
DISTRICT_FILE = DATA_DIR / "barnsley-district-2019.geojson"


@lru_cache(maxsize=1)
def ward_features() -> list[dict]:
    """The ward features, ordered by code: properties `wd19cd`, `wd19nm`; geometry."""
    features = json.loads(WARDS_FILE.read_text())["features"]
    return sorted(features, key=lambda f: f["properties"]["wd19cd"])


@lru_cache(maxsize=1)
def _prepared() -> list[tuple[str, object, object]]:
    out = []
    for feature in ward_features():
        geom = shape(feature["geometry"])
        out.append((feature["properties"]["wd19cd"], geom, prep(geom)))
    return out


def ward_code_at(longitude: float, latitude: float) -> str | None:
    """The code of the ward containing the point, or None outside the borough."""
    point = Point(longitude, latitude)
    for code, _geom, prepared in _prepared():
        if prepared.contains(point):
            return code
    return None


def ward_geometry(code: str):
    for ward_code, geom, _prepared_geom in _prepared():
        if ward_code == code:
            return geom
    raise KeyError(code)
