"""Every error harmwatch raises on purpose.

The CLI and the HTTP API catch ``HarmwatchError`` and show its message, which
always says what happened and what to do next.  Anything else is a bug.

    HarmwatchError
    ├── ConfigError             bad setting, option or environment variable
    ├── IngestError             one input could not become a Document
    │   ├── UnsupportedFormat   unknown file extension or content
    │   ├── EmptyInput          zero bytes, or no text after extraction
    │   ├── DecodeError         not valid UTF-8 / not text
    │   ├── ParseError          malformed JSON, CSV, HTML or feed
    │   └── TooLarge            over the configured size limit
    ├── ExtractError            the NLP pipeline could not run
    │   └── ModelMissing        the spaCy model package is not installed
    ├── GeoError                gazetteer could not be built, opened or imported
    ├── StoreError              database problem
    │   ├── SchemaError         database from a newer harmwatch, or not ours
    │   └── NotFound            no such document, mention or incident
    └── LinkError               linking got inconsistent input
"""

from __future__ import annotations


class HarmwatchError(Exception):
    """Base of every error harmwatch raises on purpose."""


class ConfigError(HarmwatchError):
    """A setting, option or environment variable is wrong."""


class IngestError(HarmwatchError):
    """One input could not be turned into a Document.

    ``path`` names the file (and record, where there is one) so a batch run can
    report each rejection on its own line and carry on with the rest.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormat(IngestError):
    """The file's extension or content is not one harmwatch reads."""


class EmptyInput(IngestError):
    """The input has no bytes, or no text once extracted."""


class DecodeError(IngestError):
    """The bytes are not valid UTF-8 text."""


class ParseError(IngestError):
    """Malformed JSON, CSV, HTML or feed."""


class TooLarge(IngestError):
    """The input is over the configured size limit."""


class ExtractError(HarmwatchError):
    """The extraction pipeline could not run."""


class ModelMissing(ExtractError):
    """The spaCy English model package is not installed."""


class GeoError(HarmwatchError):
    """The gazetteer could not be built, opened or imported."""


class StoreError(HarmwatchError):
    """The database could not be opened, migrated, read or written."""


class SchemaError(StoreError):
    """The database was written by a newer harmwatch, or is not a harmwatch database."""


class NotFound(StoreError):
    """No document, mention or incident has the requested id."""


class LinkError(HarmwatchError):
    """Linking was given inconsistent input."""
