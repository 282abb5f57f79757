"""JSON that the site's own scripts read (a map's points, a field's suggestions): UTF-8
rather than escaped Hangul, and no spaces, so that thousands of entries stay small."""

import json

from django.http import HttpResponse


def compact_json_response(data, content_type="application/json", status=200):
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type=content_type,
        status=status,
    )
