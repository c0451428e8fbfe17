import Access
import ArgumentParser
import Foundation
import RecordkeeperCore
import RecordkeeperRuntime
import Requests
import Retention

extension RequestSearchError: RequestsRefusal {}
extension LegalHoldError: RequestsRefusal {}

/// `recordkeeper requests search ID`: runs a search for a request, logs it
/// (`request.search.run`) and has the request's holds cover what it selected.
struct RequestsSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the messages for a request: logged in the request, its result set committed to by count and SHA-256, held.",
        discussion: """
            Filters combine with AND; an option given several times takes any of its values (OR). At least one \
            filter is required. --from and --to take a day (YYYY-MM-DD, in the request's time zone, both days \
            included) or an ISO 8601 time (included). Hits show position, time, direction, type and conversation, \
            never text: read messages with `recordkeeper conversations` or the web application, within your clearance. \
            Every search places (or extends) the request's public-records-request hold on the conversations it selected.
            """
    )

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "A citizen: phone number with country code, or WhatsApp user id (BSUID).") var citizen: [String] = []
    @Option(help: "A business number (phone_number_id).") var businessNumber: [String] = []
    @Option(help: "A team: conversations ever routed to it.") var team: [String] = []
    @Option(help: "A staff user name: messages they sent and conversations ever assigned to them.") var agent: [String] = []
    @Option(help: "From this day or time (included).") var from: String?
    @Option(help: "To this day or time (included).") var to: String?
    @Option(help: "inbound or outbound.") var direction: [String] = []
    @Option(help: "A message type: text, image, document, audio, video, location, …") var type: [String] = []
    @Option(help: "A data category, 1 to 4 (awaiting classification counts as 4).") var category: [String] = []
    @Option(help: "Words that must all be in the message (the blind index; needs the master key).") var words: String?
    @Flag(help: "Search the read models as the workers have them, without catching them up first.") var noCatchUp = false
    @OptionGroup var options: RequestsOptions

    /// The options as search parameters, in the order given here.
    var parameters: [(name: String, value: String)] {
        var list: [(name: String, value: String)] = []
        list += citizen.map { ("citizen", $0) }
        list += businessNumber.map { ("business_number", $0) }
        list += team.map { ("team", $0) }
        list += agent.map { ("agent", $0) }
        if let from { list.append(("from", from)) }
        if let to { list.append(("to", to)) }
        list += direction.map { ("direction", $0) }
        list += type.map { ("type", $0) }
        list += category.map { ("category", $0) }
        if let words { list.append(("words", words)) }
        return list
    }

    func run() async throws {
        let filters: RequestSearchFilters
        do { filters = try RequestSearchFilters.parse(parameters) } catch {
            throw RequestsCLI.fail("search", error.description, json: options.json)
        }
        let (id, catchUp) = (id, !noCatchUp)
        let outcome = try await RequestsCLI.run("search", options) { requests, role, now in
            try await RequestSearches(store: requests.store, ledger: requests.ledger).run(
                id, filters: filters, actor: Runtime.actor, role: role, now: now, catchUp: catchUp)
        }
        let search = outcome.search
        if options.json {
            var object = search.json
            object["ok"] = true
            object["hits"] = outcome.hits.map(\.json)
            Output.json(object)
            return
        }
        Output.line(
            "\(search.request) search \(search.number): \(search.resultCount) message\(search.resultCount == 1 ? "" : "s") (messages up to ledger position \(search.through))"
        )
        Output.line("result_sha256 \(search.resultSHA256)")
        Output.line(
            search.holds.isEmpty ? "holds: the request's holds already cover these conversations" : "hold placed: \(search.holds.joined(separator: ", "))")
        RequestsSearches.printHits(outcome.hits)
    }
}

