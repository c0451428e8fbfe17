import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import NIOCore
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// The auditor's read-only HTTP API: latest checkpoint, proofs and entry headers, over a real
/// database, with problem details for bad requests.
@Suite("Ledger routes", .timeLimit(.minutes(3)))
struct LedgerRoutesTests {
    static let logName = "records.test.example"
    /// The bootstrap admin token: admins may read ledger metadata and proofs (docs/access.md).
    static let adminToken = "ledger-routes-admin-7d1e"
    static let auth: HTTPFields = [.authorization: "Bearer \(adminToken)"]

    @Test("checkpoint, inclusion and consistency proofs and entry headers, all checkable against the signed checkpoint")
    func routes() async throws {
        let migrations = try ScratchDatabase.migrations()
        let masterKey = MasterKey.generate()
        try await withScratchDatabase { database in
            try await database.migrate(migrations)
            // Forty entries, a signing key and a checkpoint, as the service would make them.
            let (verifier, checkpoint) = try await withPostgresClient(database.serviceURL) { client in
                try await LedgerStore.withStore(client: client, masterKey: masterKey, logger: testLogger) { store in
                    for i in 0..<40 {
                        _ = try await store.append(
                            NewEvent(
                                stream: "conversation/\(i % 3)", eventType: "note.added", actor: "agent-\(i)", header: #"{"n":\#(i)}"#,
                                payload: Array("secret payload \(i)".utf8)),
                            to: "routes")
                    }
                    let key = try await SigningKeyStore.create(client: client, masterKey: masterKey, logger: testLogger)
                    let checkpoint = try await store.makeCheckpoint(ledger: "routes", logName: Self.logName)
                    return (try key.verifierKey(logName: Self.logName, ledger: "routes"), checkpoint)
                }
            }
            try await withRecordkeeperApp(databaseURL: database.serviceURL, migrations: migrations, masterKey: masterKey, adminToken: Self.adminToken) { app in
                // The latest checkpoint, as text, verifiable with the published key.
                let signed = try await app.execute(uri: "/v1/ledgers/routes/checkpoint", method: .get) { response -> Checkpoint in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                    let note = try SignedNote(parsing: String(buffer: response.body))
                    #expect(verifier.verifies(note))
                    return try Checkpoint(parsingBody: note.text)
                }
                #expect(signed.treeSize == 40)
                #expect(signed.rootHash == checkpoint.rootHash)

                // An inclusion proof leads to the signed root.
                let proof = try await app.execute(uri: "/v1/ledgers/routes/proofs/inclusion?position=17&size=40", method: .get, headers: Self.auth) {
                    response in
                    #expect(response.status == .ok)
                    return try JSONDecoder().decode(InclusionProof.self, from: Data(String(buffer: response.body).utf8))
                }
                #expect(proof.verifies(againstRoot: signed.rootHash))
                #expect(!proof.verifies(againstRoot: LedgerDigest.sha256([1])))

                // The entry header: its hash is the proof's, and the payload is never served.
                try await app.execute(uri: "/v1/ledgers/routes/entries/17", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(!text.contains("secret payload"))
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                    #expect(object["entry_hash"] as? String == proof.entryHash)
                    #expect(object["actor"] as? String == "agent-16")
                    #expect(object["payload"] == nil && object["sealed"] == nil)
                }

                // A consistency proof from an earlier size to the signed one.
                let consistency = try await app.execute(uri: "/v1/ledgers/routes/proofs/consistency?from=13&to=40", method: .get, headers: Self.auth) {
                    response in
                    #expect(response.status == .ok)
                    return try JSONDecoder().decode(ConsistencyProof.self, from: Data(String(buffer: response.body).utf8))
                }
                let oldRoot = try LedgerDigest(hex: consistency.fromRoot)
                #expect(consistency.verifies(oldRoot: oldRoot, newRoot: signed.rootHash))

                // Bad requests get problem details.
                for (uri, status, code) in [
                    ("/v1/ledgers/nope/checkpoint", HTTPResponse.Status.notFound, "no_ledger"),
                    ("/v1/ledgers/routes/entries/0", .badRequest, "invalid_position"),
                    ("/v1/ledgers/routes/entries/41", .notFound, "no_entry"),
                    ("/v1/ledgers/routes/proofs/inclusion?position=3&size=99", .unprocessableContent, "out_of_range"),
                    ("/v1/ledgers/routes/proofs/inclusion?position=41", .unprocessableContent, "out_of_range"),
                    ("/v1/ledgers/routes/proofs/inclusion", .badRequest, "missing_parameter"),
                    ("/v1/ledgers/routes/proofs/consistency?from=9&to=x", .badRequest, "invalid_parameter"),
                    ("/v1/ledgers/routes/proofs/consistency?from=9&to=3", .unprocessableContent, "out_of_range"),
                    ("/v1/ledgers/Bad%20Name/checkpoint", .badRequest, "invalid_ledger"),
                ] {
                    try await app.execute(uri: uri, method: .get, headers: Self.auth) { response in
                        #expect(response.status == status, "\(uri)")
                        #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
                        let problem = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                        #expect(problem?["code"] as? String == code, "\(uri)")
                        #expect(problem?["status"] as? Int == Int(status.code), "\(uri)")
                    }
                }
            }
        }
    }

    @Test("a ledger without a checkpoint answers 404 with problem details")
    func noCheckpointYet() async throws {
        let migrations = try ScratchDatabase.migrations()
        try await withScratchDatabase { database in
            try await database.migrate(migrations)
            try await withPostgresClient(database.serviceURL) { client in
                try await LedgerStore.withStore(client: client, masterKey: MasterKey.generate(), logger: testLogger) { store in
                    _ = try await store.ledger(named: "fresh")
                }
            }
            try await withRecordkeeperApp(databaseURL: database.serviceURL, migrations: migrations) { app in
                try await app.execute(uri: "/v1/ledgers/fresh/checkpoint", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(String(buffer: response.body).contains("no_checkpoint"))
                }
            }
        }
    }
}
