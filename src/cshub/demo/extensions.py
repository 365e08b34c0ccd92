"""Later capabilities extend the synthetic borough here, without editing the core generator.

An extension is a function taking the built `Borough` (after its core records are written) and
writing its own records: it must draw randomness only from `borough.stream(name)` (a
deterministic stream per name), read what it needs in a stable order, and write in bulk. It
declares the models it writes, so `content_hash()` covers them and determinism is tested.
Extensions run in registration order; register them in `cshub.demo.apps.DemoConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Extension:
    name: str
    run: Callable[[object], None]  # (borough) -> None
    models: tuple = ()


_extensions: dict[str, Extension] = {}


def register(extension: Extension) -> None:
    _extensions[extension.name] = extension


def extensions() -> list[Extension]:
    return list(_extensions.values())
