import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper-bench all` as a user runs it: every benchmark in sequence on its own ledger, one
/// table of issue 17's paths with the baseline, ratio, target and verdict, each ledger verified.
@Suite("bench all", .timeLimit(.minutes(10)))
struct CLIBenchAllTests {
    struct Output: Decodable {
        struct Row: Decodable {
            var path: String
            var ours: String
            var baseline: String
            var ratio: Double?
            var target: String
            var met: Bool?
            var ledger: String
            var ledgerEntries: Int
            var verifies: Bool?
            var error: String?
        }

        var build: String
        var table: [Row]
        var allMet: Bool
        var couldNotRun: [String]
        var benchmarks: [String: [String: JSONScalar]]
    }

    /// A figure of a benchmark's JSON (the rows' values are numbers, strings, booleans or arrays).
    enum JSONScalar: Decodable {
        case number(Double), text(String), flag(Bool), list([Double])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) {
                self = .flag(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode([Double].self) {
                self = .list(value)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    static let tinySizes = [
        "--append-events", "100", "--ingest-deliveries", "60", "--send-requests", "40", "--send-conversations", "4", "--read-requests", "20",
        "--read-conversations", "3", "--verify-entries", "300", "--verify-proofs", "10", "--projections-rate", "20", "--projections-seconds", "2",
        "--burst-seconds", "1", "--concurrency", "2",
    ]

    @Test("a tiny run: six rows in order, each with its target and verdict, its ledger's size, and the ledger verified")
    func tinyRun() async throws {
        try await withMigratedCLI { fixture in
            let run = try await fixture.cli.bench(["all"] + Self.tinySizes + ["--json"], timeout: .seconds(540))
            try #require(run.exitCode == 0, "\(run.transcript)")
            let output = try run.json(Output.self)
            #expect(output.table.map(\.path) == ["append", "ingest", "send", "read", "verify", "projections"])
            #expect(output.couldNotRun.isEmpty)
            #expect(Set(output.benchmarks.keys) == Set(output.table.map(\.path)))
            for row in output.table {
                #expect(row.error == nil, "\(row.path): \(row.error ?? "")")
                #expect(row.met != nil && !row.ours.isEmpty && !row.target.isEmpty, "\(row.path)")
                #expect(row.verifies == true, "\(row.path): its ledger \(row.ledger) verifies")
                #expect(row.ledgerEntries > 0, "\(row.path): the ledger's size is stated")
            }
            let ledgers = output.table.map(\.ledger)
            #expect(Set(ledgers).count == ledgers.count, "each benchmark writes to its own ledger: \(ledgers)")
            #expect(output.table.first { $0.path == "verify" }?.ledgerEntries == 300)
            #expect(output.table.first { $0.path == "append" }?.ratio != nil)
            #expect(output.table.first { $0.path == "projections" }?.ratio == nil, "the projections have no baseline")
            #expect(output.allMet == output.table.allSatisfy { $0.met == true })
        }
    }

    @Test("a benchmark that cannot run (an invalid ledger name) is reported in the table and the exit status is 1")
    func cannotRun() async throws {
        try await withMigratedCLI { fixture in
            let run = try await fixture.cli.bench(["all", "--only", "append", "--append-events", "20", "--ledger", "Not A Ledger", "--json"])
            #expect(run.exitCode == 1, "\(run.transcript)")
            let output = try run.json(Output.self)
            #expect(output.couldNotRun == ["append"])
            #expect(output.table.count == 1 && output.table[0].error != nil && output.table[0].met == nil, "\(run.transcript)")
        }
    }

    @Test("--only names known benchmarks; sizes must be positive: exit 64 before any database is touched")
    func badOptions() async throws {
        try await withTemporaryDirectory { work in
            let cli = try RecordkeeperCLI(workDirectory: work, environment: [:])
            let unknown = try await cli.bench(["all", "--only", "append,nonsense"])
            #expect(unknown.exitCode == 64 && unknown.stderr.contains("unknown benchmark nonsense"), "\(unknown.transcript)")
            let zero = try await cli.bench(["all", "--verify-entries", "0"])
            #expect(zero.exitCode == 64 && zero.stderr.contains("must be positive"), "\(zero.transcript)")
        }
    }
}
