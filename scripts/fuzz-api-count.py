"""Reads one schemathesis NDJSON event file and prints how many HTTP requests it recorded."""

import json
import sys

requests = 0
with open(sys.argv[1], encoding="utf-8") as events:
    for line in events:
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if finished:
            requests += len(finished.get("recorder", {}).get("interactions", {}))
print(requests)
