"""The domain errors that modules below services.py raise too (exports/xlsx.py reading a workbook),
kept here so that they need not import services. services.py re-exports them."""


class ReportError(Exception):
    """Base of the domain errors (services.py defines the others); str() is the message for the user."""


class UnusableInput(ReportError):
    """The document cannot be judged at all (wrong format, unknown unit, closed period …)."""


class InputTooLarge(UnusableInput):
    """The file is larger than any report (settings UPLOAD_MAX_BYTES, XLSX_MAX_*, IMPORT_MAX_*):
    refused before it is read further. The upload answers 413 with the message."""
