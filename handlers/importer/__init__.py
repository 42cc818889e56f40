"""``wuyebot import``: the owner register, bills and staff list from CSV or xlsx into the database.

The one way estate data comes in; the demo estate of ``serve --demo`` is loaded through it too.
Modules, one job each: ``reading`` (CSV encodings, xlsx streaming), ``columns`` (header and
aliases), ``cells`` and ``addresses`` (one cell to its normal form), ``records`` (a row to a typed
record), ``upsert`` (batched idempotent writes), ``report`` (counts and the clerk's error list),
``estates`` (which estate each row belongs to), ``run`` (``import_file``), ``command`` (the CLI
entry point). docs/importing.md tells the clerk's side.
"""

from handlers.importer.command import KINDS, run_import_command
from handlers.importer.errors import EmptyFile, HeaderError, ImportFileError, UnreadableFile
from handlers.importer.estates import EstateRequired, UnknownEstate
from handlers.importer.report import ImportResult, Kind, Rejection
from handlers.importer.run import import_file

__all__ = [
    "KINDS",
    "EmptyFile",
    "EstateRequired",
    "HeaderError",
    "ImportFileError",
    "ImportResult",
    "Kind",
    "Rejection",
    "UnknownEstate",
    "UnreadableFile",
    "import_file",
    "run_import_command",
]
