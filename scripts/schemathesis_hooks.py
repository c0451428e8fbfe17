"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

One hook, and a short list: the refusals of schema-valid requests that are right, because what
makes the request wrong is not something a JSON Schema can say. Each entry names the operation,
the status and the problem details `code` the service answers with (documented in
/openapi.json). Only "Schema-valid request rejected" (ST202) failures that match an entry
exactly (and, where given, whose `detail` holds the text) are dropped; every other failure, on these operations too, still fails the run.
"""

import json

import schemathesis

# (operation, status, problem `code`, text of the `detail` or None): why the schema cannot rule
# the request out.
SEMANTIC_REFUSALS = {
    # A cursor is opaque: only a `next_cursor` the service issued is one, and a generated
    # string that merely looks like one (base64url) is refused.
    ("GET /v1/conversations", 400, "invalid_cursor", None),
    ("GET /v1/conversations/{id}/messages", 400, "invalid_cursor", None),
    ("GET /v1/inbox", 400, "invalid_cursor", None),
    ("GET /v1/search", 400, "invalid_cursor", None),
    ("GET /v1/access", 400, "invalid_cursor", None),
    # Positions and tree sizes beyond the ledger's current size: the size changes as records
    # are added, so no schema bound can follow it.
    ("GET /v1/ledgers/{ledger}/proofs/consistency", 422, "out_of_range", None),
    ("GET /v1/ledgers/{ledger}/proofs/inclusion", 422, "out_of_range", None),
    ("GET /v1/ledgers/{ledger}/entries/{position}", 422, "out_of_range", None),
    # Rule sets are checked as a whole: IANA time zone names, unique rule ids, closing after
    # opening, business hours required by an enabled out-of-hours rule.
    ("PUT /v1/routing/rules", 422, "invalid_field", None),
    ("PUT /v1/automation-rules", 422, "invalid_field", None),
    # A search may hold at most 10 words: counting words is beyond a pattern.
    ("GET /v1/search", 400, "invalid_parameter", "may be at most"),
    # A token can be scoped only to roles its user holds now.
    ("POST /v1/staff/tokens", 422, "invalid_field", "so a token cannot be scoped to it"),
    # A password from the list of the most common ones is refused, however long; and its length
    # is counted in UTF-8 bytes (at most 72, bcrypt's limit) and in characters as a person sees
    # them (at least 12), where JSON Schema counts code points.
    ("POST /v1/staff/users", 422, "invalid_field", "one of the most common passwords"),
    ("POST /v1/staff/users", 422, "invalid_field", "use at most 72 bytes"),
    ("POST /v1/staff/users", 422, "invalid_field", "use at least 12 characters"),
    # NUL in a member name of the free-form objects a send passes on to Meta (template
    # components, interactive payloads): PostgreSQL cannot store NUL in jsonb, and a schema would
    # need `propertyNames` on every nested free-form object to say so. NUL in string values is
    # ruled out by the schema's patterns.
    ("POST /v1/conversations/{id}/messages", 400, "invalid_text", "NUL"),
    # Analytics ranges: `to` on or after `from`, at most 366 days (two fields, one rule).
    ("GET /v1/analytics", 400, "invalid_parameter", "is after `to`"),
    ("GET /v1/analytics", 400, "invalid_parameter", "days can be asked at once"),
    # Public-records requests: what the request's state and the clock decide. A receipt time
    # after now; an estimate before today in the agency's time zone; a deposit above the fee, a
    # payment above what is owed or with no fee; a denial without the records withheld, a wait or
    # an installment without a note; a log range whose `to` is before `from` (two fields).
    ("POST /v1/requests", 422, "received_in_future", None),
    ("POST /v1/requests/{id}/acknowledgement", 422, "estimate_in_past", None),
    ("POST /v1/requests/{id}/estimate", 422, "estimate_in_past", None),
    ("POST /v1/requests/{id}/fee", 422, "invalid_amount", None),
    ("POST /v1/requests/{id}/payment", 422, "invalid_amount", None),
    ("POST /v1/requests/{id}/closure", 422, "invalid_field", None),
    ("POST /v1/requests/{id}/status", 422, "invalid_field", None),
    ("GET /v1/request-log", 422, "empty_date_range", None),
    # Redaction and installments of an existing request: what the list in force, the message's
    # text and the request's results decide. An exemption code not on the list; an explanation of
    # only white space or boilerplate (words counted against the exemption's citation and stem); a
    # span beyond the text's length; a position that is not a message of the results; a media the
    # message has not; `search` or `position` (two parameters, one rule); a kind without its
    # members; a return without a reason; an installment with no message selected.
    ("GET /v1/requests/{id}/suggestions", 400, "invalid_parameter", "give search"),
    ("GET /v1/requests/{id}/suggestions", 400, "not_a_message", None),
    ("GET /v1/requests/{id}/suggestions", 400, "not_in_results", None),
    ("POST /v1/requests/{id}/redactions", 400, "unknown_exemption", None),
    ("POST /v1/requests/{id}/redactions", 400, "explanation_missing", None),
    ("POST /v1/requests/{id}/redactions", 400, "explanation_boilerplate", None),
    ("POST /v1/requests/{id}/redactions", 400, "span_outside_text", None),
    ("POST /v1/requests/{id}/redactions", 400, "not_a_message", None),
    ("POST /v1/requests/{id}/redactions", 400, "not_in_results", None),
    ("POST /v1/requests/{id}/redactions", 400, "no_such_media", None),
    ("POST /v1/requests/{id}/redactions", 400, "invalid_field", None),
    ("POST /v1/requests/{id}/redactions/{number}/review", 400, "reason_missing", None),
    ("POST /v1/requests/{id}/redactions/{number}/withdrawal", 400, "reason_missing", None),
    ("POST /v1/requests/{id}/installments", 400, "no_messages", None),
    ("POST /v1/requests/{id}/installments", 400, "not_messages", None),
}


def _problem(response):
    try:
        problem = json.loads(response.content)
    except ValueError:
        return None, ""
    if not isinstance(problem, dict):
        return None, ""
    return problem.get("code"), str(problem.get("detail", ""))


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", None) != "ST202":
        return True
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    code, detail = _problem(response)
    for known_operation, status, known_code, text in SEMANTIC_REFUSALS:
        if (known_operation, status, known_code) == (operation, response.status_code, code) and (text is None or text in detail):
            return False
    return True