/// `recordkeeper requests searches ID`: the searches logged for a request, or one's results.
struct RequestsSearches: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "searches",
        abstract: "List the searches logged for a request (who, when, filters and their values, count, hash, holds), or one search's results.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "Print the messages this search selected (its number).") var search: Int?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let (id, number) = (id, search)
        let (searches, hits) = try await RequestsCLI.run("searches", options) { requests, role, _ in
            let searches = RequestSearches(store: requests.store, ledger: requests.ledger)
            let list = try await searches.list(id, role: role)
            var hits: [RequestSearchHit]?
            if let number { hits = try await searches.results(id, search: number, role: role) }
            return (list, hits)
        }
        if options.json {
            var object: [String: Any] = ["ok": true, "request": id, "searches": searches.map(\.json)]
            if let hits { object["hits"] = hits.map(\.json) }
            Output.json(object)
            return
        }
        if searches.isEmpty { Output.line("No search was logged for \(id).") }
        for s in searches {
            let values = (s.values ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: "|"))" }.joined(separator: " ")
            Output.line(
                "#\(s.number)  \(RequestsCLI.iso(s.runAt))  \(s.actor)  \(s.resultCount) results  sha256 \(s.resultSHA256)  holds \(s.holds.isEmpty ? "-" : s.holds.joined(separator: ","))  \(values.isEmpty ? s.filters.joined(separator: ",") : values)"
            )
        }
        if let hits { printHits(hits) }
    }

    /// The hits as a table: position, time (UTC), direction, type, conversation.
    static func printHits(_ hits: [RequestSearchHit]) {
        guard !hits.isEmpty else { return }
        Output.line("position  time                  direction  type      conversation")
        for hit in hits {
            let type = (hit.messageType ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0)
            let direction = hit.direction.padding(toLength: 9, withPad: " ", startingAt: 0)
            Output.line(
                "\(String(hit.position).padding(toLength: 8, withPad: " ", startingAt: 0))  \(RequestsCLI.iso(hit.occurredAt))  \(direction)  \(type)  \(hit.conversationID)"
            )
        }
    }

    private func printHits(_ hits: [RequestSearchHit]) { Self.printHits(hits) }
}

/// `recordkeeper requests release-holds`: releases the holds of closed requests whose grace
/// period has ended.
struct RequestsReleaseHolds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release-holds",
        abstract: "Release the holds of closed, withdrawn or abandoned requests once their grace period has ended.",
        discussion: """
            The grace period is RECORDKEEPER_REQUEST_HOLD_GRACE_DAYS days after the request was closed (default 30; 0: at \
            once); a request with an appeal pending keeps its holds. Safe to run again: a hold released already is not \
            listed. The background workers (`recordkeeper work`, `serve`) do this every hour.
            """
    )

    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let grace: RequestHoldGrace
        do { grace = try RequestHoldGrace.fromEnvironment(Runtime.environment) } catch {
            throw RequestsCLI.fail("release-holds", "\(error)", json: options.json)
        }
        let items = try await RequestsCLI.run("release-holds", options) { requests, role, now in
            guard RecordsRequests.actingRoles.contains(role) else { throw RecordsRequestError.notAllowed(role: role.rawValue, action: "release request holds") }
            return try await RequestHolds(store: requests.store, ledger: requests.ledger).releaseDue(grace: grace, actor: Runtime.actor, now: now)
        }
        if options.json {
            Output.json(["ok": true, "grace_days": grace.days, "holds": items.map(\.json)])
            return
        }
        let released = items.filter(\.released)
        Output.line(released.isEmpty ? "No request hold was due for release." : "Released \(released.count) request hold\(released.count == 1 ? "" : "s"):")
        for item in released { Output.line("  \(item.hold)  \(item.request)  closed \(RequestsCLI.iso(item.closedAt))") }
        for item in items where !item.released {
            Output.line("  kept \(item.hold)  \(item.request)  until \(RequestsCLI.iso(item.releasableFrom)) (grace \(grace.days) days)")
        }
    }
}
