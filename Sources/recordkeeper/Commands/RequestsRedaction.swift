import Access
import ArgumentParser
import Foundation
import RecordkeeperRuntime
import Requests

extension RedactionError: RequestsRefusal {}
extension ExemptionListError: RequestsRefusal {}

/// What the redaction commands share: the exemption list in force and the service.
enum RedactionCLI {
    /// Runs `body` with the redactions of the ledger and the list of RECORDKEEPER_EXEMPTIONS_FILE
    /// (a list that cannot be used is a refusal: exit 1, nothing written).
    static func run<T: Sendable>(
        _ command: String, _ options: RequestsOptions, _ body: @Sendable (RequestRedactions, StaffRole, Date) async throws -> T
    ) async throws -> T {
        let list: ExemptionList
        do { list = try ExemptionList.fromEnvironment(Runtime.environment) } catch { throw RequestsCLI.fail(command, error.description, json: options.json) }
        return try await RequestsCLI.run(command, options) { requests, role, now in
            try await body(RequestRedactions(store: requests.store, ledger: requests.ledger, exemptions: list), role, now)
        }
    }

    /// Positions given as `p1,p2,…`.
    static func positions(_ text: String, command: String, json: Bool) throws -> [Int64] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let positions = parts.compactMap { Int64($0) }.filter { $0 > 0 }
        guard !parts.isEmpty, positions.count == parts.count else {
            throw RequestsCLI.fail(command, "--messages \(text) is not a list of ledger positions such as 41,42", json: json)
        }
        return positions
    }
}

/// `recordkeeper requests suggest REQUEST (--search N | --messages …)`.
struct RequestsSuggest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggest redactions in a request's messages: what the detectors find, each with the exemption it suggests (nothing is recorded).")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "A search of the request: suggest in the messages it found.") var search: Int?
    @Option(help: "Ledger positions of messages of the request's results, comma-separated.") var messages: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let json = options.json
        let id = id
        let positions = try messages.map { try RedactionCLI.positions($0, command: "suggest", json: json) }
        guard (search == nil) != (positions == nil) else { throw RequestsCLI.fail("suggest", "give either --search N or --messages P1,P2,…", json: json) }
        let search = search
        let found = try await RedactionCLI.run("suggest", options) { redactions, role, _ in
            if let search { return try await redactions.suggest(id, search: search, role: role) }
            return try await redactions.suggest(id, positions: positions ?? [], role: role)
        }
        if json {
            Output.json(["ok": true, "request": id, "suggestions": found.map(RedactionJSON.suggestion)])
            return
        }
        if found.isEmpty { Output.line("No suggestions: the detectors found nothing the exemption list maps.") }
        for s in found {
            let check = s.exemption.confirmed ? "" : "  (citation not confirmed: check it)"
            Output.line(
                "position \(s.messagePosition)  span \(s.start):\(s.length)  \(s.detector)  \"\(s.matched)\"  → \(s.exemption.code) (\(s.exemption.citation))\(check)"
            )
        }
    }
}

/// `recordkeeper requests redact REQUEST --message POS (--span S:L | --whole | --media ID) …`.
struct RequestsRedact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Redact a span of a message, withhold a whole message or a media file, under an exemption with a record-specific explanation.",
        discussion: """
            The explanation must say how the exemption applies to this record (RCW 42.56.210(3)): at least three words of \
            its own beyond the exemption's citation, title and stem. The redaction waits for review (requests review-redaction).
            """)

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The message's ledger position.") var message: Int64
    @Option(help: "The span: START:LENGTH in characters (Unicode scalars) of the message's text.") var span: String?
    @Flag(help: "Withhold the whole message.") var whole = false
    @Option(help: "Withhold this media file of the message (its media id).") var media: String?
    @Option(help: "The exemption's code (requests exemptions lists them).") var exemption: String
    @Option(help: "How the exemption applies to this record.") var explanation: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let json = options.json
        let target: RedactionTarget
        switch (span, whole, media) {
        case (let span?, false, nil):
            let parts = span.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = Int(parts[0]), let length = Int(parts[1]) else {
                throw RequestsCLI.fail("redact", "--span \(span) is not START:LENGTH such as 10:11", json: json)
            }
            target = .span(start: start, length: length)
        case (nil, true, nil): target = .message
        case (nil, false, let media?): target = .media(media)
        default: throw RequestsCLI.fail("redact", "give exactly one of --span START:LENGTH, --whole or --media MEDIA_ID", json: json)
        }
        let new = NewRedaction(messagePosition: message, target: target, exemption: exemption, explanation: explanation)
        let id = id
        let r = try await RedactionCLI.run("redact", options) { redactions, role, now in
            try await redactions.apply(new, to: id, actor: Runtime.actor, role: role, now: now)
        }
        if json {
            Output.json(RedactionJSON.redaction(r).merging(["ok": true]) { _, new in new })
        } else {
            Output.line("Applied \(r.id) to \(r.request): \(RedactionJSON.line(r)). It waits for review (requests review-redaction).")
        }
    }
}

