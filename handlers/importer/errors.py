"""Why a whole file is refused. Row-level problems are not exceptions: they become rejections."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is one line for the office clerk."""


class HeaderError(ImportFileError):
    """The header row is wrong: a column is missing or given twice."""


class EmptyFile(ImportFileError):
    """The file has no header, or a header and no data rows."""


class UnreadableFile(ImportFileError):
    """Not a file we can read: missing, a format other than CSV/xlsx, or an unknown encoding."""
