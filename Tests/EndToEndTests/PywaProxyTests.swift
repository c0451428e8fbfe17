import Access
import Events
import Foundation
import Ledger
import LedgerStore
import RecordkeeperCore
import ServiceTestSupport
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// Where the pywa virtual environment is (`scripts/pywa-venv.sh`, run by `scripts/test.sh`).
enum PywaEnvironment {
    /// `RECORDKEEPER_PYWA_PYTHON`: the venv's python, with pywa from PyPI installed unmodified.
    static var python: String? {
        ProcessInfo.processInfo.environment["RECORDKEEPER_PYWA_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// In CI (`CI=true`) the test always runs, and fails without the venv: acceptance needs it.
    static var runs: Bool {
        python != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static var driver: URL {
        TestEnvironment.repositoryRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/pywa_driver.py")
    }
}

/// The acceptance test of the recording proxy: the real pywa client from PyPI, unmodified, with
/// only its HTTP transport pointed at Recordkeeper, sends a text, a template, a reaction and a
/// mark-as-read, and meets two of Meta's errors as pywa's own typed exceptions.
@Suite("pywa through the recording proxy", .timeLimit(.minutes(5)))
struct PywaProxyTests {
    static let phone = "106540352242922"

    struct DriverResult: Decodable {
        var op: String
        var ok: Bool
        var id: String?
        var success: Bool?
        var exception: String?
        var code: Int?
        var message: String?
        var details: String?
        var fbtraceId: String?
        var statusCode: Int?
        var error: String?
    }

    @Test(
        "pywa sends text, template, reaction and mark-as-read through Recordkeeper; its exceptions carry Meta's errors exactly",
        .enabled(
            if: PywaEnvironment.runs,
            "RECORDKEEPER_PYWA_PYTHON is not set: run `bash scripts/pywa-venv.sh` (scripts/test.sh does) and export the python it prints")
    )
    func pywaThroughTheProxy() async throws {
        guard let python = PywaEnvironment.python else {
            throw TestSetupError(
                "CI=true but RECORDKEEPER_PYWA_PYTHON is not set: scripts/test.sh installs pywa from PyPI into .build/pywa-venv "
                    + "(scripts/pywa-venv.sh) and exports its python; the pywa acceptance test cannot be skipped in CI")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestSetupError("RECORDKEEPER_PYWA_PYTHON=\(python) is not an executable: run `bash scripts/pywa-venv.sh`")
        }
        try await TestGraphServer.with { graph in
            await graph.script("15550131047", FakeSendAnswer.metaError(131047))
            await graph.script("15550130429", FakeSendAnswer.metaError(130429))
            let configuration = try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken)
            try await withMigratedDatabase { db in
                let token = try await addIntegration(db, name: "pywa-bot")
                try await withProxyApp(db, graph: configuration) { root in
                    let operations: [[String: Any]] = [
                        ["op": "text", "to": "+16505551234", "text": "Hello from pywa via the archive proxy — مرحبا 👋"],
                        ["op": "template", "to": "+16505551234", "name": "appointment_reminder", "language": "en_US", "body": ["Ana", "2026-03-01"]],
                        ["op": "reaction", "to": "+16505551234", "emoji": "👍", "message_id": "wamid.INBOUND1"],
                        ["op": "mark_read", "message_id": "wamid.INBOUND1"],
                        ["op": "text", "to": "+15550131047", "text": "outside the window"],
                        ["op": "text", "to": "+15550130429", "text": "too fast"],
                    ]
                    let json = String(decoding: try JSONSerialization.data(withJSONObject: operations), as: UTF8.self)
                    let results = try await Self.runDriver(
                        python: python, arguments: ["--proxy", root, "--token", token.text, "--phone-id", Self.phone, "--api-version", "23.0", json])
                    try #require(results.count == operations.count, "one result per operation: \(results)")

                    // Successes: the ids pywa returns are the ones (fake) Meta answered.
                    let accepted = await graph.sentMessages().compactMap(\.answeredID)
                    #expect(results[0].ok && results[1].ok && results[2].ok, "\(results.prefix(3))")
                    #expect([results[0].id, results[1].id, results[2].id].compactMap { $0 } == Array(accepted.prefix(3)))
                    #expect(results[3].ok && results[3].success == true, "mark-as-read: \(results[3])")

                    // Errors: pywa's own exception classes, with exactly what Meta sent.
                    for (result, code, exception) in [(results[4], 131047, "ReEngagementMessage"), (results[5], 130429, "RateLimitHit")] {
                        guard case let .error(status, _, title, details) = FakeSendAnswer.metaError(code) else { continue }
                        #expect(!result.ok)
                        #expect(result.exception == exception, "\(result)")
                        #expect(result.code == code)
                        #expect(result.message == "(#\(code)) \(title)")
                        #expect(result.details == details)
                        #expect(result.fbtraceId == "AfakeTrace\(code)")
                        #expect(result.statusCode == status)
                    }

                    // Meta received exactly what pywa sent, and the ledger holds each request and response.
                    let sent = await graph.sentMessages()
                    #expect(sent.count == 6)
                    let records = try await mainRecords(db).filter { OutboundEventType.all.contains($0.entry.fields.eventType) }
                    let requests = records.filter { $0.entry.fields.eventType == OutboundEventType.sendRequested }
                    let outcomes = records.filter { $0.entry.fields.eventType != OutboundEventType.sendRequested }
                    #expect(requests.count == 6 && outcomes.count == 6)
                    #expect(try requests.map { try $0.headerJSON().text("kind") } == ["text", "template", "reaction", "mark_read", "text", "text"])
                    #expect(try requests.map { try $0.payloadBytes() } == sent.map(\.body), "the ledger holds the exact bodies Meta received")
                    #expect(try requests.allSatisfy { try $0.headerJSON().text("via") == "proxy" && $0.headerJSON().text("integration") == "pywa-bot" })
                    #expect(
                        outcomes.map(\.entry.fields.eventType) == [
                            OutboundEventType.sendAccepted, OutboundEventType.sendAccepted, OutboundEventType.sendAccepted,
                            OutboundEventType.sendAccepted, OutboundEventType.sendFailed, OutboundEventType.sendFailed,
                        ])
                    for (request, outcome) in zip(requests, outcomes) {
                        #expect(try outcome.headerJSON()["request_position"]?.integer == request.entry.fields.position)
                    }
                    #expect(try outcomes[4].payloadJSON()["error"]?["code"]?.integer == 131047)
                    #expect(try outcomes[5].payloadJSON()["error"]?["code"]?.integer == 130429)
                }
            }
        }
    }

    /// Runs the driver with the venv's python; one decoded result per output line.
    static func runDriver(python: String, arguments: [String]) async throws -> [DriverResult] {
        try await withTemporaryDirectory { work in
            var environment = TestEnvironment.cleanEnvironment()
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
            environment["PYTHONIOENCODING"] = "utf-8"
            let child = try ChildProcess.spawn(
                python, [PywaEnvironment.driver.path] + arguments, environment: environment,
                workingDirectory: work.path, outputDirectory: work, label: "pywa")
            let termination = try await child.waitForExit(timeout: .seconds(120))
            let output = child.stdout
            guard termination == .exited(0) else {
                throw TestSetupError("the pywa driver ended with \(termination)\n--- stdout ---\n\(output)\n--- stderr ---\n\(child.stderr)")
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try output.split(separator: "\n").map { line in
                do {
                    return try decoder.decode(DriverResult.self, from: Data(line.utf8))
                } catch {
                    throw TestSetupError("the pywa driver printed \(line): \(error)\n--- stderr ---\n\(child.stderr)")
                }
            }
        }
    }
}
