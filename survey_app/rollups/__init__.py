"""Roll-ups (models/rollup.py): kept by every write that changes responses, read by results.

- `days`: the unit's local day of a response, the same in Python and in SQL on both databases.
- `maintain`: set-based upkeep from stored rows (import, quarantine, release, deletion, time-zone
  change, rebuild): contributions of a set of responses removed before a change, added after it.
- `single`: the one-response path of a web or kiosk submit, from the values being stored.
- `read`: the aggregates `results.queries` returns, summed from the cells.
"""
