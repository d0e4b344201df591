#!/usr/bin/env python3
"""Records Fernet vectors made by Python's `cryptography`, so the Node tests also run without Python.

Usage: python3 tools/vectors/record_fernet.py > test/fixtures/oauth/vectors.json
"""
import base64
import json
import random

import cryptography
from cryptography.fernet import Fernet

rng = random.Random(20261125)
vectors = []
for i in range(24):
    key = base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(32)))
    iv = bytes(rng.getrandbits(8) for _ in range(16))
    timestamp = 1_700_000_000 + rng.randrange(100_000_000)
    size = [0, 1, 15, 16, 17, 100, 2500][i % 7]
    message = bytes(rng.getrandbits(8) for _ in range(size))
    token = Fernet(key)._encrypt_from_parts(message, timestamp, iv)
    vectors.append({
        "key": key.decode(),
        "iv": iv.hex(),
        "timestamp": timestamp,
        "message": message.hex(),
        "token": token.decode(),
    })
print(json.dumps({"generator": "cryptography " + cryptography.__version__, "vectors": vectors}, indent=1))
