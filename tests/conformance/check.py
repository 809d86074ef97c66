"""Runs scim2-tester against a SCIM server and compares the failures with the accepted differences.

Usage: SCIM_TOKEN=... python3 check.py <base url> <ACCEPTED.md>
A check is identified as "<resource type or ->/<title>", followed by "[<attribute>]" for the
per-attribute PATCH checks (several checks share one title); ACCEPTED.md lists accepted ones as
markdown bullets that start with the identifier in backticks: - `Group/check_add_attribute[members]`: RFC reason.
Exit status: 0 when every failing check is accepted, 1 otherwise.
"""

import os
import re
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

FAILING = {Status.ERROR, Status.CRITICAL, Status.DEVIATION}


def accepted_ids(path: str) -> set[str]:
    """The check identifiers listed in ACCEPTED.md."""
    ids = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*[-*]\s+`([^`]+)`", line)
            if m:
                ids.add(m.group(1))
    return ids


def identifier(r) -> str:
    """The check's identifier: resource type, title and, for per-attribute checks, the attribute."""
    ident = f"{r.resource_type or '-'}/{r.title}"
    if isinstance(r.data, dict) and isinstance(r.data.get("urn"), str):
        ident += f"[{r.data['urn']}]"
    return ident


def main() -> int:
    base_url, accepted_path = sys.argv[1], sys.argv[2]
    token = os.environ["SCIM_TOKEN"]
    accepted = accepted_ids(accepted_path)
    http = Client(base_url=base_url.rstrip("/") + "/", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    client = SyncSCIMClient(http)
    results = check_server(client)

    failed, tolerated, seen = [], [], set()
    for r in results:
        ident = identifier(r)
        seen.add(ident)
        line = f"{r.status.name:<10} {ident}"
        if r.status in FAILING:
            line += f"\n           reason: {r.reason}"
            if r.data is not None:
                line += f"\n           data: {str(r.data)[:600]}"
            (tolerated if ident in accepted else failed).append(ident)
            if ident in accepted:
                line += "\n           (accepted difference, see ACCEPTED.md)"
        print(line)

    counts = {}
    for r in results:
        counts[r.status.name] = counts.get(r.status.name, 0) + 1
    print("\nsummary: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    stale = sorted(accepted - seen)
    if stale:
        print("note: accepted entries that no check produced: " + ", ".join(stale))
    if tolerated:
        print(f"accepted differences: {len(tolerated)}")
    if failed:
        print(f"FAILED ({len(failed)}): " + ", ".join(failed))
        return 1
    print("conformance: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
