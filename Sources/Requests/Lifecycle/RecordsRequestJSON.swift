public import Deadlines
public import Foundation

/// The JSON object of a request: what `recordkeeper requests … --json` prints and the
/// `/v1/requests` routes answer (without `ok`): one shape for both.
public enum RecordsRequestJSON {
    static func iso(_ date: Date) -> String { DueDateExplanation.iso(date) }

    /// A request, without `ok`; `now` adds `overdue`. `content` says whether `text` and
    /// `requester` were read from the payload (`present`), not read (`not_read`: lists, actions),
    /// or could not be (`destroyed`, `sealed`, `unavailable`).
    public static func request(_ r: RecordsRequest, now: Date? = nil) -> [String: Any] {
        var object: [String: Any] = [
            "request": r.id, "status": r.status.rawValue, "channel": r.channel.rawValue, "content": r.content.code, "received_at": iso(r.receivedAt),
            "received_day": CivilDay(r.receivedAt, in: r.timeZone).description, "received_by": r.receivedBy, "position": r.position,
            "due_date": r.dueDate.description, "time_zone": r.timeZone.identifier, "clarification_pending": r.clarificationPending,
            "fees_cents": r.feesCents, "deposit_cents": r.depositCents, "paid_cents": r.paidCents, "balance_cents": r.balanceCents,
            "appeal_pending": r.appealPending, "last_position": r.lastPosition,
        ]
        if let text = r.text { object["text"] = text }
        if case .destroyed(let position) = r.content { object["content_destroyed_by"] = position }
        var requester: [String: Any] = [:]
        if let name = r.requester.name { requester["name"] = name }
        if let contact = r.requester.contact { requester["contact"] = contact }
        if !requester.isEmpty { object["requester"] = requester }
        if let first = r.firstResponseAt { object["first_response_at"] = iso(first) }
        if let estimate = r.estimateDate { object["estimate_date"] = estimate.description }
        if let governing = r.governingDate { object["governing_date"] = governing.description }
        if let waiting = r.waitingSince { object["waiting_since"] = iso(waiting) }
        if let abandonable = r.abandonableFrom { object["abandonable_from"] = abandonable.description }
        if let reason = r.closeReason { object["close_reason"] = reason.rawValue }
        if let closed = r.closedAt { object["closed_at"] = iso(closed) }
        if let now { object["overdue"] = r.isOverdue(at: now) }
        return object
    }

    /// The due date's explanation (`received_at`, `time_zone`, `calendar`, `receipt_day`,
    /// `business_days`, `steps`, `due_date`).
    public static func explanation(_ explanation: DueDateExplanation) -> [String: Any] {
        [
            "received_at": iso(explanation.receivedAt), "time_zone": explanation.timeZone, "calendar": explanation.calendar,
            "receipt_day": explanation.receiptDay.description, "business_days": explanation.businessDays,
            "steps": explanation.steps.map { step -> [String: Any] in
                var item: [String: Any] = ["day": step.day.description, "weekday": step.day.weekday.rawValue, "note": step.note]
                if let counted = step.counted { item["counted"] = counted }
                return item
            },
            "due_date": explanation.dueDate.description,
        ]
    }

    /// One history entry.
    public static func history(_ item: RequestHistoryItem) -> [String: Any] {
        [
            "position": item.position, "type": item.eventType, "status": item.status.rawValue, "occurred_at": iso(item.occurredAt),
            "actor": item.actor, "details": item.details, "content": item.content.code,
        ]
    }
}
