import Access
import Checkpoints
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerStore
import LocalTSA
import Messaging
import NIOCore
import PostgresNIO
import Requests
import ServiceTestSupport
import TestSupport
import Testing
import WebhookRelay

/// The auditor's checkpoints page (issue 16 item 6): every stored checkpoint, newest first, 50 a
/// page, its signature checked under the service's verifier keys, its RFC 3161 timestamp; on a
/// real database, with a real (local) Time-Stamp Authority, over loopback HTTP.
@Suite("Web audit checkpoints page", .timeLimit(.minutes(5)))
struct WebAuditCheckpointPagesTests {
    typealias C = WebPageClient
    static let password = "a long enough passphrase"

    @Test("checkpoints newest first and paged: a signed one verifies with its timestamp shown, one not signed by the service's key is flagged")
    func checkpoints() async throws {
        try await LocalTSA.with { tsa in
            try await C.withWebApp { app, store in
                let directory = TestStaff.directory(store)
                for (name, role) in [("avery", StaffRole.auditor), ("alice", .agent)] {
                    _ = try await directory.addUser(name: name, roles: [role], password: Self.password, actor: "test")
                }
                let avery = try await C.session(store, name: "avery", password: Self.password)
                let none = try await C.get(app, "/audit/checkpoints", session: avery)
                #expect(none.status == .ok && none.body.contains("No signed checkpoint yet") && none.body.contains("no signing key yet"), "\(none.body)")
                C.expectPageHeaders(none, "GET /audit/checkpoints")

                // The service's key signs the first checkpoint, which a local TSA then stamps.
                let logName = ExportSettings.fromEnvironment(ProcessInfo.processInfo.environment).logName
                let key = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
                let signed = try await store.makeCheckpoint(ledger: "main", logName: logName)
                var settings = CheckpointSettings()
                settings.tsaURL = URL(string: tsa.url)
                _ = try await CheckpointPublisher(store: store, settings: settings, logger: testLogger).publishPending()
                #expect(try await store.timestampToken(checkpointID: signed.id) != nil)

                // A checkpoint written into the database under another key (what someone without the
                // signing key could do): the same tree, a valid note, but not the service's signature.
                let origin = CheckpointOrigin.origin(logName: logName, ledger: "main")
                let forger = NoteSigningKey.generate()
                let forgedNote = try forger.signNote(
                    Checkpoint(
                        origin: origin, treeSize: UInt64(signed.treeSize), rootHash: signed.rootHash, chainHead: signed.chainHead,
                        createdAt: Int64(Date().timeIntervalSince1970)
                    ).body, name: origin
                ).rendered
                let ledger = try #require(try await store.existingLedger(named: "main"))
                let forged = try await store.client.query(
                    """
                    INSERT INTO checkpoints (ledger_id, tree_size, root_hash, chain_head, signing_key_id, note, created_at)
                    VALUES (\(ledger.id), \(signed.treeSize), \(ByteBuffer(bytes: signed.rootHash.bytes)), \(ByteBuffer(bytes: signed.chainHead.bytes)),
                            \(key.id), \(forgedNote), now())
                    RETURNING id
                    """, logger: testLogger
                ).collect().first?.decode(Int64.self)
                let forgedID = try #require(forged)

                let page = try await C.get(app, "/audit/checkpoints", session: avery)
                #expect(page.status == .ok, "\(page.body)")
                let serviceKey = try key.verifierKey(logName: logName, ledger: "main")
                #expect(page.body.contains(serviceKey.description), "the service's verifier key is not shown")
                #expect(page.body.contains("href=\"/v1/ledgers/main/checkpoint\""))
                let rows = Self.rows(page.body)
                #expect(rows.map(\.id) == [forgedID, signed.id], "\(rows)")
                let good = try #require(rows.last)
                #expect(good.html.contains("<strong>Verifies</strong>") && good.html.contains(signed.rootHash.hex))
                #expect(good.html.contains(String(format: "%08x", serviceKey.keyID)))
                #expect(good.html.contains("from <code>\(tsa.url)</code>"), "\(good.html)")
                let bad = try #require(rows.first)
                #expect(
                    bad.html.contains("Does not verify")
                        && bad.html.contains(String(format: "%08x", noteKeyID(name: origin, ed25519PublicKey: forger.publicKey))))
                #expect(bad.html.contains("none stored"))
                #expect(page.body.contains("1 of the checkpoints on this page do not verify"))

                // Paged by 50: 50 more checkpoints push the first two to the second page.
                for _ in 0..<50 { _ = try await store.makeCheckpoint(ledger: "main", logName: logName) }
                let first = try await C.get(app, "/audit/checkpoints", session: avery)
                #expect(Self.rows(first.body).count == 50 && !first.body.contains("do not verify"))
                let older = try #require(
                    first.body.range(of: "<a href=\"/audit/checkpoints?before=").map { range in
                        String(first.body[range.lowerBound...].dropFirst("<a href=\"".count).prefix { $0 != "\"" })
                    })
                let second = try await C.get(app, older, session: avery)
                #expect(Self.rows(second.body).map(\.id) == [forgedID, signed.id] && second.body.contains("Newest checkpoints"))
                #expect(try await C.get(app, "/audit/checkpoints?before=x", session: avery).status == .badRequest)

                // The audit page links it; an agent may not open it.
                #expect(try await C.get(app, "/audit", session: avery).body.contains("href=\"/audit/checkpoints\""))
                let alice = try await C.session(store, name: "alice", password: Self.password)
                #expect(try await C.get(app, "/audit/checkpoints", session: alice).status == .forbidden)
            }
        }
    }

    @Test("the integrations, relays and checkpoints pages with rows in them pass the browser checks (axe WCAG 2.1 AA, 360 px, 200% zoom, keyboard)")
    func pagesWithRowsInABrowser() async throws {
        let python = try BrowserTests.requirePython()
        let logs = CapturedLogs()
        let summary = try await WebAdminIntegrationPagesTests.withLoggedWebApp(logs) { app, store in
            let port = try #require(app.port)
            let password = "browser-\(TestEnvironment.randomHex(12))"
            let (_, enrollment) = try await TestStaff.directory(store).addUser(
                name: "web.admin", roles: [.admin], password: password, enrollTOTP: true, actor: "test")
            let registry = IntegrationRegistry(store: store, ledger: "main", logger: testLogger)
            _ = try await registry.add(name: "notification-bot", actor: "test")
            _ = try await registry.add(name: "old-bot", actor: "test")
            _ = try await registry.revoke(name: "old-bot", actor: "test")
            try await WebhookRelayStore.save(
                try WebhookRelay(name: "case-app", phoneNumberIDs: ["106540352242922"], url: "https://hooks.example.org/whatsapp?token=x"),
                secret: "a relay secret", replace: false, store: store, ledger: "main", actor: "test")
            _ = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
            let logName = ExportSettings.fromEnvironment(ProcessInfo.processInfo.environment).logName
            let signed = try await store.makeCheckpoint(ledger: "main", logName: logName)
            // One not signed by the service's key, so that the warning and the flagged row are checked too.
            let origin = CheckpointOrigin.origin(logName: logName, ledger: "main")
            let note = try NoteSigningKey.generate().signNote(
                Checkpoint(origin: origin, treeSize: UInt64(signed.treeSize), rootHash: signed.rootHash, chainHead: signed.chainHead, createdAt: nil).body,
                name: origin
            ).rendered
            let ledger = try #require(try await store.existingLedger(named: "main"))
            _ = try await store.client.query(
                """
                INSERT INTO checkpoints (ledger_id, tree_size, root_hash, chain_head, signing_key_id, note, created_at)
                VALUES (\(ledger.id), \(signed.treeSize), \(ByteBuffer(bytes: signed.rootHash.bytes)), \(ByteBuffer(bytes: signed.chainHead.bytes)),
                        \(signed.signingKeyID), \(note), now())
                """, logger: testLogger
            ).collect()
            let account = BrowserTests.Account(label: "admin", name: "web.admin", password: password, totpSecret: try #require(enrollment?.secret))
            return try await BrowserTests.run(
                python: python, port: port, accounts: [account], pages: ["/admin/integrations", "/admin/relays", "/audit/checkpoints"],
                artifacts: "rows")
        }
        for check in summary.checks where check.status == "fail" {
            Issue.record("\(check.page) (\(check.account)) \(check.check): \(check.detail)")
        }
        for page in ["/admin/integrations", "/admin/relays", "/audit/checkpoints"] {
            for name in ["load", "axe", "reflow-360", "zoom-200", "keyboard"] {
                #expect(summary.checks.contains { $0.page == page && $0.check == name && $0.status == "pass" }, "\(page): \(name) did not pass")
            }
        }
    }

    /// The table's rows: each checkpoint's id and its row's HTML, in page order.
    static func rows(_ html: String) -> [(id: Int64, html: String)] {
        html.components(separatedBy: "<tr>").dropFirst().compactMap { row in
            guard let range = row.range(of: "<th scope=\"row\">#") else { return nil }
            return Int64(row[range.upperBound...].prefix { $0.isNumber }).map { ($0, row) }
        }
    }
}
