"""What each document is built from, as plain data (selectors: reads only).

Every function here returns JSON-serialisable dicts of the text the templates print, so that:
- the same data feeds the PDF (WeasyPrint) and the Word file (the same HTML, converted);
- `fingerprint(source)` is a hash of exactly what a document shows: a document is stale when the
  fingerprint of today's data differs from the one it was built from, and not before (a
  nomination moving to the next stage does not make its report stale).
Document metadata (number, date, verification code) is added by the services, not here.

One module a job: identities (record identity, fingerprint), organisations (heading blocks,
signers, addressees), legal (the round and its "Căn cứ" lines), nominees (a stage's nominations,
councils and rows), then one module a kind of document (to_trinh, bien_ban, bao_cao, du_thao).
`from dossiers import sources` and `sources.<name>` reach every function; dossiers.kinds says
which source function builds each kind of document.
"""
from dossiers.sources.identities import (  # noqa: F401
    identity_for,
    fingerprint,
)
from dossiers.sources.organisations import (  # noqa: F401
    place_of,
    round_org_block,
    governing_body,
    org_block,
    head_or_name,
    titled,
    signer_lines,
    addressee_of,
    stage_issuer,
)
from dossiers.sources.legal import (  # noqa: F401
    round_block,
    campaign_document_line,
    legal_lines,
)
from dossiers.sources.nominees import (  # noqa: F401
    nominee_row,
    grouped,
    nominees_phrase,
    count_phrase,
    _nomination_queryset,
    council_body,
    council_name,
    council_meeting,
    _passing_ids,
    stage_nominations,
    forwarded_minutes,
    MINUTES_NAMED_UP_TO,
    forwarded_minutes_lines,
    minutes_mismatch,
    split_at_decision,
)
from dossiers.sources.to_trinh import (  # noqa: F401
    to_trinh_date,
    to_trinh_source,
    WORK_DONE,
    proposing_stage,
    proposal_line,
    request_phrase,
)
from dossiers.sources.bien_ban import (  # noqa: F401
    council_conclusion,
    _rule_text,
    bien_ban_source,
)
from dossiers.sources.bao_cao import (  # noqa: F401
    CRITERIA_STATUS_LABELS,
    LEVEL_WORDS,
    _value_text,
    _requirement_text,
    _earlier_awards,
    _particulars,
    _collective_profile,
    report_sources,
    report_date,
    _report_source,
    report_source,
    summary_from_report,
    summary_source,
)
from dossiers.sources.du_thao import (  # noqa: F401
    recorded_decision,
    decision_signer_lines,
    du_thao_source,
    decision_authority,
)
