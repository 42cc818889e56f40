"""Which estate (小区) each row of an import file belongs to (docs/importing.md).

The one place for these rules:

- A file may carry an ``estate`` column: an estate's code (``lanting``), or its name or an alias
  (兰亭苑), of the estates in config.yaml.
- ``--estate CODE`` names the estate of the whole file. With a column too, it fills the empty cells,
  and an owners or bills row whose cell names another estate is rejected (a file given for the
  wrong estate is caught, not imported into the wrong one).
- A single-estate deployment needs neither: the rows go to the default estate.
- A deployment with several estates and a file with neither is refused as a whole, before anything
  is written: which estate the rows belong to cannot be guessed.
- Staff: the cell may list several codes separated by ``|`` (someone may serve several estates).
  Admins serve the whole company: their cell is ignored and they keep no estates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.settings import DEFAULT_ESTATE_CODE
from handlers.importer.cells import CellError, quoted
from handlers.importer.errors import ImportFileError

if TYPE_CHECKING:
    from bot.settings import Settings

DEFAULT_ESTATE_NAME = "本小区"  # the name given to the default estate's row when nothing names it
ADMIN = "admin"


class UnknownEstate(ImportFileError):
    """``--estate`` names no estate of config.yaml."""


class EstateRequired(ImportFileError):
    """Several estates, and the file says neither by a column nor by ``--estate`` which one."""


@dataclass(frozen=True)
class KnownEstate:
    code: str
    name: str
    spellings: tuple[str, ...] = ()  # the name and aliases, as config.yaml writes them

    @property
    def label(self) -> str:
        return f"{self.code}（{self.name}）"


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class EstateScope:
    """The estates a deployment knows, and its default one."""

    estates: tuple[KnownEstate, ...]
    default: str
    _lookup: dict[str, KnownEstate] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, KnownEstate] = {}
        for estate in self.estates:  # codes first: a code always means its own estate
            lookup.setdefault(estate.code, estate)
            lookup.setdefault(_key(estate.code), estate)
        for estate in self.estates:
            for spelling in (estate.name, *estate.spellings):
                lookup.setdefault(_key(spelling), estate)
        object.__setattr__(self, "_lookup", lookup)

    @classmethod
    def of(cls, settings: Settings) -> EstateScope:
        estates = tuple(KnownEstate(estate.code, estate.name, estate.names) for estate in settings.estate_list)
        return cls(estates, settings.estate.code)

    @classmethod
    def single(cls, name: str | None = None) -> EstateScope:
        """A deployment of one estate, the default, called ``name`` (a caller without settings)."""
        spellings = (name,) if name else ()
        return cls((KnownEstate(DEFAULT_ESTATE_CODE, name or DEFAULT_ESTATE_NAME, spellings),), DEFAULT_ESTATE_CODE)

    @property
    def multi(self) -> bool:
        return len(self.estates) > 1

    def find(self, text: str) -> KnownEstate | None:
        return self._lookup.get(text) or self._lookup.get(_key(text))

    def get(self, code: str) -> KnownEstate:
        return next(estate for estate in self.estates if estate.code == code)

    def listing(self) -> str:
        return "、".join(estate.label for estate in self.estates)

    def named(self, text: str) -> KnownEstate:
        """The estate ``--estate`` names, or UnknownEstate (one line, listing the known codes)."""
        found = self.find(text.strip())
        if found is None:
            raise UnknownEstate(f"--estate {quoted(text)} 不是已知的小区代码；可用的小区：{self.listing()}")
        return found


_SEPARATORS = re.compile(r"[|｜、,，/;；\s]+")


@dataclass(frozen=True)
class FileEstates:
    """How the rows of one file get their estate: its column, ``--estate``, or the only estate."""

    scope: EstateScope
    given: str | None  # the code ``--estate`` names
    column: bool  # the file has an estate column
    # The estate of a row that does not name one; None where the row must name it.
    fallback: str | None = field(init=False)

    def __post_init__(self) -> None:
        fallback = self.given if self.given is not None else None if self.scope.multi else self.scope.default
        object.__setattr__(self, "fallback", fallback)

    @property
    def says(self) -> bool:
        """The file tells the estates of its rows (a column or ``--estate``)."""
        return self.column or self.given is not None

    def require(self) -> None:
        """Refuse a file whose rows cannot be placed: several estates and neither column nor option."""
        if not self.says and self.scope.multi:
            raise EstateRequired(
                f"本系统有多个小区（{self.scope.listing()}），文件中却没有 estate（小区）列：请加一列 estate "
                "写明每行所属小区的代码，或用 --estate 代码 指定整个文件所属的小区"
            )

    def of_row(self, text: str) -> str:
        """The code of an owners or bills row's estate from its cell, or CellError."""
        if not text:
            if self.fallback is None:
                raise CellError(self._needed())
            return self.fallback
        found = self._found(text)
        if self.given is not None and found.code != self.given:
            raise CellError(f"{quoted(text)} 与 --estate {self.scope.get(self.given).label} 不一致，本行未导入")
        return found.code

    def served(self, text: str, role: str | None) -> tuple[str, ...] | None:
        """The codes a staff row serves; () for an admin; None when the file does not say (keep them)."""
        if not self.says:
            return None
        if role == ADMIN:
            return ()
        parts = [part for part in _SEPARATORS.split(text) if part]
        if not parts:
            if self.fallback is None:
                raise CellError(self._needed())
            return (self.fallback,)
        unknown = [part for part in parts if self.scope.find(part) is None]
        if unknown:
            raise CellError(f"{'、'.join(quoted(part) for part in unknown)} 不是已知的小区代码，"
                            f"可用：{self.scope.listing()}")
        return tuple(dict.fromkeys(self._found(part).code for part in parts))

    def _found(self, text: str) -> KnownEstate:
        found = self.scope.find(text)
        if found is None:
            raise CellError(f"{quoted(text)} 不是已知的小区代码，可用：{self.scope.listing()}")
        return found

    def _needed(self) -> str:
        return f"不能为空：本系统有多个小区，请填写小区代码（{self.scope.listing()}）"


def file_estates(scope: EstateScope, estate: str | None, has_column: bool) -> FileEstates:
    """The rules for one file; UnknownEstate or EstateRequired before anything is written."""
    given = scope.named(estate).code if estate is not None else None
    rules = FileEstates(scope, given, has_column)
    rules.require()
    return rules


def scope_of(settings: Settings | None, estate: str | None) -> EstateScope:
    """The deployment's estates; without settings (a caller from before estates, the demo loader)
    a single default estate, named by ``estate`` as those callers pass it."""
    return EstateScope.of(settings) if settings is not None else EstateScope.single(estate)
