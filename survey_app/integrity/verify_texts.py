"""Words of the differences `publications.verify` finds (msgids; translated where shown)."""

from __future__ import annotations

from .texts import N_

MESSAGES = {
    "tampered": N_("the stored figures no longer match their digest: they were changed after "
                   "publishing"),
    "chain": N_("the link to revision %(revision)s does not match: an earlier revision was "
                "changed or removed"),
    "no_digest": N_("published before verification existed: no digest to check"),
    "unit_gone": N_("the unit no longer exists"),
    "unreadable": N_("the stored figures cannot be read"),
    "no_data": N_("the period's stored responses give no figures now (%(n)s were published)"),
    "figure": N_("%(name)s was %(then)s, the stored responses now give %(now)s"),
    "added": N_("%(count)s responses were stored in the period after publishing"),
    "late_import": N_("a file of %(rows)s rows (SHA-256 %(file)s…) was imported by %(by)s at "
                      "%(at)s, after publishing"),
    "deleted": N_("%(count)s of the published responses were deleted or moved out of the "
                  "period"),
    "replaced": N_("published responses were replaced by others"),
    "edited": N_("answers of published responses were edited"),
    "quarantine": N_("quarantine changed since publishing: %(released)s released, "
                     "%(added)s added"),
}
