"""Spreadsheet cells that stay text: shared by the admin's exports
(``portal.blocks.spreadsheets``) and the public open-data downloads, which must not
import the admin's spreadsheet libraries."""

# A cell starting with one of these is a formula to a spreadsheet program (OWASP "CSV
# injection"); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_formula_text(value):
    """Undo ``neutralise_formula`` so that an exported sheet imports unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