/// `recordkeeper requests redactions REQUEST`: the list with states and explanations.
struct RequestsRedactions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redactions", abstract: "List a request's redactions with their state, exemption and explanation.")

    @Argument(help: "The request (PRR-…).") var id: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let id = id
        let list = try await RedactionCLI.run("redactions", options) { redactions, role, _ in try await redactions.list(id, role: role) }
        if options.json {
            Output.json(["ok": true, "request": id, "redactions": list.map(RedactionJSON.redaction)])
            return
        }
        if list.isEmpty { Output.line("\(id) has no redactions.") }
        for r in list { Output.line(RedactionJSON.line(r)) }
    }
}

/// `recordkeeper requests review-redaction REQUEST --redaction ID (--approve | --return --reason …)`.
struct RequestsReviewRedaction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review-redaction", abstract: "Review a redaction: approve it for release, or return it with a reason.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The redaction (R1 …).") var redaction: String
    @Flag(help: "Approve it: an installment may release the message with it.") var approve = false
    @Flag(name: .customLong("return"), help: "Return it to the officer (give --reason).") var returned = false
    @Option(help: "Why it is returned.") var reason: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        guard approve != returned else {
            throw RequestsCLI.fail("review-redaction", "give either --approve or --return --reason …", json: options.json)
        }
        let (id, redaction, approve, reason) = (id, redaction, approve, reason)
        let r = try await RedactionCLI.run("review-redaction", options) { redactions, role, now in
            try await redactions.review(id, redaction: redaction, approve: approve, reason: reason, actor: Runtime.actor, role: role, now: now)
        }
        if options.json {
            Output.json(RedactionJSON.redaction(r).merging(["ok": true]) { _, new in new })
        } else {
            Output.line("\(r.id) of \(r.request) is \(r.state.rawValue).")
        }
    }
}

/// `recordkeeper requests withdraw-redaction REQUEST --redaction ID --reason …`.
struct RequestsWithdrawRedaction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw-redaction", abstract: "Withdraw a redaction before release, with the reason.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The redaction (R1 …).") var redaction: String
    @Option(help: "Why it is withdrawn.") var reason: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let (id, redaction, reason) = (id, redaction, reason)
        let r = try await RedactionCLI.run("withdraw-redaction", options) { redactions, role, now in
            try await redactions.withdraw(id, redaction: redaction, reason: reason, actor: Runtime.actor, role: role, now: now)
        }
        if options.json {
            Output.json(RedactionJSON.redaction(r).merging(["ok": true]) { _, new in new })
        } else {
            Output.line("\(r.id) of \(r.request) is withdrawn.")
        }
    }
}

/// `recordkeeper requests exemptions`: the exemption list in force (no database needed).
struct RequestsExemptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exemptions", abstract: "List the exemptions of the list in force (RECORDKEEPER_EXEMPTIONS_FILE, default Washington's).")

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let list: ExemptionList
        do { list = try ExemptionList.fromEnvironment(Runtime.environment) } catch { throw RequestsCLI.fail("exemptions", error.description, json: json) }
        if json {
            Output.json(RedactionJSON.list(list).merging(["ok": true]) { _, new in new })
            return
        }
        Output.line("Exemption list \(list.name) (version \(list.version)):")
        for e in list.exemptions {
            let check = e.confirmed ? "" : "  [citation not confirmed: \(e.note ?? "check it")]"
            Output.line("  \(e.code)  \(e.citation)  \(e.title)\(check)")
        }
        Output.line(
            "An explanation needs at least \(ExplanationRule.minimumOwnWords) words of its own beyond the exemption's citation, title and stem.")
    }
}
