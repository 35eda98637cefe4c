"""Lists returned by ``list()``: a Python list of typed objects plus the list's ``resourceVersion``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Optional, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    import pandas

T = TypeVar("T", bound=BaseModel)


class ObjectList(List[T]):
    """A ``list`` of models; ``resource_version`` is where a watch continues from."""

    def __init__(self, items: Iterable[T] = (), resource_version: Optional[str] = None, kind: str = "") -> None:
        super().__init__(items)
        self.resource_version = resource_version
        self.kind = kind

    def to_dataframe(self) -> "pandas.DataFrame":
        """One row per object (see :func:`entroos.frames.to_dataframe`); needs pandas."""
        from .frames import to_dataframe

        return to_dataframe(self)

    def _repr_html_(self) -> str:
        from .display import list_html

        return list_html(self)

    def __repr__(self) -> str:
        return f"<{self.kind or 'List'} of {len(self)} items at resourceVersion {self.resource_version}>"

    def names(self) -> List[str]:
        out: List[str] = []
        for item in self:
            meta: Any = getattr(item, "metadata", None)
            out.append(str(getattr(meta, "name", "") or getattr(item, "name", "")))
        return out
