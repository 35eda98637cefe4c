"""Kubernetes quantities (``500m``, ``2``, ``512Mi``) as numbers."""

from __future__ import annotations

from typing import Optional

_SUFFIX = {
    "m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 1024.0, "Mi": 1024.0**2, "Gi": 1024.0**3, "Ti": 1024.0**4, "Pi": 1024.0**5, "Ei": 1024.0**6,
}


def parse_quantity(value: Optional[str]) -> float:
    """``"500m"`` → 0.5, ``"2Gi"`` → 2147483648.0; None or empty → 0."""
    if not value:
        return 0.0
    text = str(value).strip()
    for suffix in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * _SUFFIX[suffix]
    if text[-1] in "mkMGTPE":
        return float(text[:-1]) * _SUFFIX[text[-1]]
    return float(text)


def millicores(value: Optional[str]) -> float:
    return parse_quantity(value) * 1000
