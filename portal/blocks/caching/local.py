"""A process's own small store, least recently used out first: for what is kept beside
the shared cache (pages whose address holds free text, regions)."""

import pickle
import threading
from collections import OrderedDict


class LocalStore:
    """``copies=True`` keeps values pickled and gives each ``get`` its own copy (a
    response that the caller changes); otherwise values are kept and given as they are,
    for immutable ones."""

    def __init__(self, size, copies=False):
        self.size = size
        self.copies = copies
        self.entries = OrderedDict()
        self.lock = threading.Lock()  # for threaded workers

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is None:
                return None
            self.entries.move_to_end(key)
        return pickle.loads(value) if self.copies else value  # noqa: S301 - pickled here

    def set(self, key, value):
        if self.copies:
            value = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
