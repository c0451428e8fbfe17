import Events
import Yams

extension CatalogReader {
    /// One series of the list, with every problem of it reported.
    mutating func series(_ node: Node, path: String) -> RetentionSeries? {
        let problemsBefore = problems.count
        guard let fields = mapping(node, path: path, allowed: CatalogField.series, what: "a series") else { return nil }
        let dan = self.dan(fields)
        let revision = self.revision(fields)
        if let dan, let revision {
            let citation = RetentionSeries(
                dan: dan, revision: revision, title: "", description: "", retention: .untilNoLongerNeeded, trigger: .communication,
                finalAction: .review, designation: Designation(archival: .nonArchival, essential: false, office: .opr)
            ).citation
            if let first = citations.first(where: { $0.citation == citation }) {
                report(
                    line: fields.line("dan"), field: fields.path("dan"),
                    "`\(citation)` is already listed at line \(first.line); each DAN and revision may appear once (a newer revision is listed with its own `revision:`)"
                )
            }
            citations.append((citation, dan, fields.line("dan")))
        }
        let title = text(fields, "title")
        let description = text(fields, "description")
        let retention = self.retention(fields)
        let trigger = self.trigger(fields)
        let finalAction = choice(fields, "final_action", FinalAction.allCases.map { ($0.rawValue, $0) })
        let designation = self.designation(fields)
        let confirmed = flag(fields, "confirmed", default: true)
        let twoPerson = flag(fields, "two_person_approval", default: false)
        if let finalAction, let designation {
            checkDisposition(fields, retention: retention, finalAction: finalAction, archival: designation.archival)
        }
        guard let dan, let revision, let title, let description, let retention, let trigger, let finalAction, let designation,
            let confirmed, let twoPerson, problems.count == problemsBefore
        else { return nil }
        return RetentionSeries(
            dan: dan, revision: revision, title: title, description: description, retention: retention, trigger: trigger,
            finalAction: finalAction, designation: designation, confirmed: confirmed, twoPersonApproval: twoPerson)
    }

    /// The standing rules of every schedule, and what "until no longer needed" allows.
    private mutating func checkDisposition(_ fields: Fields, retention: RetentionPeriod?, finalAction: FinalAction, archival: Designation.Archival) {
        let line = fields.line("final_action")
        let field = fields.path("final_action")
        switch (archival, finalAction) {
        case (.permanent, .destroy):
            report(
                line: line, field: field,
                "a series designated `archival: permanent` is never destroyed: use `transfer` (to the State Archives) or `review`")
        case (.appraisalRequired, .destroy), (.appraisalRequired, .review):
            report(
                line: line, field: field,
                "a series designated `archival: appraisal_required` must be offered to the State Archives before any disposition: use `transfer`"
            )
        default:
            break
        }
        if retention == .untilNoLongerNeeded, finalAction == .transfer {
            report(
                line: line, field: field,
                "`until no longer needed` is ended by a records officer's decision, record by record: use `review` or `destroy`, or give a fixed retention such as `P2Y`"
            )
        }
    }

    private mutating func dan(_ fields: Fields) -> String? {
        guard let dan = text(fields, "dan") else { return nil }
        let problem: String?
        if dan.lowercased().contains("rev") {
            problem = "write the revision apart, as `revision: 3`, and only the number here (such as `GS50-01-12`)"
        } else if dan != dan.uppercased() {
            problem = "write the DAN in capitals as the schedule prints it: `\(dan.uppercased())`"
        } else if !Self.isDAN(dan) {
            problem =
                "a DAN is capital letters, digits and dashes (dots inside a number, for NARA's `GRS5.2-010`), starting with a letter, such as `GS2010-001` or `GS50-01-12`"
        } else {
            problem = nil
        }
        guard let problem else { return dan }
        report(line: fields.line("dan"), field: fields.path("dan"), "`\(dan)` is not a DAN: \(problem)")
        return nil
    }

    /// `GS2010-001`, `GS50-01-12`, `GRS5.2-010`: parts of capitals and digits joined by single dashes
    /// (or dots), a letter first, a digit somewhere.
    static func isDAN(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first), text.contains(where: \.isNumber) else { return false }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: ".", omittingEmptySubsequences: false)
        }
        return parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        }
    }

    private mutating func revision(_ fields: Fields) -> Int? {
        guard fields.value("revision") != nil else { return 0 }
        guard let text = text(fields, "revision") else { return nil }
        guard let revision = Int(text), revision >= 1 else {
            report(
                line: fields.line("revision"), field: fields.path("revision"),
                "`\(text)` is not a revision: write a whole number such as `3` (for `Rev. 3`), or leave the field out when the schedule prints no revision"
            )
            return nil
        }
        return revision
    }

    private mutating func retention(_ fields: Fields) -> RetentionPeriod? {
        guard let text = text(fields, "retention") else { return nil }
        if text.lowercased() == CatalogField.untilNoLongerNeeded { return .untilNoLongerNeeded }
        switch RetentionPeriod.parse(iso8601: text) {
        case .success(let period):
            return period
        case .failure(let problem):
            report(line: fields.line("retention"), field: fields.path("retention"), "`\(text)` \(problem.message)")
            return nil
        }
    }

    private mutating func trigger(_ fields: Fields) -> RetentionTrigger? {
        guard let node = fields.value("trigger") else {
            report(line: fields.line, field: fields.path("trigger"), "missing: add `trigger:`")
            return nil
        }
        let named: [(String, RetentionTrigger)] = [
            ("communication", .communication), ("conversation_closed", .conversationClosed), ("request_closed", .requestClosed),
        ]
        guard case .mapping = node else {
            if case .scalar(let scalar) = node, scalar.string == "event" {
                report(line: fields.line("trigger"), field: fields.path("trigger"), "name the event on the next line: `event: <type>`")
                return nil
            }
            return choice(fields, "trigger", named)
        }
        let path = fields.path("trigger")
        guard let event = mapping(node, path: path, allowed: CatalogField.trigger, what: "an event trigger"),
            let type = text(event, "event")
        else { return nil }
        guard EventCatalog.all.contains(where: { $0.type == type }) else {
            report(
                line: event.line("event"), field: event.path("event"),
                "`\(type)` is not an event the service records (the event types are listed in docs/events.md), so this retention would never start")
            return nil
        }
        return .event(type)
    }

    private mutating func designation(_ fields: Fields) -> Designation? {
        guard let node = fields.value("designation") else {
            report(line: fields.line, field: fields.path("designation"), "missing: add `designation:` with `archival`, `essential` and `office`")
            return nil
        }
        guard let parts = mapping(node, path: fields.path("designation"), allowed: CatalogField.designation, what: "a designation") else {
            return nil
        }
        let archival = choice(parts, "archival", Designation.Archival.allCases.map { ($0.rawValue, $0) })
        let essential = flag(parts, "essential")
        let office = choice(parts, "office", Designation.Office.allCases.map { ($0.rawValue, $0) })
        guard let archival, let essential, let office else { return nil }
        return Designation(archival: archival, essential: essential, office: office)
    }
}
