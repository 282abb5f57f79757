"""Cells of the CSV files the site writes, safe to open in a spreadsheet program: the
formula neutralisation the spreadsheet exports (``portal.blocks.spreadsheets``) and the
public downloads (``portal.blocks.opendata``) use. Kept apart from the spreadsheet module
so that a public page offering a CSV does not load django-import-export and tablib."""

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
