import Deadlines
import Foundation
import Requests
import WebFoundation

/// A public-records request as the request pages show it: words for its status, its dates as
/// text a person reads (with machine-readable `datetime` values), its overdue flag in words.
struct RequestView {
    let request: RecordsRequest
    let now: Date

    /// `in_progress` → `In progress`.
    static func statusText(_ status: RequestStatus) -> String {
        let words = status.rawValue.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// `Monday 2026-12-14`.
    static func dayText(_ day: CivilDay) -> String { "\(day.weekday.name) \(day.description)" }

    /// A day as its words with its ISO form for `<time datetime>`.
    static func day(_ day: CivilDay) -> [String: Any] { ["text": dayText(day), "iso": day.description] }

    var overdue: Bool { request.isOverdue(at: now) }

    /// What the clock says now: the date that governs the request, paused, or stopped.
    var clockText: String {
        if request.status.isFinal { return "Stopped: the request is \(Self.statusText(request.status).lowercased())." }
        if request.status == .waitingForRequester {
            let since = request.waitingSince.map { " since \(PageText.timeText($0))" } ?? ""
            return "Paused\(since): waiting for the requester."
        }
        guard let governing = request.governingDate else { return "No date governs the request now." }
        let what = request.firstResponseAt == nil ? "first response due" : "records estimated"
        return overdue ? "Overdue: \(what) by \(Self.dayText(governing))." : "Running: \(what) by \(Self.dayText(governing))."
    }

    /// One row of the request list.
    var row: [String: Any] {
        var row: [String: Any] = [
            "id": request.id, "path": "/requests/\(request.id)", "channel": PageText.words(request.channel.rawValue),
            "received": PageText.time(request.receivedAt),
            "due": Self.day(request.dueDate), "status": Self.statusText(request.status), "overdue": overdue,
        ]
        if let governing = request.governingDate { row["governing"] = Self.day(governing) }
        return row
    }

    /// The request page's facts (everything but the history).
    var details: [String: Any] {
        var details = row
        details["receivedBy"] = request.receivedBy
        details["clock"] = clockText
        details["timeZone"] = request.timeZone.identifier
        if let text = request.text { details["text"] = text }
        if let note = contentNote { details["contentNote"] = note }
        details["requesterName"] = request.requester.name ?? "Not given"
        details["requesterContact"] = request.requester.contact ?? "Not given"
        if let first = request.firstResponseAt { details["firstResponse"] = PageText.time(first) }
        if let estimate = request.estimateDate { details["estimate"] = Self.day(estimate) }
        if let abandonable = request.abandonableFrom { details["abandonable"] = Self.day(abandonable) }
        if let reason = request.closeReason { details["closeReason"] = PageText.words(reason.rawValue) }
        if let closed = request.closedAt { details["closed"] = PageText.time(closed) }
        if request.feesCents > 0 {
            details["fees"] = [
                "assessed": RecordsRequestError.money(request.feesCents), "paid": RecordsRequestError.money(request.paidCents),
                "balance": RecordsRequestError.money(request.balanceCents),
            ]
        }
        if let explanation = request.explanation {
            details["explanation"] = [
                "calendar": explanation.calendar, "businessDays": explanation.businessDays, "receiptDay": Self.day(explanation.receiptDay),
                "steps": explanation.steps.map { step -> [String: Any] in ["day": Self.day(step.day), "note": step.note] },
            ]
        }
        return details
    }

    /// Why the request's text is not shown, when it is not.
    var contentNote: String? {
        switch request.content {
        case .present: nil
        case .destroyed: "The request's text and requester were destroyed under the retention schedule; the destruction is on the record."
        default: "The request's text and requester cannot be read right now."
        }
    }

    /// One event of the request's timeline.
    static func historyRow(_ item: RequestHistoryItem) -> [String: Any] {
        let details = item.details.sorted { $0.key < $1.key }.map { ["name": PageText.words($0.key), "value": $0.value] }
        return [
            "position": item.position, "what": item.label.prefix(1).uppercased() + item.label.dropFirst(), "status": statusText(item.status),
            "when": PageText.time(item.occurredAt), "actor": item.actor, "details": details, "hasDetails": !details.isEmpty,
            "pause": item.status == .waitingForRequester,
        ]
    }
}

extension RequestView {
    /// One search of the request, as logged: who ran it, when, its filters and their values, its
    /// result count and digest, what it covered and the holds it placed.
    static func searchRow(_ search: RequestSearch) -> [String: Any] {
        let filters = search.filters.map { name -> [String: Any] in
            ["name": PageText.words(name), "values": (search.values?[name] ?? []).joined(separator: ", ")]
        }
        return [
            "number": search.number, "when": PageText.time(search.runAt), "actor": search.actor, "filters": filters, "count": search.resultCount,
            "digest": search.resultSHA256, "through": search.through, "holds": search.holds.joined(separator: ", "), "hasHolds": !search.holds.isEmpty,
            "position": search.position, "results": PageText.words(search.resultsState),
        ]
    }

    /// One installment: its bundle, what it released, redacted and withheld.
    static func installmentRow(_ installment: Installment) -> [String: Any] {
        [
            "number": installment.number, "file": installment.file, "when": PageText.time(installment.producedAt), "by": installment.producedBy,
            "messages": installment.messages, "released": installment.released, "redacted": installment.redacted, "withheld": installment.withheld,
            "bytes": installment.bundleBytes, "manifest": installment.manifestSHA256, "checkpoint": installment.checkpointSize,
        ]
    }
}
