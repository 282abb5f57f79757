"""Date formats of the staff screens (``FORMAT_MODULE_PATH``), where Django's own differ
from what each language's readers expect: only the short forms, used in histories,
queues and lists. Everything else is Django's locale."""
