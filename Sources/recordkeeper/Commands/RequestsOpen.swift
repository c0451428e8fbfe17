import ArgumentParser
import Deadlines
import Foundation
import RecordkeeperRuntime
import Requests

/// `recordkeeper requests open`: records `request.received` with its due date.
struct RequestsOpen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Record a public-records request as received: it is numbered PRR-<year>-<n> and its response due date computed.",
        discussion: """
            The request's text is recorded verbatim (--text, or --text-file for a long one). The requester's \
            name and contact are optional. The response is due 5 business days after the day of receipt \
            (RCW 42.56.520); `recordkeeper requests show ID` shows the arithmetic.
            """
    )

    @Option(help: "How it arrived: email, web, mail, phone, in_person, whatsapp or other.")
    var channel: String

    @Option(help: "The request's text, verbatim.")
    var text: String?

    @Option(name: .customLong("text-file"), help: "A file holding the request's text (UTF-8), verbatim.")
    var textFile: String?

    @Option(name: .customLong("requester-name"), help: "The requester's name, if they gave one.")
    var requesterName: String?

    @Option(name: .customLong("requester-contact"), help: "How to reach the requester (email, address, phone), if given.")
    var requesterContact: String?

    @Option(name: .customLong("received-at"), help: "When it arrived: an ISO 8601 time (default now).")
    var receivedAt: String?

    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let command = "open"
        guard let channel = RequestChannel(rawValue: channel.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            throw RequestsCLI.fail(
                command, "--channel \(channel) is not a channel: give \(RequestChannel.allCases.map(\.rawValue).joined(separator: ", "))",
                json: options.json)
        }
        let body: String
        switch (text, textFile) {
        case (let text?, nil): body = text
        case (nil, let path?):
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw RequestsCLI.fail(command, "cannot read --text-file \(path) as UTF-8 text", json: options.json)
            }
            body = text
        default: throw RequestsCLI.fail(command, "give the request's text with --text or --text-file (one of them)", json: options.json)
        }
        var received: Date?
        if let text = receivedAt {
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw RequestsCLI.fail(command, "--received-at \(text) is not an ISO 8601 time such as 2026-11-20T18:00:00Z", json: options.json)
            }
            received = date
        }
        let request = NewRecordsRequest(
            channel: channel, text: body, requester: Requester(name: requesterName, contact: requesterContact), receivedAt: received)
        let (opened, now) = try await RequestsCLI.run(command, options) { requests, role, now in
            (try await requests.open(request, actor: Runtime.actor, role: role, now: now), now)
        }
        if options.json {
            var object = RecordsRequestJSON.request(opened, now: now)
            object["ok"] = true
            if let explanation = opened.explanation { object["explanation"] = RecordsRequestJSON.explanation(explanation) }
            Output.json(object)
            return
        }
        let day = CivilDay(opened.receivedAt, in: opened.timeZone)
        Output.line("Opened \(opened.id) (\(opened.channel.rawValue)), received \(day.weekday.name) \(day).")
        Output.line(
            "Response due \(opened.dueDate.weekday.name) \(opened.dueDate) (5 business days, the day of receipt not counted): `recordkeeper requests show \(opened.id)` shows the arithmetic."
        )
    }
}
