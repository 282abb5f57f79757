"""Dates written the way people read them, in Korean and in English.

Two jobs, used by every app: a date of which perhaps only the month or year is known
(partnerships, milestones), and a range of dates (events), written without repeating
what both ends share: "4 Sep – 2 Nov 2025" / "2025년 9월 4일 – 11월 2일".
"""

from django.utils.translation import get_language

from portal.blocks.fields import DatePrecision

EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_DASH = "\u2013"


def _lang(lang):
    return (lang or get_language() or "ko").split("-")[0]


def format_partial_date(value, precision=DatePrecision.DAY, lang=None):
    if value is None:
        return ""
    if _lang(lang) == "ko":
        if precision == DatePrecision.YEAR:
            return f"{value.year}년"
        if precision == DatePrecision.MONTH:
            return f"{value.year}년 {value.month}월"
        return f"{value.year}년 {value.month}월 {value.day}일"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"


def format_date_range(start, end, lang=None):
    """``start`` may be None (not recorded): the range then reads "until <end>"."""
    lang = _lang(lang)
    if start is None and end is None:
        return ""
    if start is None:
        ends = format_partial_date(end, lang=lang)
        return f"{ends}까지" if lang == "ko" else f"until {ends}"
    if end is None or end == start:
        return format_partial_date(start, lang=lang)
    if lang == "ko":
        if start.year != end.year:
            tail = format_partial_date(end, lang=lang)
        elif start.month != end.month:
            tail = f"{end.month}월 {end.day}일"
        else:
            tail = f"{end.day}일"
        return f"{format_partial_date(start, lang=lang)} {EN_DASH} {tail}"
    if start.year != end.year:
        head = format_partial_date(start, lang=lang)
    elif start.month != end.month:
        head = f"{start.day} {EN_MONTHS[start.month - 1]}"
    else:
        return f"{start.day}{EN_DASH}{end.day} {EN_MONTHS[end.month - 1]} {end.year}"
    return f"{head} {EN_DASH} {format_partial_date(end, lang=lang)}"
